/**
 * `oauthAwareRequest`: a request function wrapper for the cross-signing reset on servers that
 * delegate auth (`m.oauth`, spec v1.17 / MSC4312), so the chart meets that challenge the way real
 * servers send it. Kept out of the chart and of `createUiaActor`'s imports: only the apps that
 * reset cross-signing (the fetch helper, the matrix-js-sdk callback, or an app wrapping its own
 * request function) carry it.
 *
 * What it changes, and why:
 * - **Stable name first.** A 401 offering both `m.oauth` and `org.matrix.cross_signing_reset`
 *   gets its `m.oauth` flows moved first, so the chart follows the stable stage whatever order
 *   the server listed them in (flow ties keep the server's order).
 * - **`msg` as the message.** Synapse explains the reset in `msg` ("… approve it at <url> and then
 *   try again"), with no `error`; the wrapper copies `msg` into `error` when there is none, so a
 *   repeated 401 shows that text as the stage's error instead of a generic one.
 * - **Checks at least `minGapMs` apart** (default 500 ms, as matrix-rust-sdk) once an oauth stage
 *   was seen (other stages' requests go at once): a focus event, an
 *   "I approved" and a poll timer firing together never hammer the server; a request due earlier
 *   waits (and honours its abort signal).
 *
 * Everything else (the `session`, even `"dummy"`, the flows, the params) is passed on untouched;
 * bodies without an oauth stage are not touched at all.
 */
import type { AuthDict, UiaRequestFn } from '../types';

/** The stable stage and its unstable name. */
const STABLE = 'm.oauth';
const UNSTABLE = 'org.matrix.cross_signing_reset';

/** Options of {@link oauthAwareRequest}. */
export interface OAuthAwareRequestOptions {
  /** Least time between the start of two requests, in ms. Default 500. */
  minGapMs?: number;
  /** The clock, for tests. Default `Date.now`. */
  now?: () => number;
  /** Waits `ms`, rejecting when `signal` aborts. Default a `setTimeout`. */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function hasStage(flow: unknown, stage: string): boolean {
  return isRecord(flow) && Array.isArray(flow.stages) && flow.stages.includes(stage);
}

/**
 * A 401 body as the chart should read it: `m.oauth` flows before the unstable ones, `msg` as
 * `error` when the body has no `error`. Returns the body itself when there is nothing to change.
 */
export function normaliseOAuthChallenge(body: unknown): unknown {
  if (!isRecord(body) || !Array.isArray(body.flows)) return body;
  const flows = body.flows as unknown[];
  const oauth = flows.some((f) => hasStage(f, STABLE) || hasStage(f, UNSTABLE));
  if (!oauth) return body;
  const out: Record<string, unknown> = { ...body };
  // A stable sort: m.oauth flows first, every other flow keeps its place relative to the rest.
  out.flows = [...flows.filter((f) => hasStage(f, STABLE)), ...flows.filter((f) => !hasStage(f, STABLE))];
  if (typeof body.error !== 'string' && typeof body.msg === 'string' && body.msg.length > 0) out.error = body.msg;
  return out;
}

function defaultSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clearTimeout(t);
      reject(signal.reason);
    };
    const t = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Wraps a request function for the `m.oauth` cross-signing reset (see the module comment): the
 * stable flow first, `msg` shown when there is no `error`, requests at least `minGapMs` apart.
 * A rejection that is an HTTP answer (`httpStatus`) is passed on with its body normalised; the
 * original error is kept as `cause`.
 */
export function oauthAwareRequest<T>(request: UiaRequestFn<T>, options: OAuthAwareRequestOptions = {}): UiaRequestFn<T> {
  const minGapMs = Math.max(0, options.minGapMs ?? 500);
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? defaultSleep;
  let lastStart: number | null = null;
  // Only checks of an oauth stage are spaced: a password retry on a UIA server goes at once.
  let oauthSeen = false;
  return async (auth: AuthDict | null, opts) => {
    if (oauthSeen && lastStart !== null) {
      const wait = lastStart + minGapMs - now();
      if (wait > 0) await sleep(wait, opts.signal);
    }
    lastStart = now();
    try {
      return await request(auth, opts);
    } catch (e) {
      const status = isRecord(e) ? e.httpStatus : undefined;
      if (typeof status !== 'number' || status !== 401) throw e;
      const data = (e as { data?: unknown }).data;
      const normalised = normaliseOAuthChallenge(data);
      if (normalised === data) throw e;
      oauthSeen = true;
      throw Object.assign(new Error((e as { message?: string }).message ?? 'HTTP 401', { cause: e }), {
        name: (e as { name?: string }).name ?? 'Error',
        httpStatus: status,
        data: normalised,
        ...(typeof (e as { retryAfterMs?: unknown }).retryAfterMs === 'number' ? { retryAfterMs: (e as { retryAfterMs: number }).retryAfterMs } : {}),
      });
    }
  };
}

/**
 * Polling for an `m.oauth` approval, for callers that give none: first check after 1 s, then
 * 1.5× longer up to 5 s between checks, giving up (`TimeoutError`) after 10 minutes, the
 * approval window MAS grants.
 */
export const OAUTH_POLLING = { intervalMs: 1000, backoffFactor: 1.5, maxIntervalMs: 5000, giveUpAfterMs: 10 * 60 * 1000 } as const;
