/**
 * The differential harness: runs one scripted scenario through matrix-js-sdk's InteractiveAuth
 * and through matrix-uia's, and records everything the app sees from each, in order.
 *
 * A scenario is a scripted server (an answer per doRequest call), the app's behaviour (what it
 * does when told a stage) and the options both classes get. The record is one ordered log of
 * every callback (doRequest, stateUpdated, busyChanged, requestEmailToken) plus the outcome, so
 * two runs compare with one `toEqual`.
 */
import { InteractiveAuth } from '../../src/api/interactive-auth';
import { loadSdk, type SdkInteractiveAuth } from './load-sdk';

/** What the scripted server answers to one doRequest call. */
export type Answer =
  | { ok: unknown }
  /** An HTTP error, thrown as matrix-js-sdk's own MatrixError. */
  | { status: number; body: Record<string, unknown> }
  /** matrix-js-sdk's HTTPError: an HTTP status without a parsed body. */
  | { httpError: string; status: number }
  /** No answer at all. */
  | { network: string }
  /** An answer held back until the test releases it. */
  | { held: Promise<Answer> };

/** One entry of the log. */
export type LogEntry =
  | ['doRequest', unknown, boolean]
  | ['stateUpdated', string, unknown]
  | ['busyChanged', boolean]
  | ['requestEmailToken', string | undefined, string, number, string | undefined];

/** The surface both classes share, as the app drives it. */
export type Auth = Pick<
  SdkInteractiveAuth,
  'attemptAuth' | 'poll' | 'submitAuthDict' | 'getSessionId' | 'getClientSecret' | 'getStageParams' | 'getChosenFlow' | 'getEmailSid' | 'setEmailSid' | 'requestEmailToken'
>;

/** A scenario: the same for both implementations. */
export interface Scenario {
  /** Options besides the callbacks (copied afresh for each run: matrix-js-sdk mutates authData). */
  options?: Record<string, unknown>;
  /** The server: an answer per call (0-based). */
  server: (auth: unknown, call: number, background: boolean) => Answer;
  /** What the app does when told a stage (the n-th stateUpdated call, 0-based). */
  onStage?: (auth: Auth, stage: string, status: Record<string, unknown>, n: number) => void;
  /** The app's requestEmailToken (default: resolves with sid "sid-<attempt>"). */
  requestEmailToken?: (email: string | undefined, secret: string, attempt: number, session: string | undefined) => Promise<{ sid: string }>;
  /** Skip attemptAuth and only run `drive`. */
  noAttempt?: boolean;
  /** Extra driving after attemptAuth was called (or instead of it with `noAttempt`). */
  drive?: (auth: Auth) => Promise<void>;
}

/** What one run produced. */
export interface Run {
  log: LogEntry[];
  outcome: { result: unknown } | { error: { name: string; message: string; [k: string]: unknown } } | { pending: true };
  /** The options object after the run (to see what the implementation did to authData). */
  options: Record<string, unknown>;
  auth: Auth;
  rawError?: unknown;
}

/** The fixed client secret both runs use, so email calls and poll dicts compare. */
export const CLIENT_SECRET = 'differentialSecret1';

function clone<T>(v: T): T {
  return v === undefined ? v : (JSON.parse(JSON.stringify(v)) as T);
}

/** Lets every pending promise callback and zero-delay timer run. */
export async function drain(): Promise<void> {
  for (let i = 0; i < 10; i++) await new Promise((r) => setImmediate(r));
}

function describeError(e: unknown): { name: string; message: string; [k: string]: unknown } {
  const err = e as { name?: string; message?: string; required_stages?: unknown; flows?: unknown; httpStatus?: unknown; errcode?: unknown };
  const out: { name: string; message: string; [k: string]: unknown } = { name: String(err?.name), message: String(err?.message) };
  if (err && 'required_stages' in err) {
    out.required_stages = clone(err.required_stages);
    out.flows = clone(err.flows);
  }
  if (err && typeof err.httpStatus === 'number') out.httpStatus = err.httpStatus;
  return out;
}

/** Runs a scenario through one implementation. */
export async function run(impl: 'matrix-js-sdk' | 'matrix-uia', scenario: Scenario): Promise<Run> {
  const sdk = loadSdk();
  const log: LogEntry[] = [];
  let calls = 0;
  let stateCalls = 0;
  // Data is copied (matrix-js-sdk sorts authData.flows in place); functions are kept.
  const options = Object.fromEntries(Object.entries(scenario.options ?? {}).map(([k, v]) => [k, k === 'matrixClient' ? v : clone(v)]));
  let auth!: Auth;
  const answer = async (a: Answer): Promise<unknown> => {
    // Answers come in a later task, as from a network: callback order then does not hang on
    // how many promise hops each implementation takes internally.
    await new Promise((r) => setImmediate(r));
    if ('held' in a) return answer(await a.held);
    if ('ok' in a) return a.ok;
    if ('network' in a) throw new TypeError(a.network);
    if ('httpError' in a) throw new sdk.HTTPError(a.httpError, a.status);
    throw new sdk.MatrixError(clone(a.body), a.status);
  };
  const allOptions = {
    matrixClient: { generateClientSecret: () => CLIENT_SECRET, getIdentityServerUrl: () => undefined },
    ...options,
    doRequest: (dict: unknown, background: boolean) => {
      log.push(['doRequest', clone(dict), background]);
      const a = scenario.server(dict, calls++, background);
      return answer(a);
    },
    stateUpdated: (stage: string, status: Record<string, unknown>) => {
      log.push(['stateUpdated', stage, { ...status }]);
      scenario.onStage?.(auth, stage, status, stateCalls++);
    },
    busyChanged: (busy: boolean) => {
      log.push(['busyChanged', busy]);
    },
    requestEmailToken: (email: string | undefined, secret: string, attempt: number, session: string | undefined) => {
      log.push(['requestEmailToken', email, secret, attempt, session]);
      const send = scenario.requestEmailToken ?? (async (_e, _s, n) => ({ sid: `sid-${n}` }));
      // Answered in a later task too, as over a network.
      return new Promise((r) => setImmediate(r)).then(() => send(email, secret, attempt, session));
    },
  };
  auth = impl === 'matrix-js-sdk' ? new sdk.InteractiveAuth(allOptions) : (new InteractiveAuth(allOptions as never) as unknown as Auth);
  let outcome: Run['outcome'] = { pending: true };
  let rawError: unknown;
  if (!scenario.noAttempt) {
    const p = auth.attemptAuth().then(
      (result) => {
        outcome = { result };
      },
      (e: unknown) => {
        rawError = e;
        outcome = { error: describeError(e) };
      },
    );
    if (scenario.drive) await scenario.drive(auth);
    await p;
  } else if (scenario.drive) {
    await scenario.drive(auth);
  }
  await drain();
  return { log, outcome, options, auth, rawError };
}

/** Runs a scenario through both implementations. */
export async function both(scenario: Scenario): Promise<{ sdk: Run; uia: Run }> {
  const sdk = await run('matrix-js-sdk', scenario);
  const uia = await run('matrix-uia', scenario);
  return { sdk, uia };
}
