/**
 * `uiaRequest`: the request function the statechart calls, built on the fetch client.
 */
import type { AuthDict, UiaRequestFn } from '../types';
import type { HttpMethod, MatrixClient, MatrixRequestOptions } from './client';

/** Extra options of {@link uiaRequest}. */
export interface UiaRequestExtras {
  /** Query parameters (e.g. `kind=user` for registration). */
  query?: MatrixRequestOptions['query'];
  /** Send the client's access token (default: when it has one). Registration sends none. */
  auth?: boolean;
}

/**
 * A {@link UiaRequestFn} that sends `body` with the chart's `auth` dict added (left out on the
 * first request, as the spec asks). DELETE requests carry a JSON body too: `DELETE /devices/{id}`
 * takes its `auth` there.
 */
export function uiaRequest<T>(client: MatrixClient, method: HttpMethod, path: string, body: Record<string, unknown> = {}, extras: UiaRequestExtras = {}): UiaRequestFn<T> {
  return (auth: AuthDict | null, { signal }) => {
    const payload = auth ? { ...body, auth } : { ...body };
    const opts: MatrixRequestOptions = { signal };
    if (extras.query) opts.query = extras.query;
    if (extras.auth !== undefined) opts.auth = extras.auth;
    return client.request<T>(method, path, payload, opts);
  };
}
