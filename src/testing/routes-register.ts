/**
 * Registration: `POST /register` (UIA; `inhibit_login`; guests refused; a taken username refused
 * before UIA, as Synapse #4), username availability, and registration-token validity.
 *
 * A session that already registered someone logs them in again instead of failing: a client
 * retrying after a lost response gets the account it created (Synapse #3, #78).
 */
import { json, matrixError, isResponse, type SimResponse } from './http-types';
import { isObject, str, type JsonObject } from './json-values';
import { objectBody } from './request-helpers';
import { CLIENT, CLIENT_V1, route, type Route } from './router';
import type { RequestContext } from './state';
import { authenticate } from './uia';

const LOCALPART = /^[a-z0-9._=\-/]+$/;

/** 400 when the username is malformed or taken (by someone this session did not register). */
function checkUsername(ctx: RequestContext, username: unknown, registeredBySession: string | undefined): SimResponse | undefined {
  if (username === undefined) return undefined;
  if (typeof username !== 'string' || username === '') return matrixError(400, 'M_INVALID_USERNAME', 'User ID must be a non-empty string');
  const localpart = username.toLowerCase();
  if (!LOCALPART.test(localpart)) return matrixError(400, 'M_INVALID_USERNAME', "User ID can only contain characters a-z, 0-9, or '=_-./'");
  const userId = ctx.state.accounts.qualify(localpart);
  if (ctx.state.accounts.exists(userId) && userId !== registeredBySession) return matrixError(400, 'M_USER_IN_USE', 'User ID already taken.');
  return undefined;
}

/** The user a session named in `auth` already registered, if any. */
function registeredBy(ctx: RequestContext, auth: unknown): string | undefined {
  if (!isObject(auth) || typeof auth.session !== 'string') return undefined;
  return ctx.state.sessions.get(auth.session)?.registeredUserId;
}

function generatedLocalpart(ctx: RequestContext): string {
  for (let n = ctx.state.accounts.list().length + 1; ; n++) if (!ctx.state.accounts.exists(String(n))) return String(n);
}

function registerResponse(ctx: RequestContext, userId: string, body: JsonObject): SimResponse {
  const home_server = ctx.state.config.serverName;
  if (body.inhibit_login === true) return json(200, { user_id: userId, home_server });
  const token = ctx.state.accounts.createAccessToken(userId, str(body, 'device_id'), str(body, 'initial_device_display_name') ?? null);
  const deviceId = ctx.state.accounts.resolveToken(token)!.deviceId;
  return json(200, { user_id: userId, home_server, access_token: token, device_id: deviceId });
}

async function register(ctx: RequestContext): Promise<SimResponse> {
  const kind = ctx.req.query.get('kind') ?? 'user';
  if (kind === 'guest') return matrixError(403, 'M_GUEST_ACCESS_FORBIDDEN', 'Guest access is disabled');
  if (kind !== 'user') return matrixError(400, 'M_INVALID_PARAM', `Invalid kind: ${kind}`);
  if (!ctx.state.config.registrationEnabled) return matrixError(403, 'M_FORBIDDEN', 'Registration has been disabled');
  const body = objectBody(ctx);
  if (isResponse(body)) return body;
  const early = checkUsername(ctx, body.username, registeredBy(ctx, body.auth));
  if (early) return early;

  const uia = authenticate(ctx, 'register', null, body);
  if (!uia.ok) return uia.response;
  const { session, body: effective } = uia;
  if (session?.registeredUserId) return registerResponse(ctx, session.registeredUserId, effective);

  const late = checkUsername(ctx, effective.username, undefined);
  if (late) return late;
  if (effective.password !== undefined && typeof effective.password !== 'string') return matrixError(400, 'M_INVALID_PARAM', 'Invalid password');
  const { accounts, registrationTokens } = ctx.state;
  const localpart = typeof effective.username === 'string' ? effective.username.toLowerCase() : generatedLocalpart(ctx);
  const user = accounts.addUser(localpart, effective.password as string | undefined);
  if (session?.threepid) accounts.bindThreepid(user.userId, session.threepid.medium, session.threepid.address, session.threepid.validatedAt);
  if (session?.registrationToken) {
    registrationTokens.complete(session.registrationToken);
    session.registrationToken = undefined;
  }
  if (session) session.registeredUserId = user.userId;
  return registerResponse(ctx, user.userId, effective);
}

/** The routes of this file. */
export const registerRoutes: Route[] = [
  route('POST', '/register', CLIENT, register),

  route('GET', '/register/available', CLIENT, (ctx) => {
    const username = ctx.req.query.get('username');
    if (!username) return matrixError(400, 'M_MISSING_PARAM', "Missing string query parameter 'username'");
    return checkUsername(ctx, username, undefined) ?? json(200, { available: true });
  }),

  route('GET', '/register/m.login.registration_token/validity', [...CLIENT_V1, '/_matrix/client/unstable/org.matrix.msc3231'], (ctx) => {
    const token = ctx.req.query.get('token');
    if (token === null) return matrixError(400, 'M_MISSING_PARAM', "Missing string query parameter 'token'");
    return json(200, { valid: ctx.state.registrationTokens.isValid(token) });
  }),
];
