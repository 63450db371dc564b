/**
 * Third-party identifiers: the six `requestToken` endpoints (register, password reset, 3PID
 * add; email and SMS), the validation endpoint the email link and `submit_url` point at, and
 * `/account/3pid` (add, list).
 *
 * The validation endpoint is simulator-specific: `GET /_simulator/3pid/submit_token?sid=…&
 * client_secret=…&token=…` is the link in the email (an HTML page), and `POST` of the same path
 * with `{sid, client_secret, token}` is the `submit_url` a client posts an SMS code to.
 */
import { html, json, matrixError, isResponse, type SimResponse } from './http-types';
import { escapeHtml, page } from './html-page';
import { toMsisdn } from './identifiers';
import { str } from './json-values';
import { objectBody, requireRequester } from './request-helpers';
import { CLIENT, route, type Route, type RouteHandler } from './router';
import type { RequestContext } from './state';
import type { ThreepidValidation } from './threepid-validations';
import { authenticate } from './uia';

/** Path of the email link (GET) and of `submit_url` (POST). */
export const SUBMIT_TOKEN_PATH = '/_simulator/3pid/submit_token';

const CLIENT_SECRET = /^[0-9a-zA-Z.=_-]{1,255}$/;

/** The email link for a validation session. */
export function validationLink(baseUrl: string, v: ThreepidValidation): string {
  const q = new URLSearchParams({ sid: v.sid, client_secret: v.clientSecret, token: v.token });
  return `${baseUrl}${SUBMIT_TOKEN_PATH}?${q.toString()}`;
}

const SUBJECTS = { register: 'Confirm your email address', password: 'Reset your password', '3pid': 'Add this email address to your account' } as const;

function send(ctx: RequestContext, v: ThreepidValidation): void {
  const link = validationLink(ctx.baseUrl, v);
  const text =
    v.medium === 'email'
      ? `${SUBJECTS[v.purpose]}: open ${link}\nIf you did not ask for this, ignore this email.`
      : `Your ${ctx.state.config.serverName} verification code is ${v.token}`;
  ctx.state.outbox.push({
    medium: v.medium,
    address: v.address,
    purpose: v.purpose,
    sid: v.sid,
    client_secret: v.clientSecret,
    code: v.token,
    link,
    submitUrl: `${ctx.baseUrl}${SUBMIT_TOKEN_PATH}`,
    subject: v.medium === 'email' ? SUBJECTS[v.purpose] : 'SMS',
    text,
    sentAt: ctx.state.config.now(),
  });
}

function requestToken(medium: 'email' | 'msisdn', purpose: ThreepidValidation['purpose']): RouteHandler {
  return (ctx) => {
    const body = objectBody(ctx);
    if (isResponse(body)) return body;
    const secret = body.client_secret;
    if (secret === undefined) return matrixError(400, 'M_MISSING_PARAM', 'Missing params: client_secret');
    if (typeof secret !== 'string' || !CLIENT_SECRET.test(secret)) return matrixError(400, 'M_INVALID_PARAM', 'Invalid client_secret');
    const attempt = body.send_attempt;
    if (typeof attempt !== 'number' || !Number.isInteger(attempt)) return matrixError(400, 'M_MISSING_PARAM', 'Missing params: send_attempt');
    let address: string | undefined;
    if (medium === 'email') {
      const email = str(body, 'email');
      address = email && /^[^@\s]+@[^@\s]+$/.test(email.trim()) ? email.trim() : undefined;
      if (!address) return matrixError(400, 'M_INVALID_PARAM', 'Unable to parse email address');
    } else {
      const phone = str(body, 'phone_number');
      address = phone ? toMsisdn(str(body, 'country'), phone) : undefined;
      if (!address) return matrixError(400, 'M_INVALID_PARAM', 'Unable to parse phone number');
    }
    const what = medium === 'email' ? 'Email' : 'Phone number';
    const owner = ctx.state.accounts.findByThreepid(medium, address);
    if (purpose !== 'password' && owner) return matrixError(400, 'M_THREEPID_IN_USE', `${what} is already in use`);
    if (purpose === 'password' && !owner) return matrixError(400, 'M_THREEPID_NOT_FOUND', `${what} not found`);
    const { validation, send: mustSend } = ctx.state.threepids.request({ medium, address, clientSecret: secret, sendAttempt: attempt, purpose });
    if (mustSend) send(ctx, validation);
    if (medium === 'email') return json(200, { sid: validation.sid });
    return json(200, { sid: validation.sid, submit_url: `${ctx.baseUrl}${SUBMIT_TOKEN_PATH}` });
  };
}

function linkPage(ctx: RequestContext): SimResponse {
  const q = ctx.req.query;
  const result = ctx.state.threepids.submit(q.get('sid') ?? '', q.get('client_secret') ?? '', q.get('token') ?? '');
  if (result !== 'validated') return html(400, page('Validation failed', '<p class="error">This link is invalid or has expired.</p>'));
  const v = ctx.state.threepids.get(q.get('sid')!)!;
  return html(200, page('Address validated', `<p><strong>${escapeHtml(v.address)}</strong> is validated. You can return to the application.</p>`));
}

function submitToken(ctx: RequestContext): SimResponse {
  const body = objectBody(ctx);
  if (isResponse(body)) return body;
  const result = ctx.state.threepids.submit(str(body, 'sid') ?? '', str(body, 'client_secret') ?? '', String(body.token ?? ''));
  if (result === 'unknown-session') return matrixError(400, 'M_NO_VALID_SESSION', 'No valid session was found matching that sid and client secret');
  return json(200, { success: result === 'validated' });
}

/** The routes of this file. */
export const threepidRoutes: Route[] = [
  route('POST', '/register/email/requestToken', CLIENT, requestToken('email', 'register')),
  route('POST', '/register/msisdn/requestToken', CLIENT, requestToken('msisdn', 'register')),
  route('POST', '/account/password/email/requestToken', CLIENT, requestToken('email', 'password')),
  route('POST', '/account/password/msisdn/requestToken', CLIENT, requestToken('msisdn', 'password')),
  route('POST', '/account/3pid/email/requestToken', CLIENT, requestToken('email', '3pid')),
  route('POST', '/account/3pid/msisdn/requestToken', CLIENT, requestToken('msisdn', '3pid')),
  route('GET', '/3pid/submit_token', ['/_simulator'], linkPage),
  route('POST', '/3pid/submit_token', ['/_simulator'], submitToken),

  route('POST', '/account/3pid/add', CLIENT, (ctx) => {
    const who = requireRequester(ctx);
    if (isResponse(who)) return who;
    const body = objectBody(ctx);
    if (isResponse(body)) return body;
    const uia = authenticate(ctx, 'addThreepid', who, body);
    if (!uia.ok) return uia.response;
    const sid = str(uia.body, 'sid');
    const secret = str(uia.body, 'client_secret');
    if (!sid || !secret) return matrixError(400, 'M_MISSING_PARAM', 'Missing params: sid, client_secret');
    const v = ctx.state.threepids.find(sid, secret);
    if (!v || v.validatedAt === undefined) return matrixError(400, 'M_THREEPID_AUTH_FAILED', 'Failed to auth 3pid');
    const owner = ctx.state.accounts.findByThreepid(v.medium, v.address);
    if (owner && owner.userId !== who.userId) return matrixError(400, 'M_THREEPID_IN_USE', '3PID is already in use');
    ctx.state.accounts.bindThreepid(who.userId, v.medium, v.address, v.validatedAt);
    return json(200, {});
  }),

  route('GET', '/account/3pid', CLIENT, (ctx) => {
    const who = requireRequester(ctx);
    if (isResponse(who)) return who;
    const user = ctx.state.accounts.getUser(who.userId)!;
    return json(200, {
      threepids: user.threepids.map((t) => ({ medium: t.medium, address: t.address, validated_at: t.validatedAt, added_at: t.addedAt })),
    });
  }),
];
