/**
 * A scripted homeserver for tests: a request function that answers from a queue of canned
 * responses (or a function of the auth dict), records every call, and can hold answers back to
 * test races.
 */
import type { AuthDict, RequestOptions } from '../../src/types';

/** An HTTP error of the shape the chart expects (matrix-js-sdk's MatrixError has it too). */
export class FakeHttpError extends Error {
  constructor(
    public httpStatus: number,
    public data: unknown,
    public retryAfterMs?: number,
  ) {
    super(`HTTP ${httpStatus}`);
  }
}

/** One scripted answer: a success body, an HTTP error, a network fault, or a function of the dict. */
export type Answer =
  | { ok: unknown }
  | { status: number; body: unknown; retryAfterMs?: number }
  | { network: string }
  | ((auth: AuthDict | null) => Answer);

export const uia401 = (body: Record<string, unknown>): Answer => ({ status: 401, body });

/** A request function answering from `answers` in order; records calls with a deep copy of `auth`. */
export function scripted<T = unknown>(answers: Answer[]) {
  const calls: { auth: AuthDict | null; background: boolean; signal: AbortSignal }[] = [];
  let i = 0;
  const request = async (auth: AuthDict | null, opts: RequestOptions): Promise<T> => {
    calls.push({ auth: auth === null ? null : JSON.parse(JSON.stringify(auth)), background: opts.background, signal: opts.signal });
    let a = answers[Math.min(i++, answers.length - 1)];
    if (a === undefined) throw new Error('script exhausted');
    while (typeof a === 'function') a = a(auth);
    if ('ok' in a) return a.ok as T;
    if ('network' in a) throw new TypeError(a.network);
    throw new FakeHttpError(a.status, a.body, a.retryAfterMs);
  };
  return { request, calls };
}

/** The 401 body Synapse answers an email check with before the link is clicked (fixture exchange 59). */
export const notValidatedYet = (body: Record<string, unknown>): Answer =>
  uia401({ ...body, completed: body.completed ?? [], error: 'Unable to get validated threepid', errcode: 'M_UNAUTHORIZED' });

/**
 * A request function answering by a function of the dict and the call number (0-based), for
 * scenarios whose answers depend on what was sent; records calls like {@link scripted}.
 */
export function scriptedBy<T = unknown>(answer: (auth: AuthDict | null, call: number, background: boolean) => Answer) {
  const calls: { auth: AuthDict | null; background: boolean; signal: AbortSignal }[] = [];
  const request = async (auth: AuthDict | null, opts: RequestOptions): Promise<T> => {
    calls.push({ auth: auth === null ? null : JSON.parse(JSON.stringify(auth)), background: opts.background, signal: opts.signal });
    let a = answer(auth, calls.length - 1, opts.background);
    while (typeof a === 'function') a = a(auth);
    if ('ok' in a) return a.ok as T;
    if ('network' in a) throw new TypeError(a.network);
    throw new FakeHttpError(a.status, a.body, a.retryAfterMs);
  };
  return { request, calls };
}
