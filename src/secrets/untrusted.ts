/**
 * What the library keeps of a server's error body.
 *
 * An error body is stored (a snapshot's `error`, a thrown `EndpointError`), shown and logged, so
 * the request actor copies it once, where it enters, into plain JSON data that is safe to keep:
 *
 * - bounded: a copy longer than `max` characters of JSON is replaced by its `errcode` and `error`
 *   alone (a 10 MB body was kept whole), and a body nested too deep to serialise (100,000 levels
 *   made `JSON.stringify` of the error and of the persisted snapshot throw) is not kept at all;
 * - plain: no getter, Proxy, cycle or class instance survives the copy, so reading it later
 *   cannot throw;
 * - redacted: a value under a credential key (`isSecretKey`: `password`, `new_password`,
 *   `authorization`, ...) is `[redacted]` (a 400 that echoes the `auth` dict), inside text that
 *   ends in JSON too (`"error": "cannot use {\"password\": ...}"`).
 *
 * A transport error (no answer) is not copied here: `NetworkError` keeps it as its `cause` only
 * when it holds nothing but its description, else a plain copy of that description
 * (src/secrets/transport-fault.ts); the inspection sanitizer redacts inside errors, causes and
 * JSON text too (src/secrets/sanitize.ts).
 */
import { MAX_KEPT_CHARS } from '../decisions/limits';
import { isSecretKey, redactJsonInText, REDACTED } from './secret-keys';

/**
 * A bounded, plain, redacted copy of an error body (see the module comment); never throws.
 *
 * @param max - most characters of JSON kept (a 401 is validated by its own limits, src/decisions/limits.ts,
 *   and may be larger than an error body).
 */
export function keepUntrusted(value: unknown, max: number = MAX_KEPT_CHARS): unknown {
  const inner = (v: unknown) => keepUntrusted(v, max);
  try {
    const json = JSON.stringify(value, (key, v: unknown) => {
      if (isSecretKey(key) && v) return REDACTED;
      // Text ending in JSON (`"error": "bad auth {...}"`, a body echoed as text): redacted inside.
      return typeof v === 'string' ? redactJsonInText(v, inner) : v;
    });
    const data = json === undefined ? undefined : (JSON.parse(json) as { errcode?: unknown; error?: unknown } | null);
    return json && json.length > max ? { errcode: data?.errcode, error: data?.error } : data;
  } catch {
    // Nested too deep to serialise (a RangeError), a cycle, a throwing getter: nothing is kept.
    return undefined;
  }
}
