/**
 * A small Matrix client-server API client over `fetch`.
 *
 * It does only what the UIA helpers need: join the base URL and a path, send JSON with the
 * access token, turn answers it cannot use into {@link MatrixHttpError}, and pass an
 * `AbortSignal` through. A network failure (or an abort) rejects with the `fetch`
 * implementation's own error, which the statechart treats as "no answer".
 *
 * What a hostile or broken server cannot do through it:
 * - **Redirects** are never followed by `fetch` (`redirect: 'manual'`). The client follows a
 *   redirect itself only to the same origin (307/308 with the method and body, 301/302/303 for a
 *   GET), at most {@link MAX_REDIRECTS} times; any other redirect (another origin, or one that
 *   would turn a POST into a GET and drop its body) is an answer the client cannot use: a
 *   `MatrixHttpError` with the redirect's status, never a success, and the body (password,
 *   `new_password`) never leaves for the other origin.
 * - **Slow answers**: every request, headers and body, must complete within `timeoutMs`
 *   (default {@link DEFAULT_TIMEOUT_MS}); otherwise it is aborted and rejects with a
 *   `TimeoutError` (a `DOMException`), which the chart reports as a network fault.
 * - **Large answers**: a body over `maxResponseBytes` (default {@link DEFAULT_MAX_RESPONSE_BYTES}),
 *   counted after decompression, is not read further: a `MatrixHttpError` with the answer's status
 *   and no data.
 * - **A 2xx whose body is not JSON** is no Matrix answer: a `MatrixHttpError` with that status,
 *   so the chart ends the negotiation with an `EndpointError` instead of treating it as a network
 *   fault and asking for (and sending) the password again.
 */
import { withoutStack } from '../errors/errors';
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
  /**
   * Most time a request may take, headers and body, in ms (default {@link DEFAULT_TIMEOUT_MS});
   * `0` or `Infinity` for none. A request that takes longer rejects with a `TimeoutError`.
   */
  timeoutMs?: number;
  /** Largest response body read, in bytes after decompression (default {@link DEFAULT_MAX_RESPONSE_BYTES}). */
  maxResponseBytes?: number;
}

/** Default {@link MatrixClientOptions.timeoutMs}: 30 s for a request and its answer's body. */
export const DEFAULT_TIMEOUT_MS = 30_000;
/** Default {@link MatrixClientOptions.maxResponseBytes}: 1 MiB, far above any UIA or account answer. */
export const DEFAULT_MAX_RESPONSE_BYTES = 1024 * 1024;
/** Same-origin redirects followed for one request before giving up. */
export const MAX_REDIRECTS = 5;

/** Per-request options of {@link MatrixClient.request}. */
export interface MatrixRequestOptions {
  /** Aborts the fetch; the request then rejects with the fetch's abort error. */
  signal?: AbortSignal;
  /** Query parameters; `undefined` values are left out. */
  query?: Record<string, string | number | boolean | undefined>;
  /** Send the access token (default: when the client has one). `false` never sends it. */
  auth?: boolean;
  /** This request's time limit in ms, instead of the client's `timeoutMs`. */
  timeoutMs?: number;
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
  /** The request time limit in ms (`Infinity`: none). */
  readonly timeoutMs?: number;
  /** The largest response body read, in bytes. */
  readonly maxResponseBytes?: number;
  /** A copy of this client with another access token (e.g. after a login). */
  withAccessToken(accessToken: string | undefined): MatrixClient;
}

/** Creates a client. */
export function createMatrixClient(options: MatrixClientOptions): MatrixClient {
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const accessToken = options.accessToken;
  const doFetch: FetchLike = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const timeoutMs = limit(options.timeoutMs, DEFAULT_TIMEOUT_MS, 'timeoutMs');
  const maxResponseBytes = limit(options.maxResponseBytes, DEFAULT_MAX_RESPONSE_BYTES, 'maxResponseBytes');
  // Checked here so a typo fails at once, not at the first request deep inside a negotiation.
  const parsed = new URL(baseUrl);
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new TypeError(`baseUrl must be an http(s) URL, got ${parsed.protocol}`);
  // Built once: a request only appends its path (a plain join is much cheaper than new URL()).
  const bearer = accessToken ? `Bearer ${accessToken}` : undefined;

  const client: MatrixClient = {
    baseUrl,
    accessToken,
    fetch: doFetch,
    timeoutMs,
    maxResponseBytes,
    async request<T>(method: HttpMethod, path: string, body?: unknown, opts?: MatrixRequestOptions): Promise<T> {
      let url = baseUrl + (path.charCodeAt(0) === 47 /* / */ ? path : `/${path}`);
      if (opts?.query) url = withQuery(url, opts.query);
      const headers: Record<string, string> = { Accept: 'application/json' };
      if (bearer && opts?.auth !== false) headers.Authorization = bearer;
      const init: RequestInit = { method, headers, redirect: 'manual' };
      if (body !== undefined) {
        headers['Content-Type'] = 'application/json';
        init.body = JSON.stringify(body);
      }
      const ms = opts?.timeoutMs === undefined ? timeoutMs : limit(opts.timeoutMs, timeoutMs, 'timeoutMs');
      const outer = opts?.signal;
      let timer: ReturnType<typeof setTimeout> | undefined;
      let onAbort: (() => void) | undefined;
      if (ms === Infinity) {
        // No time limit: the caller's signal (if any) is the fetch's own, with nothing to link.
        if (outer) init.signal = outer;
      } else {
        // One controller for the caller's signal and the time limit; the fetch gets it alone.
        const controller = new AbortController();
        if (outer) {
          if (outer.aborted) controller.abort(outer.reason);
          else outer.addEventListener('abort', (onAbort = () => controller.abort(outer.reason)), { once: true });
        }
        timer = setTimeout(() => controller.abort(timeoutError(method, path, ms)), ms);
        init.signal = controller.signal;
      }
      try {
        let res = await doFetch(url, init);
        for (let hops = 0; isRedirect(res); hops++) {
          const next = redirectTarget(res, url, method, hops);
          if (typeof next !== 'string') throw new MatrixHttpError(res.status, undefined, { reason: next.reason });
          await res.body?.cancel();
          url = next;
          res = await doFetch(url, res.status === 307 || res.status === 308 ? init : { ...init, method: 'GET', body: null });
        }
        // A fetch that followed a redirect by itself (one ignoring `redirect: 'manual'`) to another
        // origin has already sent the body there; its answer is still not the endpoint's.
        if (res.redirected && res.url && originOf(res.url) !== originOf(url)) {
          await res.body?.cancel();
          throw new MatrixHttpError(res.status, undefined, { reason: `the answer came from another origin (${originOf(res.url)}) after a redirect` });
        }
        const status = res.status;
        const text = await readBody(res, maxResponseBytes);
        if (text === TOO_LARGE) throw new MatrixHttpError(status, undefined, { reason: `the response body is larger than ${maxResponseBytes} bytes`, retryAfterHeader: res.headers.get('retry-after') });
        const data = parseJson(text);
        // The content type only names what a body that is not JSON was (the error's message).
        const contentType = data === undefined ? res.headers.get('content-type') : null;
        if (!res.ok) {
          const make = () => new MatrixHttpError(status, data === EMPTY ? undefined : data, { retryAfterHeader: res.headers.get('retry-after'), contentType });
          // A 401 is the UIA challenge, routine data for the chart: no stack trace is captured for it.
          throw status === 401 ? withoutStack(make) : make();
        }
        if (data === EMPTY) return {} as T;
        // A 2xx that is not JSON is no Matrix answer, and no network fault either: an answer that
        // cannot be used, so the chart ends the negotiation instead of sending the dict again.
        if (data === undefined) throw new MatrixHttpError(status, undefined, { contentType });
        return data as T;
      } finally {
        if (timer !== undefined) clearTimeout(timer);
        if (onAbort) outer!.removeEventListener('abort', onAbort);
      }
    },
    withAccessToken(token) {
      return createMatrixClient({ baseUrl, ...(token ? { accessToken: token } : {}), fetch: doFetch, timeoutMs, maxResponseBytes });
    },
  };
  return client;
}

/** A positive limit; `0` or `Infinity` for none; `fallback` when absent. */
function limit(v: number | undefined, fallback: number, name: string): number {
  if (v === undefined) return fallback;
  if (typeof v !== 'number' || Number.isNaN(v) || v < 0) throw new TypeError(`${name} must be a number of at least 0, got ${String(v)}`);
  return v === 0 ? Infinity : v;
}

function withQuery(url: string, query: NonNullable<MatrixRequestOptions['query']>): string {
  const params = new URLSearchParams();
  for (const k in query) {
    const v = query[k];
    if (v !== undefined) params.set(k, String(v));
  }
  const q = params.toString();
  return q ? `${url}${url.includes('?') ? '&' : '?'}${q}` : url;
}

/** The error a request that ran out of time is aborted with (the name `AbortSignal.timeout` uses). */
function timeoutError(method: string, path: string, ms: number): Error {
  return new DOMException(`${method} ${path.split('?')[0]}: no complete answer within ${ms} ms`, 'TimeoutError');
}

function isRedirect(res: Response): boolean {
  // A browser hides a redirect it did not follow behind an opaque answer of status 0.
  return res.type === 'opaqueredirect' || (res.status >= 300 && res.status < 400 && res.status !== 304);
}

function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return 'an unreadable URL';
  }
}

/** Where a redirect may be followed to, or why it may not. */
function redirectTarget(res: Response, from: string, method: string, hops: number): string | { reason: string } {
  if (res.type === 'opaqueredirect') return { reason: 'redirected (the browser does not say where); not followed' };
  const location = res.headers.get('location');
  if (!location) return { reason: 'a redirect without a Location; not followed' };
  let target: URL;
  try {
    target = new URL(location, from);
  } catch {
    return { reason: 'a redirect to an unreadable Location; not followed' };
  }
  if (target.origin !== originOf(from)) return { reason: `redirected to another origin (${target.origin}); not followed` };
  if (res.status !== 307 && res.status !== 308 && method !== 'GET') return { reason: `a ${res.status} redirect would turn the ${method} into a GET without its body; not followed` };
  if (hops >= MAX_REDIRECTS) return { reason: `more than ${MAX_REDIRECTS} redirects; not followed` };
  return target.toString();
}

const TOO_LARGE = Symbol('too large');

/** The body as text, or `TOO_LARGE` once more than `max` bytes (decompressed) have come. */
async function readBody(res: Response, max: number): Promise<string | typeof TOO_LARGE> {
  const headers = res.headers;
  const length = headers.get('content-length');
  // Nothing is compressed and the length is known: the body cannot grow past it.
  if (length !== null && !headers.get('content-encoding')) {
    const declared = Number(length);
    if (declared <= max) return res.text();
    if (declared > max) {
      await res.body?.cancel();
      return TOO_LARGE;
    }
  }
  if (!res.body) return res.text();
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let size = 0;
  let text = '';
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return text + decoder.decode();
    size += value.byteLength;
    if (size > max) {
      await reader.cancel();
      return TOO_LARGE;
    }
    text += decoder.decode(value, { stream: true });
  }
}

const EMPTY = Symbol('empty body');

/** The parsed body; `EMPTY` for no body; `undefined` when it is not JSON. */
function parseJson(text: string): unknown {
  // Checked without `trim()`, which copies every answer's body once more only to test it.
  if (!/\S/.test(text)) return EMPTY;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
