/**
 * From a raw request to a response: parse (JSON or form body), answer CORS preflights, route,
 * apply scripted rate limits, run the handler, turn a crash into a 500. Every response carries
 * the CORS headers so a browser page served from another loopback port can call the simulator.
 */
import { json, matrixError, type ParsedRequest, type SimRequest, type SimResponse } from './http-types';
import { clone } from './json-values';
import { matchRoute, type Route } from './router';
import { accountRoutes } from './routes-account';
import { adminRoutes } from './routes-admin';
import { accountManagementRoutes } from './routes-account-management';
import { delegatedRoutes } from './routes-delegated';
import { deviceRoutes } from './routes-devices';
import { fallbackRoutes } from './routes-fallback';
import { faviconRoutes } from './routes-favicon';
import { keyRoutes } from './routes-keys';
import { registerRoutes } from './routes-register';
import { sessionRoutes } from './routes-session';
import { simulatorRoutes } from './routes-simulator';
import { threepidRoutes } from './routes-threepids';
import type { ServerState } from './state';

/** Every route the simulator serves. */
export const ROUTES: readonly Route[] = [
  ...sessionRoutes,
  ...registerRoutes,
  ...accountRoutes,
  ...deviceRoutes,
  ...keyRoutes,
  ...threepidRoutes,
  ...fallbackRoutes,
  ...simulatorRoutes,
  ...adminRoutes,
  ...faviconRoutes,
];

/** The routes of a server that delegates auth: its own answers first, then the rest. */
const DELEGATED_ROUTES: readonly Route[] = [...delegatedRoutes, ...accountManagementRoutes, ...ROUTES];

/** Headers on every response (Synapse sends the same set). */
export const CORS_HEADERS: Readonly<Record<string, string>> = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Allow-Methods': 'GET, HEAD, POST, PUT, DELETE, OPTIONS',
  'Access-Control-Allow-Headers': 'X-Requested-With, Content-Type, Authorization, Date',
  // Retry-After is not a CORS-safelisted response header: a browser client sees it only if exposed.
  'Access-Control-Expose-Headers': 'Retry-After',
};

function lowerHeaders(headers: SimRequest['headers']): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers ?? {})) if (v !== undefined) out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
  return out;
}

/** Parses a request; a body that is not JSON (nor a form) gives 400 M_NOT_JSON. */
export function parseRequest(req: SimRequest): ParsedRequest | SimResponse {
  const method = req.method.toUpperCase();
  const rawPath = req.path.startsWith('/') ? req.path : `/${req.path}`;
  const q = rawPath.indexOf('?');
  const path = q >= 0 ? rawPath.slice(0, q) : rawPath;
  const query = new URLSearchParams(q >= 0 ? rawPath.slice(q + 1) : '');
  const headers = lowerHeaders(req.headers);
  let body: unknown = req.body;
  if (body instanceof Uint8Array) body = Buffer.from(body).toString('utf8');
  if (typeof body === 'string') {
    if (body.trim() === '') body = undefined;
    else if ((headers['content-type'] ?? '').includes('application/x-www-form-urlencoded')) body = Object.fromEntries(new URLSearchParams(body));
    else {
      try {
        body = JSON.parse(body);
      } catch {
        return matrixError(400, 'M_NOT_JSON', 'Content not JSON.');
      }
    }
  } else if (body !== undefined && body !== null) {
    body = clone(body);
  } else {
    body = undefined;
  }
  return { method, path, rawPath, query, headers, body };
}

/** The base URL links are built from, for this request. */
export function baseUrlFor(state: ServerState, req: ParsedRequest, listeningUrl: string | undefined): string {
  if (state.config.publicBaseUrl) return state.config.publicBaseUrl;
  const host = req.headers['host'];
  if (host) return `http://${host}`;
  return listeningUrl ?? 'http://localhost';
}

/** Answers one parsed request (CORS headers added by the caller). */
export async function dispatch(state: ServerState, req: ParsedRequest, listeningUrl: string | undefined): Promise<SimResponse> {
  if (req.method === 'OPTIONS') return json(200, {});
  const match = matchRoute(state.config.delegatedAuth ? DELEGATED_ROUTES : ROUTES, req.method, req.path);
  if (!match) return matrixError(404, 'M_UNRECOGNIZED', 'Unrecognized request');
  if ('methodNotAllowed' in match) return matrixError(405, 'M_UNRECOGNIZED', 'Unrecognized request');
  const retryAfterMs = state.rateLimiter.take(req.method, match.route.template);
  if (retryAfterMs !== undefined) {
    return json(429, { errcode: 'M_LIMIT_EXCEEDED', error: 'Too Many Requests', retry_after_ms: retryAfterMs }, { 'Retry-After': String(Math.ceil(retryAfterMs / 1000)) });
  }
  try {
    return await match.route.handler({ state, req, baseUrl: baseUrlFor(state, req, listeningUrl) }, match.params);
  } catch (err) {
    return matrixError(500, 'M_UNKNOWN', `Internal error: ${err instanceof Error ? err.message : String(err)}`);
  }
}
