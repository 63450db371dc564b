/**
 * The parent chart's initial context, built from its input.
 */
import { isValidClientSecret } from '../src/secrets/client-secret';
import { InvalidOptionsError } from '../src/errors/errors';
import { VERBOSE } from '../src/errors/verbose';
import { Sealed, unseal } from '../src/secrets/secret';
import { checkSessionBinding } from '../src/decisions/session-binding';
import { isFiniteNonNegative } from '../src/decisions/parse-auth-response';
import { EMPTY_RECORD } from '../src/decisions/shared-empty';
import type { UiaInputs } from '../src/types';
import type { UiaContext, UiaMachineInput, UiaPollState, UiaSettings } from './uia.types';

/** Default background poll timing. */
export const DEFAULT_POLLING = {
  /** First delay between polls, in ms. */
  intervalMs: 2000,
  /** Delay multiplier per unchanged answer. */
  backoffFactor: 1.5,
  /** Longest delay between polls, in ms. */
  maxIntervalMs: 15000,
  /** Give up polling after 30 minutes (value in ms). */
  giveUpAfterMs: 30 * 60 * 1000,
} as const;
/** Default 429 handling. */
export const DEFAULT_RATE_LIMIT = {
  /** Cap on one wait, in ms. */
  maxWaitMs: 30000,
  /** Wait when the server gives no `retry_after_ms`, in ms. */
  defaultWaitMs: 2000,
  /** Retries of one request before failing. */
  maxRetries: 5,
} as const;

/** Poll bookkeeping of a stage that has not started background checks. Shared: never mutated. */
export const IDLE_POLL: UiaPollState = { auth: null, override: null, count: 0, penaltyMs: 0, waitedMs: null, stopped: false };

/**
 * Settings and bookkeeping a negotiation given no options of its own starts with, shared by every
 * such negotiation (never mutated: every change is a new object), as {@link IDLE_POLL} is: a
 * waiting negotiation then holds no copy of the defaults. `DEFAULT_POLLING` and
 * `DEFAULT_RATE_LIMIT` themselves are the default timings.
 */
const IDLE_RETRY: UiaContext['retry'] = { target: null, count: 0, afterMs: 0, finalSubmits: 0, unattended: 0 };

function withoutToken(inputs: UiaInputs | undefined): UiaInputs {
  if (!inputs) return EMPTY_RECORD;
  const { registrationToken, ...rest } = inputs;
  void registrationToken;
  return rest;
}

function positive(v: number | undefined, fallback: number): number {
  return isFiniteNonNegative(v) ? v : fallback;
}

/** Each number of `defaults` taken from `given` when it is a finite number ≥ 0 (one loop: fewer bytes than a line per field). */
function numbers<T extends Record<string, number>>(given: { readonly [K in keyof T]?: number } | undefined, defaults: T): { -readonly [K in keyof T]: number } {
  const out = {} as Record<string, number>;
  for (const k in defaults) out[k] = positive(given?.[k], defaults[k]);
  return out as { -readonly [K in keyof T]: number };
}

/** Builds the initial context. Bad input is recorded in `configError`, reported on START. */
export function createInitialContext(input: UiaMachineInput | undefined): UiaContext {
  const i = input ?? {};
  let configError: UiaSettings['configError'] = null;
  if (i.clientSecret !== undefined && !isValidClientSecret(i.clientSecret)) {
    configError = new InvalidOptionsError(VERBOSE ? 'clientSecret must be 1 to 255 characters of [0-9a-zA-Z.=_-]' : 'bad clientSecret');
  }
  if (i.sessionId !== undefined && (typeof i.sessionId !== 'string' || i.sessionId.length === 0)) {
    configError = new InvalidOptionsError(VERBOSE ? 'sessionId must be a non-empty string' : 'bad sessionId');
  }
  // A resumed session used for another request is refused before anything is sent.
  configError = checkSessionBinding(i.sessionFingerprint, i.requestFingerprint) ?? configError;
  // No options of its own: the shared defaults (never mutated), so a waiting negotiation holds no copy.
  let polling: UiaSettings['polling'] = DEFAULT_POLLING;
  if (i.polling !== undefined) {
    const p = numbers(i.polling, DEFAULT_POLLING);
    p.intervalMs = Math.max(50, p.intervalMs);
    p.backoffFactor = Math.max(1, p.backoffFactor);
    p.maxIntervalMs = Math.max(p.maxIntervalMs, p.intervalMs);
    polling = p;
  }
  return {
    settings: {
      inputs: withoutToken(i.inputs),
      supportedStages: i.supportedStages ? [...i.supportedStages] : undefined,
      userId: i.userId,
      homeserverUrl: i.homeserverUrl,
      polling,
      rateLimit: i.rateLimit === undefined ? DEFAULT_RATE_LIMIT : numbers(i.rateLimit, DEFAULT_RATE_LIMIT),
      configError,
      // Already sealed when it comes through createUiaActor (toMachineInput).
      presetToken: i.inputs?.registrationToken ? new Sealed(unseal(i.inputs.registrationToken)) : null,
      authData: i.authData ?? null,
      // Made when an email or SMS stage opens (openStage): most negotiations never need one.
      clientSecret: i.clientSecret ?? null,
      requestFingerprint: i.requestFingerprint ?? i.sessionFingerprint,
    },
    session: i.sessionId ?? (typeof i.authData?.session === 'string' ? i.authData.session : undefined),
    flows: [],
    params: {},
    completed: [],
    chosenFlow: null,
    preferredFlow: null,
    stage: null,
    stageKind: null,
    stageError: null,
    email: { sid: i.emailSid, attempt: 0 },
    pendingAuth: null,
    retry: IDLE_RETRY,
    poll: IDLE_POLL,
    result: null,
    error: null,
  };
}
