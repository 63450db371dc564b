/**
 * What the library keeps of untrusted data: a server's error body, a transport's error.
 *
 * Such data is stored (in a snapshot's `error`, a thrown `EndpointError` or `NetworkError`),
 * shown and logged, so it is copied once, where it enters (the request actor), into something
 * safe to keep:
 *
 * - bounded: at most `LIMITS.maxKeptDepth` levels and `LIMITS.maxKeptChars` characters of keys
 *   and strings; beyond that the copy says `[truncated]` (a body nested 100,000 deep made
 *   `JSON.stringify` throw, a 10 MB body was kept whole);
 * - plain: no getter, Proxy or cycle survives the copy, so reading it later cannot throw;
 * - redacted: a value under a credential key (`isSecretKey`: `password`, `new_password`, ...) is
 *   `[redacted]`, inside errors and their `cause` too, and so is any string that holds one of
 *   the secrets just sent (a server echoing the password in its `error` text). A string ending
 *   in JSON (an axios error's `config.data` is the request body as text) is redacted inside.
 *
 * Errors are copied with their prototype, `name`, `message` and `cause` (not the stack, whose
 * first line repeats the message), so `instanceof` and `.name` still work on the copy.
 */
import { LIMITS } from './limits';
import { isSecretKey, REDACTED } from './secret-keys';

const TRUNCATED = '[truncated]';

/**
 * A bounded, plain, redacted copy of `value` (see the module comment); never throws.
 *
 * @param secrets - values to cut out of every string (the credentials of the request just made).
 */
export function keepUntrusted(value: unknown, secrets: readonly string[] = []): unknown {
  let left: number = LIMITS.maxKeptChars;
  const text = (s: string): string => {
    for (const secret of secrets) s = s.split(secret).join(REDACTED);
    const t = s.length > left ? s.slice(0, Math.max(left, 0)) + TRUNCATED : s;
    left -= t.length;
    return t;
  };
  const copy = (v: unknown, depth: number): unknown => {
    if (typeof v === 'string') {
      // Text ending in JSON ("wrapped: {...}", a body kept as text): redacted inside.
      const at = v.search(/[[{]/);
      if (at >= 0) {
        try {
          return text(v.slice(0, at)) + JSON.stringify(copy(JSON.parse(v.slice(at)), depth + 1));
        } catch {
          // not JSON after all
        }
      }
      return text(v);
    }
    if (typeof v !== 'object' || v === null) return typeof v === 'function' || typeof v === 'symbol' ? undefined : v;
    if (depth >= LIMITS.maxKeptDepth || left <= 0 || ArrayBuffer.isView(v)) return TRUNCATED;
    if (Array.isArray(v)) {
      const out: unknown[] = [];
      for (let i = 0; i < v.length && left > 0; i++, left--) out.push(copy(v[i], depth + 1));
      return out;
    }
    const isError = v instanceof Error;
    // A DOMException's fields are getters that throw on a copy: it becomes a plain Error.
    const proto = typeof DOMException === 'function' && v instanceof DOMException ? Error.prototype : (Object.getPrototypeOf(v) as object);
    const out: Record<string, unknown> = isError ? Object.create(proto) : {};
    // Not the stack: its first line repeats the message unredacted.
    const keys = isError ? ['name', 'message', 'cause', ...Object.keys(v)] : Object.keys(v);
    for (const k of keys) {
      if (left <= 0) break;
      left -= k.length;
      try {
        const item = (v as Record<string, unknown>)[k];
        // Own, enumerable: assigned with `defineProperty`, so a key `__proto__` stays a key.
        if (item !== undefined) {
          Object.defineProperty(out, k, { value: isSecretKey(k) && item !== null && item !== '' ? REDACTED : copy(item, depth + 1), enumerable: true, writable: true, configurable: true });
        }
      } catch {
        // a throwing getter: the key is left out
      }
    }
    return out;
  };
  try {
    return copy(value, 0);
  } catch {
    return undefined;
  }
}

/** The credentials in an auth dict (values under secret keys), to cut out of what comes back. */
export function secretsOf(auth: unknown): string[] {
  const found: string[] = [];
  const walk = (v: unknown, depth: number) => {
    if (typeof v !== 'object' || v === null || depth > 4) return;
    for (const [k, item] of Object.entries(v)) {
      // Short values (a 1-character code) would redact unrelated text; they are cut by key only.
      if (typeof item === 'string' && item.length >= 4 && isSecretKey(k)) found.push(item);
      else walk(item, depth + 1);
    }
  };
  walk(auth, 0);
  return found;
}
