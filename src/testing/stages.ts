/**
 * What each stage type checks when a client submits `auth: {type, ...}`.
 *
 * Failures a client can retry come back as `failed` and end up in a 401 that keeps the flows
 * (Synapse merges a stage's LoginError into the 401 body: #16, #36, #38, #59, #74). A password
 * of another user than the access token's is `refused` with 403 "Invalid auth" (#30). Stages
 * done elsewhere (fallback pages, `m.oauth` approval) are `pending` until then: the 401 answers
 * like a poll, without an error.
 */
import type { Requester } from './accounts';
import { matrixError, type SimResponse } from './http-types';
import { resolveUser } from './identifiers';
import { isObject, type JsonObject } from './json-values';
import type { ServerState } from './state';
import type { UiaSession } from './uia-sessions';

/** The outcome of one stage attempt. */
export type StageOutcome =
  | { kind: 'done' }
  | { kind: 'failed'; errcode: string; error: string }
  | { kind: 'pending' }
  | { kind: 'refused'; response: SimResponse };

/** What a stage check sees. */
export interface StageAttempt {
  state: ServerState;
  session: UiaSession;
  auth: JsonObject;
  requester: Requester | null;
  /** Whether the client named the session (a registration token needs one: #38). */
  sessionGiven: boolean;
}

/** Registration token stage types (stable and MSC3231). */
export const REGISTRATION_TOKEN_STAGES: readonly string[] = ['m.login.registration_token', 'org.matrix.msc3231.login.registration_token'];

const INVALID_AUTH = (): StageOutcome => ({ kind: 'refused', response: matrixError(403, 'M_FORBIDDEN', 'Invalid auth') });

/** Checks one stage. The caller has already checked that it is offered, new, and in order. */
export function checkStage(type: string, a: StageAttempt): StageOutcome {
  switch (type) {
    case 'm.login.dummy':
    case 'm.login.terms':
      return { kind: 'done' };
    case 'm.login.password':
      return checkPassword(a);
    case 'm.login.recaptcha':
      return checkRecaptcha(a.auth.response);
    case 'm.login.email.identity':
      return checkThreepid(a, 'email');
    case 'm.login.msisdn':
      return checkThreepid(a, 'msisdn');
    default:
      if (REGISTRATION_TOKEN_STAGES.includes(type)) return checkRegistrationToken(a);
      // m.login.sso, m.oauth, org.matrix.cross_signing_reset and custom stages: out of band only.
      return { kind: 'pending' };
  }
}

/** The recaptcha verifier of the recordings' server: anything but `"invalid"` passes. */
export function checkRecaptcha(response: unknown): StageOutcome {
  if (typeof response !== 'string' || response === '') return { kind: 'failed', errcode: 'M_CAPTCHA_NEEDED', error: 'Captcha response is required' };
  if (response === 'invalid') return { kind: 'failed', errcode: 'M_UNAUTHORIZED', error: 'Captcha authentication failed' };
  return { kind: 'done' };
}

/** A password for the session's user (or the token's user); sets `session.userId`. */
export function checkPasswordFor(state: ServerState, session: UiaSession, requester: Requester | null, userId: string | undefined, password: unknown): StageOutcome {
  if (!userId || !state.accounts.checkPassword(userId, password) || state.accounts.getUser(userId)?.deactivated) {
    return { kind: 'failed', errcode: 'M_FORBIDDEN', error: 'Invalid username or password' };
  }
  const expected = requester?.userId ?? session.userId;
  if (expected && expected !== userId) return INVALID_AUTH();
  session.userId = userId;
  return { kind: 'done' };
}

function checkPassword(a: StageAttempt): StageOutcome {
  if (typeof a.auth.password !== 'string') return { kind: 'failed', errcode: 'M_MISSING_PARAM', error: 'Missing parameter: password' };
  return checkPasswordFor(a.state, a.session, a.requester, resolveUser(a.state.accounts, a.auth), a.auth.password);
}

/** Checks a registration token and reserves one use of it for this session. */
export function acceptRegistrationToken(state: ServerState, session: UiaSession, token: unknown): StageOutcome {
  if (typeof token !== 'string' || token === '') return { kind: 'failed', errcode: 'M_MISSING_PARAM', error: 'Missing registration token' };
  if (!state.registrationTokens.isValid(token)) return { kind: 'failed', errcode: 'M_UNAUTHORIZED', error: 'Invalid registration token' };
  state.registrationTokens.reserve(token);
  session.registrationToken = token;
  return { kind: 'done' };
}

function checkRegistrationToken(a: StageAttempt): StageOutcome {
  if (!a.sessionGiven) return { kind: 'failed', errcode: 'M_MISSING_PARAM', error: 'Missing UIA session' };
  return acceptRegistrationToken(a.state, a.session, a.auth.token);
}

const UNVALIDATED = { errcode: 'M_UNAUTHORIZED', error: 'Unable to get validated threepid' } as const;

function checkThreepid(a: StageAttempt, medium: 'email' | 'msisdn'): StageOutcome {
  const creds = isObject(a.auth.threepid_creds) ? a.auth.threepid_creds : isObject(a.auth.threepidCreds) ? a.auth.threepidCreds : undefined;
  if (!creds || typeof creds.sid !== 'string' || typeof creds.client_secret !== 'string') {
    return { kind: 'failed', errcode: 'M_MISSING_PARAM', error: 'Missing threepid_creds' };
  }
  const v = a.state.threepids.find(creds.sid, creds.client_secret);
  if (!v || v.medium !== medium) return { kind: 'failed', ...UNVALIDATED };
  if (v.validatedAt === undefined) {
    // Remembered so that a bare poll `{auth: {session}}` completes the stage once validated.
    a.session.pendingThreepid = { type: medium === 'email' ? 'm.login.email.identity' : 'm.login.msisdn', sid: v.sid, clientSecret: v.clientSecret };
    if (a.state.config.synapseQuirks.fourOhOneWithoutFlowsWhileEmailPending && medium === 'email') {
      return { kind: 'refused', response: matrixError(401, UNVALIDATED.errcode, UNVALIDATED.error) };
    }
    return { kind: 'failed', ...UNVALIDATED };
  }
  return acceptValidatedThreepid(a.state, a.session, a.requester, v.medium, v.address, v.validatedAt);
}

/** Records a validated 3PID in the session, checking it belongs to the right user. */
export function acceptValidatedThreepid(
  state: ServerState,
  session: UiaSession,
  requester: Requester | null,
  medium: 'email' | 'msisdn',
  address: string,
  validatedAt: number,
): StageOutcome {
  const owner = state.accounts.findByThreepid(medium, address)?.userId;
  const expected = requester?.userId ?? session.userId;
  if (session.endpoint !== 'register') {
    if (expected && owner !== expected) return INVALID_AUTH();
    if (owner) session.userId = owner;
  }
  session.pendingThreepid = undefined;
  session.threepid = { medium, address, validatedAt };
  return { kind: 'done' };
}
