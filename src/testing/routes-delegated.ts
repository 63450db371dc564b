/**
 * The client-server API of a homeserver that delegates auth (`delegatedAuth` in the config), as
 * Synapse answers with matrix-authentication-service enabled (`synapse/rest/client/account.py`,
 * `devices.py`, `register.py`, `keys.py`, `auth.py`, `auth_metadata.py`; the endpoints of
 * `tests/handlers/test_oauth_delegation.py` `DisabledEndpointsTestCase`):
 *
 * - discovery: `GET /_matrix/client/v1/auth_metadata` and the unstable MSC2965 path;
 * - 404 `M_UNRECOGNIZED` for the UIA endpoints it does not register (password, deactivation,
 *   device deletion, 3PID changes and their `requestToken` endpoints, username availability,
 *   registration-token validity); `DELETE /devices/{id}` checks the token first;
 * - 403 `M_FORBIDDEN` for `POST /register`;
 * - the cross-signing reset as an `m.oauth` challenge with `session: "dummy"` and a `msg`, passing
 *   every upload for the approval window once the user approved it on the account page;
 * - the `m.oauth` fallback page as a 302 to the approval page (no `authDone` message);
 * - `GET /capabilities` with password and 3PID changes disabled.
 */
import { json, matrixError, isResponse, type SimResponse } from './http-types';
import { canonicalJson, isObject, withoutAuth, type JsonObject } from './json-values';
import { accountUriFor, issuerFor, noteResetRequested, resetApproved, type ResolvedDelegatedAuth } from './delegated';
import { isValidCrossSigningKey } from './routes-keys';
import { SPEC_VERSIONS } from './routes-session';
import { objectBody, requireRequester } from './request-helpers';
import { CLIENT, CLIENT_V1, route, type Route } from './router';
import type { RequestContext } from './state';
import type { CrossSigningKeys } from './accounts';

/** The delegated mode of the server a route runs on (the routes are only served in that mode). */
function delegated(ctx: RequestContext): ResolvedDelegatedAuth {
  return ctx.state.config.delegatedAuth!;
}

/** Synapse's answer for an endpoint it does not register. */
const unrecognized = (): SimResponse => matrixError(404, 'M_UNRECOGNIZED', 'Unrecognized request');

/** The auth metadata (RFC 8414 fields a client may read, and MSC4191's account management fields). */
function metadata(ctx: RequestContext): SimResponse {
  const d = delegated(ctx);
  const issuer = issuerFor(d, ctx.baseUrl);
  const body: JsonObject = {
    issuer,
    authorization_endpoint: `${issuer}authorize`,
    token_endpoint: `${issuer}oauth2/token`,
    registration_endpoint: `${issuer}oauth2/registration`,
    revocation_endpoint: `${issuer}oauth2/revoke`,
    response_types_supported: ['code'],
    grant_types_supported: ['authorization_code', 'refresh_token'],
    response_modes_supported: ['query', 'fragment'],
    code_challenge_methods_supported: ['S256'],
    prompt_values_supported: ['create'],
  };
  const uri = accountUriFor(d, ctx.baseUrl);
  if (uri !== null) body.account_management_uri = uri;
  if (d.actions !== null) body.account_management_actions_supported = [...d.actions];
  return json(200, body, { 'Cache-Control': 'public, max-age=600' });
}

/** The URL of the reset approval, as Synapse builds it: `<account uri>?action=org.matrix.cross_signing_reset`. */
export function resetApprovalUrl(ctx: RequestContext): string {
  const d = delegated(ctx);
  const uri = accountUriFor(d, ctx.baseUrl) ?? `${ctx.baseUrl}/_simulator/account`;
  return `${uri}?action=org.matrix.cross_signing_reset`;
}

function resetStages(d: ResolvedDelegatedAuth): string[] {
  switch (d.resetFlows) {
    case 'stable':
      return ['m.oauth'];
    case 'unstable':
      return ['org.matrix.cross_signing_reset'];
    case 'unstable-first':
      return ['org.matrix.cross_signing_reset', 'm.oauth'];
    default:
      return ['m.oauth', 'org.matrix.cross_signing_reset'];
  }
}

/** The reset challenge: `session` "dummy", both flows, the url in both params, `msg`; no `completed`. */
function resetChallenge(ctx: RequestContext, approvedButIncomplete: boolean): SimResponse {
  const d = delegated(ctx);
  const url = resetApprovalUrl(ctx);
  const stages = resetStages(d);
  const body: JsonObject = {
    session: d.resetSession,
    flows: stages.map((s) => ({ stages: [s] })),
    params: Object.fromEntries(stages.map((s) => [s, { url }])),
    msg: `To reset your end-to-end encryption cross-signing identity, you first need to approve it at ${url} and then try again.`,
  };
  if (approvedButIncomplete) {
    body.errcode = 'M_MISSING_PARAM';
    body.error = 'The auth dict must carry the stage type and the session';
  } else if (d.notApprovedErrcode) {
    body.errcode = d.notApprovedErrcode;
    body.error = 'The reset has not been approved yet';
  }
  return json(401, body);
}

const KINDS = [
  { field: 'master_key', usage: 'master', label: 'master', slot: 'master' },
  { field: 'self_signing_key', usage: 'self_signing', label: 'self-signing', slot: 'selfSigning' },
  { field: 'user_signing_key', usage: 'user_signing', label: 'user-signing', slot: 'userSigning' },
] as const;

/** MSC3967: no approval for a first upload or for re-uploading exactly the stored keys. */
function replaceableWithoutApproval(body: JsonObject, stored: CrossSigningKeys): boolean {
  if (!stored.master) return true;
  if (body.master_key === undefined) return false;
  return KINDS.every((k) => body[k.field] === undefined || (stored[k.slot] !== undefined && canonicalJson(body[k.field]) === canonicalJson(stored[k.slot])));
}

/** Whether a strict server accepts the upload's auth dict (`requireType`, `requireSession`). */
function authDictAccepted(d: ResolvedDelegatedAuth, auth: unknown): boolean {
  if (!d.requireType && !d.requireSession) return true;
  if (!isObject(auth)) return false;
  if (d.requireType && !(typeof auth.type === 'string' && resetStages(d).includes(auth.type))) return false;
  if (d.requireSession && auth.session !== d.resetSession) return false;
  return true;
}

function uploadKeys(ctx: RequestContext): SimResponse {
  const who = requireRequester(ctx);
  if (isResponse(who)) return who;
  const body = objectBody(ctx);
  if (isResponse(body)) return body;
  const d = delegated(ctx);
  const user = ctx.state.accounts.getUser(who.userId)!;
  const effective = withoutAuth(body);
  if (!replaceableWithoutApproval(effective, user.crossSigning)) {
    if (!resetApproved(ctx.state, who.userId)) {
      noteResetRequested(ctx.state, who.userId);
      return resetChallenge(ctx, false);
    }
    if (!authDictAccepted(d, body.auth)) return resetChallenge(ctx, true);
  }
  for (const k of KINDS) {
    if (effective[k.field] !== undefined && !isValidCrossSigningKey(effective[k.field], who.userId, k.usage)) {
      return matrixError(400, 'M_INVALID_PARAM', `Invalid ${k.label} key`);
    }
  }
  for (const k of KINDS) if (isObject(effective[k.field])) user.crossSigning[k.slot] = effective[k.field] as JsonObject;
  return json(200, {});
}

/** `GET /auth/m.oauth/fallback/web`: Synapse redirects to the approval page (no `authDone`). */
function oauthFallback(ctx: RequestContext): SimResponse {
  return { status: 302, headers: { Location: resetApprovalUrl(ctx), 'Content-Type': 'text/plain; charset=utf-8' }, body: '' };
}

const UNRECOGNIZED: ReadonlyArray<[string, string, readonly string[]]> = [
  ['POST', '/account/password', CLIENT],
  ['POST', '/account/password/email/requestToken', CLIENT],
  ['POST', '/account/password/msisdn/requestToken', CLIENT],
  ['POST', '/account/deactivate', CLIENT],
  ['POST', '/delete_devices', CLIENT],
  ['POST', '/account/3pid/add', CLIENT],
  ['POST', '/account/3pid/delete', CLIENT],
  ['POST', '/account/3pid/email/requestToken', CLIENT],
  ['POST', '/account/3pid/msisdn/requestToken', CLIENT],
  ['GET', '/register/available', CLIENT],
  ['GET', '/register/m.login.registration_token/validity', [...CLIENT_V1, '/_matrix/client/unstable/org.matrix.msc3231']],
];

/** The routes of this file, matched before the simulator's usual ones. */
export const delegatedRoutes: Route[] = [
  route('GET', '/auth_metadata', CLIENT_V1, metadata),
  route('GET', '/org.matrix.msc2965/auth_metadata', ['/_matrix/client/unstable'], metadata),
  route('GET', '/versions', ['/_matrix/client'], (ctx) =>
    json(200, {
      versions: delegated(ctx).advertiseV115 ? [...SPEC_VERSIONS, 'v1.13', 'v1.14', 'v1.15'] : [...SPEC_VERSIONS],
      unstable_features: { 'org.matrix.e2e_cross_signing': true, 'org.matrix.msc3231': true, 'org.matrix.msc3861': true },
    }),
  ),
  route('GET', '/capabilities', CLIENT, (ctx) => {
    const who = requireRequester(ctx);
    if (isResponse(who)) return who;
    return json(200, { capabilities: { 'm.change_password': { enabled: false }, 'm.3pid_changes': { enabled: false } } });
  }),
  ...UNRECOGNIZED.map(([method, template, prefixes]) => route(method, template, prefixes, unrecognized)),
  route('DELETE', '/devices/{deviceId}', CLIENT, (ctx) => {
    const who = requireRequester(ctx);
    return isResponse(who) ? who : unrecognized();
  }),
  route('POST', '/register', CLIENT, () =>
    matrixError(403, 'M_FORBIDDEN', 'Registration has been disabled. Only m.login.application_service registrations are allowed.'),
  ),
  route('POST', '/keys/device_signing/upload', CLIENT, uploadKeys),
  route('GET', '/auth/m.oauth/fallback/web', CLIENT, oauthFallback),
  route('GET', '/auth/org.matrix.cross_signing_reset/fallback/web', CLIENT, oauthFallback),
];

