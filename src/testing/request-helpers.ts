/**
 * What most handlers need first: the access token's owner (401 M_MISSING_TOKEN without one,
 * 401 M_UNKNOWN_TOKEN for a bad one, as Synapse #56), and the body as a JSON object.
 */
import type { Requester } from './accounts';
import { matrixError, type SimResponse } from './http-types';
import { isObject, type JsonObject } from './json-values';
import type { RequestContext } from './state';

/** The access token from `Authorization: Bearer …` or the legacy `access_token` query parameter. */
export function accessTokenOf(ctx: RequestContext): string | undefined {
  const header = ctx.req.headers['authorization'];
  const m = header ? /^Bearer\s+(.+)$/i.exec(header.trim()) : null;
  if (m) return m[1];
  return ctx.req.query.get('access_token') ?? undefined;
}

/** The token's owner; an error response when there is no (valid) token. */
export function requireRequester(ctx: RequestContext): Requester | SimResponse {
  const token = accessTokenOf(ctx);
  if (!token) return matrixError(401, 'M_MISSING_TOKEN', 'Missing access token');
  return ctx.state.accounts.resolveToken(token) ?? matrixError(401, 'M_UNKNOWN_TOKEN', 'Invalid access token passed.', { soft_logout: false });
}

/** The token's owner, `null` without a token, an error response for a bad one. */
export function optionalRequester(ctx: RequestContext): Requester | null | SimResponse {
  return accessTokenOf(ctx) === undefined ? null : requireRequester(ctx);
}

/** The body as a JSON object (`{}` when empty); 400 M_BAD_JSON for another JSON type. */
export function objectBody(ctx: RequestContext): JsonObject | SimResponse {
  const body = ctx.req.body;
  if (body === undefined) return {};
  if (!isObject(body)) return matrixError(400, 'M_BAD_JSON', 'Content must be a JSON object.');
  return body;
}
