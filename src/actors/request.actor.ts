/**
 * The request actor of the parent chart and its input: one request to the protected endpoint.
 *
 * It honours its `signal`: the chart aborts it when it leaves the state that invoked it (cancel, a
 * newer request), so an abandoned request is cancelled at the transport and its late answer, if
 * any, is dropped by XState.
 */
import { fromPromise } from 'xstate';
import { isRecord, type RequestOutcome } from '../decisions/parse-auth-response';
import { Sealed } from '../secrets/secret';
import { keepUntrusted } from '../secrets/untrusted';
import type { AuthDict, UiaRequestFn } from '../types';
import { interruptedByRestore, resolveFn, type FunctionSource } from './function-source';

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
  return isRecord(e) && typeof e.httpStatus === 'number';
}

/** Reads a Retry-After hint from an error: ours carries `retryAfterMs`, fetch-like ones may carry headers. */
function retryAfterOf(e: HttpErrorLike): number | undefined {
  if (typeof e.retryAfterMs === 'number') return e.retryAfterMs;
  return undefined;
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
