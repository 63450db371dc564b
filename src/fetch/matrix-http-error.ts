/**
 * `MatrixHttpError`: a non-2xx answer from a homeserver, as this package's fetch client reports it.
 *
 * It has the shape the statechart's request contract expects (`httpStatus`, the parsed `data`,
 * `retryAfterMs`), the same as matrix-js-sdk's `MatrixError`, so a request function built on
 * {@link createMatrixClient} can be handed to the chart as is.
 */

/** Most a Retry-After may ask us to wait, in ms: a day. Anything longer is a broken header. */
const MAX_RETRY_AFTER_MS = 24 * 60 * 60 * 1000;

/**
 * A homeserver's non-2xx answer, or an answer the client cannot use as a result: a 2xx whose body
 * is not JSON or is too large, or a redirect the client does not follow (`httpStatus` is the
 * answer's status; `data` is then `undefined`).
 */
export class MatrixHttpError extends Error {
  /** Always `'MatrixHttpError'`, stable across bundles and minification. */
  override name = 'MatrixHttpError';
  /** The HTTP status code. */
  readonly httpStatus: number;
  /** The Matrix error code of the body (`M_FORBIDDEN`, ...), when the body had one. */
  readonly errcode: string | undefined;
  /** The server's human-readable text (`error` of the body), when the body had one. */
  readonly error: string | undefined;
  /** The parsed JSON body, or `undefined` when the body was empty or not JSON. */
  readonly data: unknown;
  /** How long the server asked us to wait (body `retry_after_ms`, else the Retry-After header). */
  readonly retryAfterMs: number | undefined;

  /**
   * Builds the error from the status and parsed body; `options` give the Retry-After header,
   * content type, clock (ms), and `reason`: why an answer was not used (it becomes the message).
   */
  constructor(httpStatus: number, data: unknown, options: { retryAfterHeader?: string | null; contentType?: string | null; now?: number; reason?: string } = {}) {
    const body = data && typeof data === 'object' && !Array.isArray(data) ? (data as Record<string, unknown>) : undefined;
    const errcode = typeof body?.errcode === 'string' ? body.errcode : undefined;
    const error = typeof body?.error === 'string' ? body.error : undefined;
    super(options.reason ? `HTTP ${httpStatus}: ${options.reason}` : describe(httpStatus, data, errcode, error, options.contentType));
    this.httpStatus = httpStatus;
    this.errcode = errcode;
    this.error = error;
    this.data = data;
    this.retryAfterMs = retryAfterFromBody(body) ?? parseRetryAfterHeader(options.retryAfterHeader, options.now);
  }
}

/** The message: status, errcode and the server's text, or why there was no Matrix error body. */
function describe(status: number, data: unknown, errcode: string | undefined, error: string | undefined, contentType: string | null | undefined): string {
  if (data === undefined) {
    const type = contentType ? contentType.split(';')[0]!.trim() : 'no content type';
    return `HTTP ${status}: the response body is not JSON (${type})`;
  }
  if (errcode || error) return `HTTP ${status}${errcode ? ` ${errcode}` : ''}: ${error ?? 'request failed'}`;
  return `HTTP ${status}: request failed`;
}

function retryAfterFromBody(body: Record<string, unknown> | undefined): number | undefined {
  const v = body?.retry_after_ms;
  return typeof v === 'number' && Number.isFinite(v) && v >= 0 ? Math.min(v, MAX_RETRY_AFTER_MS) : undefined;
}

/**
 * Reads a Retry-After header: delay-seconds (`"3"`) or an HTTP date (`"Wed, 21 Oct 2015 07:28:00 GMT"`).
 *
 * @param now - the current time in ms, for dates (default `Date.now()`).
 * @returns the wait in ms (0 for a date in the past), or `undefined` when absent or unreadable.
 */
export function parseRetryAfterHeader(value: string | null | undefined, now: number = Date.now()): number | undefined {
  if (value === null || value === undefined) return undefined;
  const v = value.trim();
  if (v === '') return undefined;
  if (/^\d+$/.test(v)) return Math.min(Number(v) * 1000, MAX_RETRY_AFTER_MS);
  // Only the date forms contain letters; a bare "-3" or "1.5" is not a valid header either way.
  if (!/[a-z]/i.test(v)) return undefined;
  const at = Date.parse(v);
  if (Number.isNaN(at)) return undefined;
  return Math.min(Math.max(0, at - now), MAX_RETRY_AFTER_MS);
}

/** Type guard for {@link MatrixHttpError}. */
export function isMatrixHttpError(e: unknown): e is MatrixHttpError {
  return e instanceof MatrixHttpError;
}
