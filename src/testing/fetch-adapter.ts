/**
 * A `fetch` with the global's signature that answers from the in-process handler: no socket, but
 * a real `Request` in and a real `Response` out, so code written for `fetch` (the fetch transport,
 * matrix-js-sdk's `fetchFn`) runs unchanged and fast. Abort signals are honoured (a delayed
 * response can be aborted, as over the network).
 */
import { serializeBody, type SimRequest, type SimResponse } from './http-types';

/** The signature of the global `fetch`. */
export type FetchFunction = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

function abortError(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('This operation was aborted', 'AbortError');
}

/** Builds the adapter. Relative URLs (`/_matrix/…`) resolve against `http://localhost`. */
export function createFetch(handle: (req: SimRequest) => Promise<SimResponse>): FetchFunction {
  return async (input, init) => {
    const target = typeof input === 'string' && input.startsWith('/') ? `http://localhost${input}` : input;
    const request = new Request(target, init);
    if (request.signal.aborted) throw abortError(request.signal);
    const url = new URL(request.url);
    const headers: Record<string, string> = { host: url.host };
    request.headers.forEach((value, key) => {
      headers[key] = value;
    });
    const body = request.method === 'GET' || request.method === 'HEAD' ? undefined : await request.text();
    const answer = await new Promise<SimResponse>((resolve, reject) => {
      const onAbort = () => reject(abortError(request.signal));
      request.signal.addEventListener('abort', onAbort, { once: true });
      handle({ method: request.method, path: url.pathname + url.search, headers, body }).then(
        (r) => {
          request.signal.removeEventListener('abort', onAbort);
          resolve(r);
        },
        (e: unknown) => {
          request.signal.removeEventListener('abort', onAbort);
          reject(e);
        },
      );
    });
    const nullBody = answer.status === 204 || answer.status === 304 || request.method === 'HEAD';
    return new Response(nullBody ? null : serializeBody(answer), { status: answer.status, headers: answer.headers });
  };
}
