/**
 * Versions, login, whoami and logout: enough of the session API for a client to get an access
 * token the way an app does (`m.login.password` with any identifier form).
 */
import { json, matrixError, isResponse } from './http-types';
import { resolveUser } from './identifiers';
import { str } from './json-values';
import { objectBody, requireRequester } from './request-helpers';
import { CLIENT, route, type Route } from './router';
import type { RequestContext } from './state';

/** The spec versions advertised. */
export const SPEC_VERSIONS: readonly string[] = ['r0.6.1', 'v1.1', 'v1.2', 'v1.3', 'v1.4', 'v1.5', 'v1.6', 'v1.7', 'v1.8', 'v1.9', 'v1.10', 'v1.11', 'v1.12'];

/** The login response, shared with registration's re-login. */
export function loginResponse(ctx: RequestContext, userId: string, accessToken: string, deviceId: string) {
  return {
    user_id: userId,
    access_token: accessToken,
    home_server: ctx.state.config.serverName,
    device_id: deviceId,
    well_known: { 'm.homeserver': { base_url: `${ctx.baseUrl}/` } },
  };
}

/** The routes of this file. */
export const sessionRoutes: Route[] = [
  route('GET', '/versions', ['/_matrix/client'], () =>
    json(200, { versions: [...SPEC_VERSIONS], unstable_features: { 'org.matrix.e2e_cross_signing': true, 'org.matrix.msc3231': true } }),
  ),

  route('GET', '/login', CLIENT, () => json(200, { flows: [{ type: 'm.login.password' }] })),

  route('POST', '/login', CLIENT, (ctx) => {
    const body = objectBody(ctx);
    if (isResponse(body)) return body;
    if (body.type !== 'm.login.password') return matrixError(400, 'M_UNKNOWN', 'Unknown login type');
    const { accounts } = ctx.state;
    const userId = resolveUser(accounts, body);
    if (!userId || !accounts.checkPassword(userId, body.password)) return matrixError(403, 'M_FORBIDDEN', 'Invalid username or password');
    if (accounts.getUser(userId)!.deactivated) return matrixError(403, 'M_USER_DEACTIVATED', 'This account has been deactivated');
    const deviceId = str(body, 'device_id');
    const token = accounts.createAccessToken(userId, deviceId, str(body, 'initial_device_display_name') ?? null);
    const device = accounts.resolveToken(token)!.deviceId;
    return json(200, loginResponse(ctx, userId, token, device));
  }),

  route('GET', '/account/whoami', CLIENT, (ctx) => {
    const who = requireRequester(ctx);
    if (isResponse(who)) return who;
    return json(200, { user_id: who.userId, device_id: who.deviceId, is_guest: false });
  }),

  route('POST', '/logout', CLIENT, (ctx) => {
    const who = requireRequester(ctx);
    if (isResponse(who)) return who;
    ctx.state.accounts.removeDevice(who.userId, who.deviceId);
    return json(200, {});
  }),
];
