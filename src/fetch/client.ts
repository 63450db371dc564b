/**
 * A small Matrix client-server API client over `fetch`.
 *
 * It does only what the UIA helpers need: join the base URL and a path, send JSON with the
 * access token, turn non-2xx answers into {@link MatrixHttpError}, and pass an `AbortSignal`
 * through. A network failure (or an abort) rejects with the `fetch` implementation's own error,
 * which the statechart treats as "no answer".
 */
import { MatrixHttpError } from './matrix-http-error';

/** The subset of the global `fetch` the client calls; the simulator's in-process `fetch` fits. */
export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

/** HTTP methods the client-server API uses. */
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

/** Options of {@link createMatrixClient}. */
export interface MatrixClientOptions {
  /** The homeserver's base URL, e.g. `https://matrix.example.org` (a path prefix is kept). */
  baseUrl: string;
  /** Sent as `Authorization: Bearer …` unless a request says `auth: false`. */
  accessToken?: string;
  /** The fetch implementation; default the global `fetch`. */
  fetch?: FetchLike;
}

/** Per-request options of {@link MatrixClient.request}. */
export interface MatrixRequestOptions {
  /** Aborts the fetch; the request then rejects with the fetch's abort error. */
  signal?: AbortSignal;
  /** Query parameters; `undefined` values are left out. */
  query?: Record<string, string | number | boolean | undefined>;
  /** Send the access token (default: when the client has one). `false` never sends it. */
  auth?: boolean;
}

/** A configured client. */
export interface MatrixClient {
  /** The base URL, without a trailing slash. */
  readonly baseUrl: string;
  /** The access token, if any. */
  readonly accessToken: string | undefined;
  /**
   * Sends one request. `path` starts with `/_matrix/...`; `body` is sent as JSON.
   *
   * @returns the parsed JSON body of a 2xx answer (`{}` for an empty one).
   * @throws {@link MatrixHttpError} for a non-2xx answer; the fetch's own error without one.
   */
  request<T = unknown>(method: HttpMethod, path: string, body?: unknown, options?: MatrixRequestOptions): Promise<T>;
  /** The fetch implementation in use. */
  readonly fetch: FetchLike;
  /** A copy of this client with another access token (e.g. after a login). */
  withAccessToken(accessToken: string | undefined): MatrixClient;
}

/** Creates a client. */
export function createMatrixClient(options: MatrixClientOptions): MatrixClient {
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const accessToken = options.accessToken;
  const doFetch: FetchLike = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  // Checked here so a typo fails at once, not at the first request deep inside a negotiation.
  const parsed = new URL(baseUrl);
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new TypeError(`baseUrl must be an http(s) URL, got ${parsed.protocol}`);

  const client: MatrixClient = {
    baseUrl,
    accessToken,
    fetch: doFetch,
    async request<T>(method: HttpMethod, path: string, body?: unknown, opts: MatrixRequestOptions = {}): Promise<T> {
      const url = new URL(baseUrl + (path.startsWith('/') ? path : `/${path}`));
      for (const [k, v] of Object.entries(opts.query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
      const headers: Record<string, string> = { Accept: 'application/json' };
      const sendToken = opts.auth ?? true;
      if (sendToken && accessToken) headers.Authorization = `Bearer ${accessToken}`;
      const init: RequestInit = { method, headers };
      if (body !== undefined) {
        headers['Content-Type'] = 'application/json';
        init.body = JSON.stringify(body);
      }
      if (opts.signal) init.signal = opts.signal;
      const res = await doFetch(url.toString(), init);
      const text = await res.text();
      const contentType = res.headers.get('content-type');
      const data = parseJson(text);
      if (!res.ok) {
        throw new MatrixHttpError(res.status, data === EMPTY ? undefined : data, { retryAfterHeader: res.headers.get('retry-after'), contentType });
      }
      if (data === EMPTY) return {} as T;
      // A 2xx that is not JSON is no Matrix answer: report it as a fault rather than guess a result.
      if (data === undefined) throw new Error(`${method} ${path}: the ${res.status} response body is not JSON (${contentType ?? 'no content type'})`);
      return data as T;
    },
    withAccessToken(token) {
      return createMatrixClient({ baseUrl, ...(token ? { accessToken: token } : {}), fetch: doFetch });
    },
  };
  return client;
}

const EMPTY = Symbol('empty body');

/** The parsed body; `EMPTY` for no body; `undefined` when it is not JSON. */
function parseJson(text: string): unknown {
  if (text.trim() === '') return EMPTY;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
