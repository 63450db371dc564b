/**
 * Password change (with an access token), password reset (without one: the validated email
 * identifies the user, Synapse #62–#66), and account deactivation.
 */
import { json, matrixError, isResponse } from './http-types';
import { objectBody, optionalRequester, requireRequester } from './request-helpers';
import { CLIENT, route, type Route } from './router';
import { authenticate } from './uia';

/** The routes of this file. */
export const accountRoutes: Route[] = [
  route('POST', '/account/password', CLIENT, (ctx) => {
    const who = optionalRequester(ctx);
    if (isResponse(who)) return who;
    const body = objectBody(ctx);
    if (isResponse(body)) return body;
    const uia = authenticate(ctx, who ? 'passwordChange' : 'passwordReset', who, body);
    if (!uia.ok) return uia.response;
    const effective = uia.body;
    if (typeof effective.new_password !== 'string' || effective.new_password === '') {
      return matrixError(400, 'M_MISSING_PARAM', 'Missing params: new_password');
    }
    const userId = who?.userId ?? uia.session?.userId;
    const user = userId ? ctx.state.accounts.getUser(userId) : undefined;
    if (!user) return matrixError(404, 'M_NOT_FOUND', 'Email address not found');
    user.password = effective.new_password;
    // The spec's default for logout_devices is true: every other device is signed out.
    if (effective.logout_devices !== false) ctx.state.accounts.removeOtherDevices(user.userId, who?.deviceId);
    return json(200, {});
  }),

  route('POST', '/account/deactivate', CLIENT, (ctx) => {
    const who = requireRequester(ctx);
    if (isResponse(who)) return who;
    const body = objectBody(ctx);
    if (isResponse(body)) return body;
    const uia = authenticate(ctx, 'deactivate', who, body);
    if (!uia.ok) return uia.response;
    ctx.state.accounts.deactivate(who.userId);
    return json(200, { id_server_unbind_result: 'success' });
  }),
];
