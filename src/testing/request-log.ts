/**
 * The request log: every request the simulator answered, with secrets redacted so a test can
 * print or snapshot it safely (and assert that a client never sent a password twice, say).
 *
 * What counts as a secret is the library's own rule, `isSecretKey` (src/secrets/sanitize.ts: any key
 * ending in `password`, `token` or `secret`, and `response`, `code`, `authorization`), applied alike to body
 * keys, query parameters (`?client_secret=…&token=…` of an email link) and route parameters named
 * like a secret (`/registration_tokens/{token}`). One rule for the library's inspector and the
 * simulator's log, so neither misses a key the other knows (`refresh_token`, `login_token`…).
 */
import { isSecretKey, REDACTED } from '../secrets/sanitize';
import { matchRoute, type Route } from './router';

/** One answered request. */
export interface RequestLogEntry {
  /** HTTP method of the request. */
  method: string;
  /** Path with query; secret query parameters and path parameters are redacted. */
  path: string;
  /** The parsed body with secrets redacted (`undefined` when empty). */
  body: unknown;
  /** Whether an access token came with it (header or query). */
  authenticated: boolean;
  /** HTTP status of the answer. */
  status: number;
  /** When it arrived (server clock). */
  time: number;
}

/** Whether the request log redacts the value of a body key or query parameter named `key`. */
export function isRedactedKey(key: string): boolean {
  return isSecretKey(key);
}

/** A deep copy of a JSON value with the value of every key {@link isRedactedKey} accepts replaced by `"[redacted]"`. */
export function redact(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redact);
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = isRedactedKey(k) ? REDACTED : redact(v);
  return out;
}

function decode(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    return s;
  }
}

/** The query string with the value of every secret parameter redacted; order and encoding kept. */
function redactQuery(query: string): string {
  return query
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      const key = eq >= 0 ? pair.slice(0, eq) : pair;
      return eq >= 0 && isRedactedKey(decode(key)) ? `${key}=${REDACTED}` : pair;
    })
    .join('&');
}

/** Path segments that the route answering `method pathname` names like a secret (`{token}`), redacted. */
function redactSegments(method: string, pathname: string, routes: readonly Route[]): string {
  const match = routes.length > 0 ? matchRoute(routes, method.toUpperCase(), pathname) : undefined;
  if (!match || !('route' in match) || !match.route.paramNames.some(isRedactedKey)) return pathname;
  const template = match.route.template.split('/');
  const segments = pathname.split('/');
  // The prefix has no parameters: the template's segments are the path's last ones.
  const offset = segments.length - template.length;
  template.forEach((t, i) => {
    const m = /^\{(.+)\}$/.exec(t);
    if (m && isRedactedKey(m[1]!)) segments[offset + i] = REDACTED;
  });
  return segments.join('/');
}

/**
 * The path with secrets redacted: every query parameter {@link isRedactedKey} accepts
 * (`access_token`, `client_secret`, `token`, `refresh_token`…), and, when `routes` are given, the
 * parameters of the route answering `method` on it that are named like one
 * (`GET /_synapse/admin/v1/registration_tokens/{token}`).
 */
export function redactPath(path: string, routes: readonly Route[] = [], method = 'GET'): string {
  const q = path.indexOf('?');
  const pathname = q >= 0 ? path.slice(0, q) : path;
  const query = q >= 0 ? path.slice(q + 1) : undefined;
  return redactSegments(method, pathname, routes) + (query === undefined ? '' : `?${redactQuery(query)}`);
}
