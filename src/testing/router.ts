/**
 * Routing: path templates such as `/devices/{deviceId}` under one or more prefixes
 * (`/_matrix/client/v3` and its `/r0` alias). The template doubles as the endpoint's name in
 * rate-limit rules, so a test writes `limitNext('/register')` whatever the prefix.
 */
import type { SimResponse } from './http-types';
import type { RequestContext } from './state';

/** Answers one request; `params` holds the decoded `{…}` segments. */
export type RouteHandler = (ctx: RequestContext, params: Record<string, string>) => SimResponse | Promise<SimResponse>;

/** One endpoint. */
export interface Route {
  method: string;
  /** The path under the prefix, e.g. `/devices/{deviceId}`. */
  template: string;
  prefixes: readonly string[];
  handler: RouteHandler;
  /** Compiled: one regex per prefix, capturing the parameters. */
  patterns: RegExp[];
  paramNames: string[];
}

/** The client-server API prefixes served (v3, and r0 where the endpoint existed then). */
export const CLIENT = ['/_matrix/client/v3', '/_matrix/client/r0'] as const;
/** Endpoints introduced under v1. */
export const CLIENT_V1 = ['/_matrix/client/v1'] as const;

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Declares a route. */
export function route(method: string, template: string, prefixes: readonly string[], handler: RouteHandler): Route {
  const paramNames: string[] = [];
  const body = template
    .split(/(\{[^}]+\})/)
    .map((part) => {
      const m = /^\{(.+)\}$/.exec(part);
      if (!m) return escapeRegex(part);
      paramNames.push(m[1]!);
      return '([^/]+)';
    })
    .join('');
  const patterns = prefixes.map((p) => new RegExp(`^${escapeRegex(p)}${body}$`));
  return { method, template, prefixes, handler, patterns, paramNames };
}

/** The outcome of matching a request against the route table. */
export type RouteMatch = { route: Route; params: Record<string, string> } | { methodNotAllowed: true } | undefined;

/** Finds the route for a method and (percent-encoded) path. */
export function matchRoute(routes: readonly Route[], method: string, path: string): RouteMatch {
  let pathMatched = false;
  for (const r of routes) {
    for (const pattern of r.patterns) {
      const m = pattern.exec(path);
      if (!m) continue;
      if (r.method !== method && !(r.method === 'GET' && method === 'HEAD')) {
        pathMatched = true;
        continue;
      }
      const params: Record<string, string> = {};
      r.paramNames.forEach((name, i) => {
        params[name] = safeDecode(m[i + 1]!);
      });
      return { route: r, params };
    }
  }
  return pathMatched ? { methodNotAllowed: true } : undefined;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
