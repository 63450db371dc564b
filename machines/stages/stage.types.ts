/**
 * Types shared by every stage machine: what the parent gives a stage, and the events that pass
 * between the parent chart and a stage.
 */
import type { Sealed } from '../../src/secrets/secret';
import type { UiaError } from '../../src/errors/errors';
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
  /**
   * Client secret for 3PID validation: the one this negotiation already has (the app's, or one a
   * stage made before), else empty, and the email or SMS stage makes one and reports it with
   * `STAGE.UPDATE`. Empty for the other stages.
   */
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
  | {
      /** Submit this stage's auth dict (foreground, `busy`). */
      type: 'STAGE.SUBMIT';
      /** The dict, sealed; the parent adds the session. */
      auth: Sealed<AuthDict>;
      /** Made by the stage itself, not on a user's event (dummy, a preset token): bounded by the chart. */
      auto?: true;
    }
  | {
      /** Set the dict background polls send for an out-of-band stage. */
      type: 'STAGE.POLL';
      /** The poll dict; never holds a user secret. */
      auth: AuthDict;
    }
  | {
      /** Record email progress in the parent so it survives stage changes and resumes. */
      type: 'STAGE.UPDATE';
      /** The email validation sid, once known. */
      emailSid?: string;
      /** The email `send_attempt` count so far. */
      emailAttempt?: number;
      /** The client secret a 3PID stage made: kept (and persisted) by the parent from then on. */
      clientSecret?: string;
    }
  | {
      /** The stage cannot go on; the negotiation fails. */
      type: 'STAGE.FAIL';
      /** Why the stage failed. */
      error: UiaError;
    };

/** Events the parent chart sends to the current stage. */
export type ParentToStageEvent =
  /** The server refused the last submission of this stage (or it never got an answer). */
  {
    /** The server refused this stage's last submission. */
    type: 'PARENT.REJECTED';
    /** The server's (or the network's) error for that submission. */
    error: UiaError;
  };

/** Events a UI sends (through the parent, or to the stage directly). */
export type StageUserEvent =
  | {
      /** Submit the password stage. */
      type: 'PASSWORD.SUBMIT';
      /** The password the user typed. */
      password: string;
      /** Who the password is for; default `m.id.user` with the input's `userId`. */
      identifier?: UserIdentifier;
    }
  | {
      /** Submit the reCAPTCHA stage. */
      type: 'RECAPTCHA.SUBMIT';
      /** The token the reCAPTCHA widget produced. */
      response: string;
    }
  | {
      /** Accept or un-accept one policy. */
      type: 'TERMS.TOGGLE';
      /** Key of the policy in the stage's `policies` param. */
      policyId: string;
      /** True to accept it, false to withdraw acceptance. */
      accepted: boolean;
    }
  | {
      /** Accept every policy at once. */
      type: 'TERMS.ACCEPT_ALL';
    }
  | {
      /** Submit the terms stage (every policy must be accepted). */
      type: 'TERMS.SUBMIT';
    }
  | {
      /** Submit the registration token stage. */
      type: 'TOKEN.SUBMIT';
      /** The registration token the user typed. */
      token: string;
    }
  | {
      /** Give the email stage an address and send the validation email. */
      type: 'EMAIL.SET_ADDRESS';
      /** The address to validate. */
      email: string;
    }
  | {
      /** Send the validation email again (next `send_attempt`). */
      type: 'EMAIL.RESEND';
    }
  | {
      /** Check now whether the email link was followed. */
      type: 'EMAIL.CHECK';
    }
  | {
      /** Send the SMS code again (next `send_attempt`). */
      type: 'MSISDN.RESEND';
    }
  | {
      /** Submit the SMS code. */
      type: 'MSISDN.SUBMIT_CODE';
      /** The code the user received by SMS. */
      code: string;
    }
  | {
      /** The user finished the fallback page; submit the session. */
      type: 'FALLBACK.DONE';
    }
  | {
      /** The user finished the OAuth approval; submit the session. */
      type: 'OAUTH.DONE';
    }
  | {
      /** Retry the stage's failed side request (e.g. a token request that errored). */
      type: 'STAGE.RETRY';
    };

/** Every event a stage machine accepts. */
export type StageEvent = ParentToStageEvent | StageUserEvent;

/** Tag on stage states that wait for the user. */
export const INPUT_TAG = 'input';
/** Tag on stage states with a foreground request in flight. */
export const BUSY_TAG = 'busy';
