/**
 * Types shared by every stage machine: what the parent gives a stage, and the events that pass
 * between the parent chart and a stage.
 */
import type { Sealed } from '../../src/secret';
import type { UiaError } from '../../src/errors';
import type { AuthDict, UiaInputs, UserIdentifier } from '../../src/types';

/** What the parent chart hands a stage machine when the stage becomes current. */
export interface StageInput {
  /** The stage type, e.g. `m.login.password` (stages may serve several types). */
  type: string;
  /** The UIA session, when the server gave one. */
  session: string | undefined;
  /** This stage's entry of the 401 `params`. */
  params: Record<string, unknown>;
  /** Values from the app (email address, phone number, registration token). */
  inputs: UiaInputs;
  /** Full Matrix user id, for the default password identifier. */
  userId: string | undefined;
  /** Homeserver base URL, for fallback pages. */
  homeserverUrl: string | undefined;
  /** Client secret for 3PID validation. */
  clientSecret: string;
  /** Email sid already obtained (resume): no new email is sent. */
  emailSid: string | undefined;
  /** Email send attempts made so far in this session. */
  emailAttempt: number;
  /** A registration token the app gave in advance, sealed. */
  registrationToken: Sealed<string> | null;
}

/**
 * Events a stage sends to the parent chart.
 *
 * `STAGE.SUBMIT` carries its auth dict sealed: the parent adds the session and sends it; the
 * dict never appears in an inspection event, a log or a snapshot in clear.
 */
export type StageToParentEvent =
  | { type: 'STAGE.SUBMIT'; auth: Sealed<AuthDict> }
  | { type: 'STAGE.POLL'; auth: AuthDict }
  | { type: 'STAGE.UPDATE'; emailSid?: string; emailAttempt?: number }
  | { type: 'STAGE.FAIL'; error: UiaError };

/** Events the parent chart sends to the current stage. */
export type ParentToStageEvent =
  /** The server refused the last submission of this stage (or it never got an answer). */
  { type: 'PARENT.REJECTED'; error: UiaError };

/** Events a UI sends (through the parent, or to the stage directly). */
export type StageUserEvent =
  | { type: 'PASSWORD.SUBMIT'; password: string; identifier?: UserIdentifier }
  | { type: 'RECAPTCHA.SUBMIT'; response: string }
  | { type: 'TERMS.TOGGLE'; policyId: string; accepted: boolean }
  | { type: 'TERMS.ACCEPT_ALL' }
  | { type: 'TERMS.SUBMIT' }
  | { type: 'TOKEN.SUBMIT'; token: string }
  | { type: 'EMAIL.SET_ADDRESS'; email: string }
  | { type: 'EMAIL.RESEND' }
  | { type: 'EMAIL.CHECK' }
  | { type: 'MSISDN.RESEND' }
  | { type: 'MSISDN.SUBMIT_CODE'; code: string }
  | { type: 'FALLBACK.DONE' }
  | { type: 'OAUTH.DONE' }
  | { type: 'STAGE.RETRY' };

/** Every event a stage machine accepts. */
export type StageEvent = ParentToStageEvent | StageUserEvent;

/** Tag on stage states that wait for the user. */
export const INPUT_TAG = 'input';
/** Tag on stage states with a foreground request in flight. */
export const BUSY_TAG = 'busy';
