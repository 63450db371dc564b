/**
 * Types of the parent UIA chart: its input, context, events and output.
 */
import type { UiaError } from '../src/errors/errors';
import type { Sealed } from '../src/secrets/secret';
import type { StageKind } from '../src/decisions/stage-kind';
import type { AuthDict, IAuthData, PollingOptions, RateLimitOptions, UIAFlow, UiaInputs } from '../src/types';
import type { StageToParentEvent, StageUserEvent } from './stages/stage.types';

/** Serialisable settings of one negotiation (functions go into `createUiaMachine`). */
export interface UiaMachineInput {
  /** Email, phone and registration token values the stages may use. */
  inputs?: UiaInputs;
  /** Stage types the app completes natively; others use the fallback page. Default: all. */
  supportedStages?: string[];
  /** The user's full Matrix id, for the default `m.id.user` password identifier. */
  userId?: string;
  /** Homeserver base URL, for fallback page URLs. */
  homeserverUrl?: string;
  /** A 401 body already in hand (e.g. from a request the app made itself): no first request is made. */
  authData?: IAuthData;
  /** Resume an existing UIA session: the first request carries `{session}`. */
  sessionId?: string;
  /** Resume with this client secret (validated); default: a fresh one. */
  clientSecret?: string;
  /**
   * Fingerprint of the request being authorised (`requestFingerprint()` from
   * src/decisions/session-binding.ts). Kept in the context, so a persisted snapshot carries it.
   */
  requestFingerprint?: string;
  /**
   * Fingerprint saved with the session being resumed. When both fingerprints are given and
   * differ, START fails with `SessionMismatchError` and nothing is sent: the session belongs to
   * another request (a server would answer a confusing 403).
   */
  sessionFingerprint?: string;
  /** Resume an email stage whose email was already sent. */
  emailSid?: string;
  /** Background poll timing. */
  polling?: PollingOptions;
  /** 429 handling. */
  rateLimit?: RateLimitOptions;
}

/**
 * Settings of one negotiation, fixed by the input: the chart only reads them. Kept in one nested
 * object so the context stays small (see {@link UiaContext}).
 */
export interface UiaSettings {
  /** Email, phone and registration values from the input; `{}` when none were given. */
  inputs: UiaInputs;
  /** Stage types completed natively; `undefined` means all of them. */
  supportedStages: string[] | undefined;
  /** Full Matrix user id for the default password identifier, if given. */
  userId: string | undefined;
  /** Homeserver base URL for fallback page URLs, if given. */
  homeserverUrl: string | undefined;
  /** Poll timing with every default filled in (see `DEFAULT_POLLING`). */
  polling: Required<PollingOptions>;
  /** 429 handling with every default filled in (see `DEFAULT_RATE_LIMIT`). */
  rateLimit: Required<RateLimitOptions>;
  /** Set when the input itself is unusable; START then fails with it. */
  configError: UiaError | null;
  /** `inputs.registrationToken`, kept out of `inputs` so it is never serialised. */
  presetToken: Sealed<string> | null;
  /** The 401 body given as input, applied on START. */
  authData: IAuthData | null;
  /**
   * Client secret for 3PID validation: given, or generated once when the first email or SMS stage
   * opens (`null` until then: no other stage uses it, and making one costs a random draw).
   */
  clientSecret: string | null;
  /** The request this negotiation's session is bound to (see `UiaMachineInput.requestFingerprint`). */
  requestFingerprint: string | undefined;
}

/** Bookkeeping of the background checks of an out-of-band stage. */
export interface UiaPollState {
  /** Dict a background poll sends (session added at send time). Never holds a user secret. */
  auth: AuthDict | null;
  /** A one-off background dict from SUBMIT_AUTH {background: true}. */
  override: Sealed<AuthDict> | null;
  /** Unchanged polls in a row: drives the backoff. */
  count: number;
  /** Extra wait before the next poll after a 429 during polling. */
  penaltyMs: number;
  /**
   * Milliseconds waited between polls since polling (re)started, which bounds it
   * (`giveUpAfterMs`); `null` until a stage starts its checks. Summed from the chart's own delays,
   * not read from a wall clock, so a simulated clock drives the give-up too.
   */
  waitedMs: number | null;
  /** True once polling gave up; the stage stays open for a manual check. */
  stopped: boolean;
}

/** Bookkeeping of resubmissions: 429 waits and `{session}` resubmits. */
export interface UiaRetryState {
  /** Which request a 429 interrupted. */
  target: 'requesting' | 'submitting' | null;
  /** 429 answers in a row to the current request. */
  count: number;
  /** The wait before the retry, capped. */
  afterMs: number;
  /** `{session}` resubmits made because every stage was complete yet the server answered 401. */
  finalSubmits: number;
  /**
   * Requests the chart made by itself (stage submissions, `{session}` resubmissions) since the
   * app or the user last sent an event; at `LIMITS.maxUnattendedRequests` the negotiation fails.
   */
  unattended: number;
}

/**
 * The parent chart's context. Everything but `pendingAuth` and `result` is plain serialisable data.
 *
 * XState's `assign` copies the context on every update; V8 keeps that copy a fast object only
 * up to about 19 keys, so settings and bookkeeping live in nested objects.
 */
export interface UiaContext {
  /** Fixed settings derived from the input; read-only for the chart. */
  settings: UiaSettings;

  /** UIA session id from the last 401; `undefined` before the server assigns one. */
  session: string | undefined;
  /** Flows offered by the last 401; `[]` before the first answer. */
  flows: UIAFlow[];
  /** Per-stage params from the last 401, keyed by stage type. */
  params: Record<string, Record<string, unknown>>;
  /** Stage types the server reports completed in this session. */
  completed: string[];
  /** The flow being followed. */
  chosenFlow: UIAFlow | null;
  /** A flow the app asked for with CHOOSE_FLOW. */
  preferredFlow: UIAFlow | null;
  /** The stage open now (its machine runs as child `stage`). */
  stage: string | null;
  /** Which stage machine serves the open stage; `null` when no stage is open. */
  stageKind: StageKind | null;
  /** The server's complaint about the last attempt at the open stage. */
  stageError: UiaError | null;
  /** The email stage's sid and `send_attempt`, kept across stage changes and resumes. */
  email: {
    /** Email validation sid, once `requestToken` answered. */
    sid: string | undefined;
    /** Email `send_attempt` count so far; 0 before any email. */
    attempt: number;
  };

  /** Auth dict of the submission in flight (`submitting`) or waiting out a 429 to be sent again. Sealed; cleared when settled. The first request's dict is made from the context as it is sent. */
  pendingAuth: Sealed<AuthDict | null> | null;
  /** 429-wait and `{session}`-resubmit bookkeeping. */
  retry: UiaRetryState;
  /** Background poll bookkeeping of an out-of-band stage. */
  poll: UiaPollState;

  /** The endpoint's success body, sealed (a registration result holds an access token). */
  result: Sealed<unknown> | null;
  /** Why the negotiation failed or was cancelled; `null` while it runs or after success. */
  error: UiaError | null;
}

/** Events the app (or a UI) sends to the parent chart. */
export type UiaControlEvent =
  | {
      /** Begin: make the first request (or apply `authData`). */
      type: 'START';
    }
  | {
      /** Stop; the request in flight is aborted and the chart ends in `cancelled`. */
      type: 'CANCEL';
    }
  /** Check an out-of-band stage now (user came back, or clicked "I've done it"). */
  | {
      /** Check the open out-of-band stage now. */
      type: 'POLL';
    }
  /** Follow this flow instead (must be one the server offered). */
  | {
      /** Switch to another offered flow. */
      type: 'CHOOSE_FLOW';
      /** The stage list of the flow to follow, exactly as the server offered it. */
      stages: string[];
    }
  /** Send a hand-made auth dict (the session is added). `background`: no busy state, failures ignored. */
  | {
      /** Send a hand-made auth dict. */
      type: 'SUBMIT_AUTH';
      /** The dict to send; the session is added. */
      auth: AuthDict;
      /** True: no `busy` tag and a failure is ignored. Default false. */
      background?: boolean;
    }
  /** Stop the background poll timer (page hidden); only `polling.waiting` takes it. */
  | {
      /** Park background polls. */
      type: 'PAUSE_POLLING';
    }
  /** Leave `polling.paused`: check at once, then poll as before. */
  | {
      /** Resume background polls, checking at once. */
      type: 'RESUME_POLLING';
    }
  /**
   * Sent by `createUiaActor` to a restored chart: `rateLimited` waits again, `polling.waiting`
   * checks at once; `requesting`, the final `{session}` submission and `polling.checking` make
   * their request afresh (no credential). Other states ignore it.
   */
  | {
      /** Re-arm a restored chart's wait or request. */
      type: 'RESUME';
    };

/** Every event the parent chart accepts. */
export type UiaEvent = UiaControlEvent | StageToParentEvent | StageUserEvent;

/** What a finished negotiation produced. */
export type UiaOutput =
  | {
      /** The endpoint succeeded. */
      status: 'done';
      /** The endpoint's success body, sealed (may hold an access token). */
      result: Sealed<unknown>;
    }
  | {
      /** The negotiation could not complete. */
      status: 'failed';
      /** Why it failed (e.g. `NoAuthFlowFoundError`, `EndpointError`). */
      error: UiaError;
    }
  | {
      /** The app cancelled the negotiation. */
      status: 'cancelled';
      /** The cancellation error (`AbortedError`). */
      error: UiaError;
    };
