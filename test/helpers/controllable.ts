/**
 * Controllable side effects for chart tests: a request function whose every call stays pending
 * until the test answers it, and a token function of the same kind. Tests use them to hold a
 * request in flight, check its signal, and answer it late.
 */
import type { AuthDict, RequestOptions, RequestTokenResponse, EmailTokenRequest } from '../../src/types';
import { FakeHttpError } from './scripted-server';

/** One request the chart made and the test has not necessarily answered yet. */
export interface PendingCall<T = unknown> {
  /** Deep copy of the auth dict as sent. */
  auth: AuthDict | null;
  background: boolean;
  signal: AbortSignal;
  settled: boolean;
  /** 2xx with this body. */
  ok(data?: T): void;
  /** Non-2xx with this body. */
  http(status: number, body: unknown, retryAfterMs?: number): void;
  /** Shorthand for `http(401, body)`. */
  challenge(body: unknown): void;
  /** No answer at all (a thrown TypeError, as fetch throws). */
  network(message?: string): void;
}

/** A request function whose calls the test answers by hand. */
export function controllableRequest<T = unknown>() {
  const calls: PendingCall<T>[] = [];
  const request = (auth: AuthDict | null, opts: RequestOptions): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const call: PendingCall<T> = {
        auth: auth === null ? null : JSON.parse(JSON.stringify(auth)),
        background: opts.background,
        signal: opts.signal,
        settled: false,
        ok: (data) => settle(() => resolve(data as T)),
        http: (status, body, retryAfterMs) => settle(() => reject(new FakeHttpError(status, body, retryAfterMs))),
        challenge: (body) => settle(() => reject(new FakeHttpError(401, body))),
        network: (message = 'fetch failed') => settle(() => reject(new TypeError(message))),
      };
      function settle(f: () => void) {
        if (call.settled) throw new Error('call answered twice');
        call.settled = true;
        f();
      }
      calls.push(call);
    });
  return {
    request,
    calls,
    /** The most recent call (throws when none was made). */
    last(): PendingCall<T> {
      const c = calls[calls.length - 1];
      if (!c) throw new Error('no request was made');
      return c;
    },
    /** Calls neither answered nor aborted: what is really in flight. */
    inFlight(): PendingCall<T>[] {
      return calls.filter((c) => !c.settled && !c.signal.aborted);
    },
  };
}

/** One email token request the test answers by hand. */
export interface PendingTokenCall {
  req: Omit<EmailTokenRequest, 'signal'>;
  signal: AbortSignal;
  ok(res: RequestTokenResponse): void;
  fail(error: unknown): void;
}

/** A `requestEmailToken` (or SMS) function whose calls the test answers by hand. */
export function controllableTokenRequest<Req extends { signal: AbortSignal }>() {
  const calls: { req: Omit<Req, 'signal'>; signal: AbortSignal; ok(res: RequestTokenResponse): void; fail(e: unknown): void }[] = [];
  const fn = (req: Req): Promise<RequestTokenResponse> =>
    new Promise((resolve, reject) => {
      const { signal, ...rest } = req;
      calls.push({ req: rest, signal, ok: resolve, fail: reject });
    });
  return { fn, calls };
}

/** Lets pending promise callbacks and the actor's reactions to them run. */
export async function flush(): Promise<void> {
  for (let i = 0; i < 20; i++) await Promise.resolve();
}
