/**
 * A minimal slice of Synapse's admin API: registration tokens (list, get, create), so the
 * recordings' `/_synapse/admin` requests (#40, #41) replay, and a test can mint a token over HTTP.
 * Only users seeded or added with `admin: true` may call it, as on Synapse.
 */
import { json, matrixError, isResponse, type SimResponse } from './http-types';
import { newRegistrationToken } from './ids';
import { objectBody, requireRequester } from './request-helpers';
import { route, type Route } from './router';
import type { RequestContext } from './state';

const ADMIN = ['/_synapse/admin/v1'];

function requireAdmin(ctx: RequestContext): SimResponse | undefined {
  const who = requireRequester(ctx);
  if (isResponse(who)) return who;
  return ctx.state.accounts.getUser(who.userId)?.admin ? undefined : matrixError(403, 'M_FORBIDDEN', 'You are not a server admin');
}

/** The routes of this file. */
export const adminRoutes: Route[] = [
  route('GET', '/registration_tokens', ADMIN, (ctx) => requireAdmin(ctx) ?? json(200, { registration_tokens: ctx.state.registrationTokens.list() })),

  route('POST', '/registration_tokens/new', ADMIN, (ctx) => {
    const denied = requireAdmin(ctx);
    if (denied) return denied;
    const body = objectBody(ctx);
    if (isResponse(body)) return body;
    const token = typeof body.token === 'string' ? body.token : newRegistrationToken(typeof body.length === 'number' ? body.length : 16);
    if (!/^[A-Za-z0-9._~-]{1,64}$/.test(token)) return matrixError(400, 'M_INVALID_PARAM', 'token must consist only of characters matched by the regex [A-Za-z0-9._~-]');
    if (ctx.state.registrationTokens.get(token)) return matrixError(400, 'M_INVALID_PARAM', `Token already exists: ${token}`);
    const uses = body.uses_allowed ?? null;
    const expiry = body.expiry_time ?? null;
    if (uses !== null && (typeof uses !== 'number' || !Number.isInteger(uses) || uses < 0)) return matrixError(400, 'M_INVALID_PARAM', 'uses_allowed must be a non-negative integer or null');
    if (expiry !== null && typeof expiry !== 'number') return matrixError(400, 'M_INVALID_PARAM', 'expiry_time must be an integer or null');
    return json(200, { ...ctx.state.registrationTokens.add(token, uses, expiry) });
  }),

  route('GET', '/registration_tokens/{token}', ADMIN, (ctx, { token }) => {
    const denied = requireAdmin(ctx);
    if (denied) return denied;
    const info = ctx.state.registrationTokens.get(token!);
    return info ? json(200, { ...info }) : matrixError(404, 'M_NOT_FOUND', `No such registration token: ${token}`);
  }),
];
