/**
 * A hostile homeserver for property tests: request functions that answer from a generated
 * sequence (or are answered by hand, to stage races), and that watch how the chart uses them.
 *
 * It counts requests in flight (called, not yet settled, not aborted) so a test can prove at most
 * one is ever outstanding, records every auth dict sent (deep-copied) with the fake clock's time,
 * and notices a request storm: more than `stormLimit` calls without the clock moving means the
 * chart is looping by itself, so the server stops answering (to end the loop) and flags it.
 *
 * Aborted requests are left unsettled unless `settleOnAbort` is set: a transport that ignores
 * the signal is the worst case, and answering such a request later proves the chart ignores it.
 */
import type { AuthDict, RequestOptions, RequestTokenResponse } from '../../src/types';

/** One generated server answer. */
export type FuzzAnswer =
  /** 2xx with this body. */
  | { kind: 'ok'; body: unknown }
  /** A non-2xx answer: the error carries `httpStatus`, `data` and maybe `retryAfterMs`. */
  | { kind: 'http'; status: number; body: unknown; retryAfterMs?: unknown }
  /** No answer: the function throws this value (an Error, or any non-Error value). */
  | { kind: 'throw'; value: unknown }
  /** The function throws synchronously instead of returning a promise. */
  | { kind: 'syncThrow'; value: unknown }
  /** Never answers (until aborted, and not even then unless `settleOnAbort`). */
  | { kind: 'hang' };

/** An error of the HTTP shape (matrix-js-sdk's MatrixError has it too); fields may be hostile. */
export class FuzzHttpError extends Error {
  constructor(
    public httpStatus: number,
    public data: unknown,
    retryAfterMs?: unknown,
  ) {
    super(`HTTP ${httpStatus}`);
    if (retryAfterMs !== undefined) (this as unknown as { retryAfterMs: unknown }).retryAfterMs = retryAfterMs;
  }
}

/** One call the chart made. */
export interface FuzzCall {
  /** Deep copy of the auth dict (`null` on a first request). */
  auth: AuthDict | null;
  background: boolean;
  /** Fake-clock time of the call. */
  at: number;
  signal: AbortSignal;
  aborted: boolean;
  settled: boolean;
  /** Fake-clock time the answer was delivered (NaN until then). */
  answeredAt: number;
  /** The answer it was (or will be) given. */
  answer: FuzzAnswer | null;
  /** Settles the call now with an answer (no-op when already settled). */
  settle(answer: FuzzAnswer): void;
}

/** How the server picks answers. */
export interface FuzzServerOptions {
  /** Answers in order; past the end, `fallback` is used. A function gets the call and its index. */
  answers: FuzzAnswer[] | ((call: FuzzCall, index: number) => FuzzAnswer);
  /** Answer used when the list is exhausted. Default: hang. */
  fallback?: FuzzAnswer;
  /** Delay (fake ms) before answering call `i`; default 0. `'manual'`: the test settles calls itself. */
  delays?: number[] | 'manual';
  /** Settle (reject) an aborted call at once, as a well-behaved transport does. Default false. */
  settleOnAbort?: boolean;
  /** Calls without the clock moving that count as a storm. Default 30. */
  stormLimit?: number;
}

function copy<T>(v: T): T {
  return v === null || v === undefined ? v : (JSON.parse(JSON.stringify(v)) as T);
}

function deliver<T>(answer: FuzzAnswer, resolve: (v: T) => void, reject: (e: unknown) => void): void {
  switch (answer.kind) {
    case 'ok':
      resolve(answer.body as T);
      return;
    case 'http':
      reject(new FuzzHttpError(answer.status, answer.body, answer.retryAfterMs));
      return;
    case 'throw':
    case 'syncThrow':
      reject(answer.value);
      return;
    case 'hang':
      return;
  }
}

/** A generated server for the request being authorised. */
export function createFuzzServer<T = unknown>(options: FuzzServerOptions) {
  const calls: FuzzCall[] = [];
  const stormLimit = options.stormLimit ?? 30;
  let inFlight = 0;
  let maxInFlight = 0;
  let overlaps = 0;
  let storm = false;
  let sameTime = 0;
  let lastAt = Number.NaN;

  const request = (auth: AuthDict | null, opts: RequestOptions): Promise<T> => {
    const at = Date.now();
    sameTime = at === lastAt ? sameTime + 1 : 1;
    lastAt = at;
    if (inFlight > 0) overlaps++;
    let resolve!: (v: T) => void;
    let reject!: (e: unknown) => void;
    const promise = new Promise<T>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    let timer: ReturnType<typeof setTimeout> | undefined;
    const call: FuzzCall = {
      auth: copy(auth),
      background: opts.background,
      at,
      signal: opts.signal,
      aborted: false,
      settled: false,
      answer: null,
      answeredAt: Number.NaN,
      settle(answer) {
        if (call.settled) return;
        call.settled = true;
        call.answeredAt = Date.now();
        call.answer = answer;
        if (timer !== undefined) clearTimeout(timer);
        if (!call.aborted) inFlight--;
        deliver(answer, resolve, reject);
        if (answer.kind === 'hang') call.settled = false;
      },
    };
    const index = calls.length;
    calls.push(call);
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    opts.signal.addEventListener('abort', () => {
      if (call.aborted) return;
      call.aborted = true;
      if (!call.settled) inFlight--;
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
      if (options.settleOnAbort && !call.settled) {
        call.settled = true;
        reject(new DOMException('aborted', 'AbortError'));
      }
    });
    if (sameTime > stormLimit) {
      storm = true;
      return promise; // never answered: ends the loop
    }
    const answer =
      typeof options.answers === 'function'
        ? options.answers(call, index)
        : (options.answers[index] ?? options.fallback ?? { kind: 'hang' });
    call.answer = answer;
    if (answer.kind === 'syncThrow') {
      inFlight--;
      call.settled = true;
      throw answer.value;
    }
    if (options.delays === 'manual' || answer.kind === 'hang') return promise;
    const delay = options.delays?.[index] ?? 0;
    timer = setTimeout(() => {
      timer = undefined;
      call.settle(answer);
    }, delay);
    return promise;
  };

  return {
    request,
    calls,
    /** Requests called and neither settled nor aborted, now. */
    get inFlight() {
      return inFlight;
    },
    /** Most requests ever outstanding at once. */
    get maxInFlight() {
      return maxInFlight;
    },
    /** Calls made while another was outstanding. */
    get overlaps() {
      return overlaps;
    },
    /** True once a request storm (calls without time passing) was seen. */
    get storm() {
      return storm;
    },
    /** Calls not settled and not aborted, oldest first. */
    pending(): FuzzCall[] {
      return calls.filter((c) => !c.settled && !c.aborted);
    },
    /** Calls aborted by the chart but never settled (their answer would come late). */
    abandoned(): FuzzCall[] {
      return calls.filter((c) => c.aborted && !c.settled);
    },
  };
}

/** A fuzz server's handle. */
export type FuzzServer<T = unknown> = ReturnType<typeof createFuzzServer<T>>;

/** A generated answer for the email/SMS token functions. */
export type FuzzTokenAnswer = { kind: 'ok'; body: RequestTokenResponse } | { kind: 'throw'; value: unknown } | { kind: 'hang' };

/**
 * A side function (email token, SMS token, code submission, token check) answering from a list,
 * recording the JSON of its arguments so secrets sent to it can be looked for.
 */
export function createFuzzSideFunction<A extends { signal?: AbortSignal }, R>(answers: (index: number) => { kind: 'ok'; body: R } | { kind: 'throw'; value: unknown } | { kind: 'hang' }) {
  const calls: { args: string; at: number }[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const fn = (arg: A, maybeOpts?: { signal: AbortSignal }): Promise<R> => {
    const { signal, ...rest } = (typeof arg === 'object' && arg !== null ? arg : { value: arg }) as A & Record<string, unknown>;
    calls.push({ args: JSON.stringify(rest), at: Date.now() });
    const sig = (signal as AbortSignal | undefined) ?? maybeOpts?.signal;
    const answer = answers(calls.length - 1);
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    return new Promise<R>((resolve, reject) => {
      let done = false;
      const finish = () => {
        if (!done) inFlight--;
        done = true;
      };
      sig?.addEventListener('abort', finish);
      const timer = setTimeout(() => {
        if (done || answer.kind === 'hang') return;
        finish();
        if (answer.kind === 'ok') resolve(answer.body);
        else reject(answer.value);
      }, 0);
      sig?.addEventListener('abort', () => clearTimeout(timer));
      if (answer.kind === 'hang') clearTimeout(timer);
    });
  };
  return {
    fn,
    calls,
    get inFlight() {
      return inFlight;
    },
    get maxInFlight() {
      return maxInFlight;
    },
  };
}
