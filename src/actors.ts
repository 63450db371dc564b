/**
 * The side effects of the charts, as XState actor logic built from the app's functions.
 *
 * Each actor honours its `signal`: the chart aborts it when it leaves the state that invoked it
 * (cancel, a newer request), so an abandoned request is cancelled at the transport and its late
 * answer, if any, is dropped by XState.
 */
import { fromPromise, type ActorSystem } from 'xstate';
import { InvalidOptionsError } from './errors';
import type { RequestOutcome } from './parse-auth-response';
import { Sealed } from './secret';
import { keepUntrusted } from './untrusted';
import type {
  AuthDict,
  CheckRegistrationTokenFn,
  RequestEmailTokenFn,
  RequestMsisdnTokenFn,
  RequestTokenResponse,
  SubmitMsisdnTokenFn,
  UiaRequestFn,
} from './types';
import type { EmailTokenActorInput } from '../machines/stages/email.machine';
import type { MsisdnCodeActorInput, MsisdnTokenActorInput } from '../machines/stages/msisdn.machine';
import type { TokenCheck, TokenCheckResult } from '../machines/stages/registration-token.machine';

/**
 * A function looked up when the actor runs, in the negotiation's actor system. `createUiaActor`
 * uses it so that one machine, built once, serves every negotiation with its own functions.
 */
export interface FromSystem<F> {
  fromSystem: (system: ActorSystem<any>) => F | undefined;
}

/** The function itself, or where to find it when the actor runs. */
export type FunctionSource<F> = F | FromSystem<F>;

function resolveFn<F>(source: FunctionSource<F> | undefined, system: ActorSystem<any>): F | undefined {
  // Every app function is a function; a source that is not one says where to find it.
  return typeof source === 'function' || source === undefined ? (source as F | undefined) : (source as FromSystem<F>).fromSystem(system);
}

/** Input of the request actor: the auth dict (sealed; `null` for a first request without session). */
export interface RequestActorInput {
  /** Auth dict to send (session already added), sealed; `null` on the first request. */
  auth: Sealed<AuthDict | null>;
  /** True for background polls (no spinner). */
  background: boolean;
}

/** An error with the shape of matrix-js-sdk's `MatrixError` (and this package's `MatrixHttpError`). */
export interface HttpErrorLike {
  /** HTTP status of the non-2xx answer. */
  httpStatus: number;
  /** Parsed JSON body of the answer, if any. */
  data?: unknown;
  /** Wait the server asked for (body `retry_after_ms` or Retry-After header), in ms. */
  retryAfterMs?: number;
}

/** Recognises an HTTP answer error by shape, so any transport's error class works. */
export function isHttpErrorLike(e: unknown): e is HttpErrorLike {
  return typeof e === 'object' && e !== null && typeof (e as HttpErrorLike).httpStatus === 'number';
}

/** Reads a Retry-After hint from an error: ours carries `retryAfterMs`, fetch-like ones may carry headers. */
function retryAfterOf(e: HttpErrorLike): number | undefined {
  if (typeof e.retryAfterMs === 'number') return e.retryAfterMs;
  return undefined;
}

/** The error of a request a restore interrupted: reported to the stage, which asks the user again. */
export function interruptedByRestore(): Error {
  return new Error('matrix-uia: interrupted by a restore');
}

/**
 * The request actor: resolves with every HTTP answer as data (success or not) and rejects only
 * when there was no answer (network fault), which is what the chart's `onError` means.
 */
export function createRequestActor<T>(source: FunctionSource<UiaRequestFn<T>>) {
  return fromPromise<RequestOutcome<T>, RequestActorInput>(async ({ input, signal, system }) => {
    const request = resolveFn(source, system);
    if (!request) throw new Error('matrix-uia: no request function');
    // A request restored from a persisted snapshot lost its dict (sealed values do not survive
    // serialisation): report it as interrupted rather than send a broken body.
    if (!(input.auth instanceof Sealed)) throw interruptedByRestore();
    try {
      const data = await request(input.auth.unseal(), { signal, background: input.background });
      return { kind: 'success', data };
    } catch (e) {
      // An answer's body is kept (a snapshot's error, a thrown error): copied here, bounded, plain
      // and without credentials, so nothing downstream reads a getter or a Proxy. A 401 is
      // validated by its own limits (src/limits.ts): up to 1 MB of it is taken.
      if (isHttpErrorLike(e)) {
        const outcome: RequestOutcome<T> = { kind: 'http', status: e.httpStatus, data: keepUntrusted(e.data, e.httpStatus === 401 ? 1 << 20 : undefined) };
        const retryAfterMs = retryAfterOf(e);
        if (retryAfterMs !== undefined) outcome.retryAfterMs = retryAfterMs;
        return outcome;
      }
      throw e;
    }
  });
}

/** The email token actor. */
export function createEmailTokenActor(source: FunctionSource<RequestEmailTokenFn> | undefined) {
  return fromPromise<RequestTokenResponse, EmailTokenActorInput>(async ({ input, signal, system }) => {
    const fn = resolveFn(source, system);
    if (!fn) throw new Error('requestEmailToken was not provided');
    return fn({ ...input, signal });
  });
}

/** The SMS token actor. */
export function createMsisdnTokenActor(source: FunctionSource<RequestMsisdnTokenFn> | undefined) {
  return fromPromise<RequestTokenResponse, MsisdnTokenActorInput>(async ({ input, signal, system }) => {
    const fn = resolveFn(source, system);
    if (!fn) throw new Error('requestMsisdnToken was not provided');
    return fn({ ...input, signal });
  });
}

/**
 * The SMS code actor. Without an app function, a server-given `submit_url` is POSTed to with the
 * global `fetch` (the spec's shape: `{sid, client_secret, token}` answering `{success}`). With
 * neither, it fails with an `InvalidOptionsError`: no other code could fare better, so the stage
 * ends the negotiation with it.
 */
export function createMsisdnSubmitActor(source: FunctionSource<SubmitMsisdnTokenFn> | undefined) {
  return fromPromise<boolean, MsisdnCodeActorInput>(async ({ input, signal, system }) => {
    // Restored from a persisted snapshot, the sealed code is only a marker: the user types it again.
    if (!(input.code instanceof Sealed)) throw interruptedByRestore();
    const fn = resolveFn(source, system);
    const token = input.code.unseal();
    if (fn) {
      const req = { sid: input.sid, clientSecret: input.clientSecret, token, signal } as Parameters<SubmitMsisdnTokenFn>[0];
      if (input.submitUrl) req.submitUrl = input.submitUrl;
      return fn(req);
    }
    if (!input.submitUrl) throw new InvalidOptionsError('m.login.msisdn: no submitMsisdnToken function and the server gave no submit_url');
    const res = await fetch(input.submitUrl, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ sid: input.sid, client_secret: input.clientSecret, token }),
      signal,
    });
    if (!res.ok) return false;
    const body = (await res.json().catch(() => ({}))) as { success?: unknown };
    return body.success === true;
  });
}

/**
 * The registration token validity actor; a failed check answers "unknown" and lets the server
 * decide, as does the absence of a checker.
 */
export function createTokenCheckActor(source: FunctionSource<CheckRegistrationTokenFn> | undefined) {
  return fromPromise<TokenCheckResult, TokenCheck>(async ({ input, signal, system }) => {
    // Restored from a persisted snapshot, the sealed token is only a marker: reported as
    // interrupted (the stage asks again) rather than submitted as "[sealed]".
    if (!(input.token instanceof Sealed)) throw interruptedByRestore();
    const fn = resolveFn(source, system);
    if (!fn) return { token: input.token, valid: null };
    try {
      return { token: input.token, valid: await fn(input.token.unseal(), { signal }) };
    } catch {
      if (signal.aborted) throw new Error('aborted');
      return { token: input.token, valid: null };
    }
  });
}
