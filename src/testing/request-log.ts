/**
 * The request log: every request the simulator answered, with secrets redacted so a test can
 * print or snapshot it safely (and assert that a client never sent a password twice, say).
 */
import { isObject } from './json-values';

/** Body keys whose values are replaced by `"[redacted]"`. */
export const REDACTED_KEYS: readonly string[] = ['password', 'token', 'response', 'new_password', 'client_secret', 'access_token'];

/** One answered request. */
export interface RequestLogEntry {
  /** HTTP method of the request. */
  method: string;
  /** Path with query; an `access_token` query parameter is redacted. */
  path: string;
  /** The parsed body with secrets redacted (`undefined` when empty). */
  body: unknown;
  /** Whether an access token came with it (header or query). */
  authenticated: boolean;
  /** HTTP status of the answer. */
  status: number;
  /** When it arrived (server clock). */
  time: number;
}

/** A deep copy of a JSON value with every {@link REDACTED_KEYS} value replaced. */
export function redact(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redact);
  if (!isObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = REDACTED_KEYS.includes(k) ? '[redacted]' : redact(v);
  return out;
}

/** The path with an `access_token` query parameter redacted. */
export function redactPath(path: string): string {
  return path.replace(/([?&]access_token=)[^&]*/g, '$1[redacted]');
}
