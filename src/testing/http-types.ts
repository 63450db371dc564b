/**
 * The request and response shapes the simulator's in-process handler speaks, and small builders
 * for JSON errors and HTML pages. Kept free of Node's `http` types so the same handler serves the
 * real socket, the `fetch` adapter and direct calls from tests.
 */

/** A request as given to {@link Homeserver.handle}: what an HTTP request carries, nothing more. */
export interface SimRequest {
  /** HTTP method, e.g. `POST`. */
  method: string;
  /** Path with its query string, e.g. `/_matrix/client/v3/register?kind=user`. */
  path: string;
  /** Header names in any case; arrays as Node gives them for repeated headers. */
  headers?: Record<string, string | string[] | undefined>;
  /** A JSON string, a form-encoded string, or an already-parsed JSON value. */
  body?: unknown;
}

/** A response from the in-process handler. `body` is the parsed JSON value, or the HTML text. */
export interface SimResponse {
  /** HTTP status code. */
  status: number;
  /** Response headers by name; CORS headers are added when sent. */
  headers: Record<string, string>;
  /** JSON-serialisable body (`undefined` for none). */
  body: unknown;
}

/** The request after parsing, as route handlers see it. */
export interface ParsedRequest {
  method: string;
  /** Path without the query string, still percent-encoded. */
  path: string;
  /** Path with the query string, as received. */
  rawPath: string;
  query: URLSearchParams;
  /** Lower-cased header names. */
  headers: Record<string, string>;
  /** Parsed JSON value, form fields as an object, or `undefined` for an empty body. */
  body: unknown;
}

/** A JSON response. */
export function json(status: number, body: unknown, headers: Record<string, string> = {}): SimResponse {
  return { status, headers: { 'Content-Type': 'application/json', ...headers }, body };
}

/** A Matrix error body `{errcode, error, ...extra}`. */
export function matrixError(status: number, errcode: string, error: string, extra: Record<string, unknown> = {}): SimResponse {
  return json(status, { errcode, error, ...extra });
}

/** An HTML page. */
export function html(status: number, markup: string): SimResponse {
  return { status, headers: { 'Content-Type': 'text/html; charset=utf-8' }, body: markup };
}

/** Narrowing for handlers that return either a value or an error response early. */
export function isResponse(value: unknown): value is SimResponse {
  return typeof value === 'object' && value !== null && 'status' in value && 'headers' in value && 'body' in value;
}

/** Serialises a response body for the wire: JSON values as JSON, strings (HTML) as they are. */
export function serializeBody(res: SimResponse): string {
  const type = res.headers['Content-Type'] ?? '';
  if (type.startsWith('application/json')) return JSON.stringify(res.body);
  return typeof res.body === 'string' ? res.body : JSON.stringify(res.body);
}
