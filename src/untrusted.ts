/**
 * What the library keeps of untrusted data: a server's error body, a transport's error.
 *
 * Such data is stored (in a snapshot's `error`, a thrown `EndpointError` or `NetworkError`),
 * shown and logged, so it is copied once, where it enters (the request actor), into plain JSON
 * data that is safe to keep:
 *
 * - bounded: a copy longer than `max` characters of JSON is replaced by its `errcode` and `error`
 *   alone (a 10 MB body was kept whole), and a body nested too deep to serialise (100,000 levels
 *   made `JSON.stringify` of the error and of the persisted snapshot throw) is not kept at all;
 * - plain: no getter, Proxy, cycle or class instance survives the copy, so reading it later
 *   cannot throw. An error becomes `{name, message, cause, ...its own fields}`;
 * - redacted: a value under a credential key (`isSecretKey`: `password`, `new_password`,
 *   `authorization`, ...) is `[redacted]`, inside errors and their `cause` too, and so is any
 *   string that holds one of the secrets just sent (a server echoing the password in its
 *   `error` text). A string ending in JSON (an axios error's `config.data` is the request body
 *   as text) is redacted inside.
 */
import { LIMITS } from './limits';
import { isSecretKey, REDACTED } from './secret-keys';

/**
 * A bounded, plain, redacted copy of `value` (see the module comment); never throws.
 *
 * @param secrets - values to cut out of every string (the credentials of the request just made).
 * @param max - most characters of JSON kept (a 401 is validated by its own limits, src/limits.ts,
 *   and may be larger than an error body).
 */
export function keepUntrusted(value: unknown, secrets: readonly string[], max: number = LIMITS.maxKeptChars): unknown {
  const seen = new WeakSet<object>();
  try {
    const json = JSON.stringify(value, (key, v: unknown) => {
      if (key && isSecretKey(key) && v) return REDACTED;
      if (typeof v === 'string') {
        for (const secret of secrets) v = (v as string).split(secret).join(REDACTED);
        const s = v as string;
        // Text ending in JSON ("failed: {...}", a request body kept as text): redacted inside.
        const at = s.search(/[[{]/);
        if (at >= 0) {
          try {
            return s.slice(0, at) + JSON.stringify(keepUntrusted(JSON.parse(s.slice(at)), secrets, max));
          } catch {
            // not JSON after all
          }
        }
        return s;
      }
      if (typeof v !== 'object' || v === null) return v;
      // Seen before: a cycle (a transport's request and socket point at each other) or a repeat.
      if (seen.has(v)) return '[cycle]';
      seen.add(v);
      // Not the stack: its first line repeats the message unredacted.
      return v instanceof Error ? { ...v, name: v.name, message: v.message, cause: v.cause } : v;
    });
    if (json === undefined) return undefined;
    const data = JSON.parse(json) as { errcode?: unknown; error?: unknown } | null;
    return json.length > max ? { errcode: data?.errcode, error: data?.error } : data;
  } catch {
    // Nested too deep to serialise (a RangeError): nothing of it is kept.
    return undefined;
  }
}

/** The credentials in an auth dict (values under secret keys), to cut out of what comes back. */
export function secretsOf(auth: unknown): string[] {
  const found: string[] = [];
  JSON.stringify(auth, (key, v: unknown) => {
    // Short values (a 1-character code) would redact unrelated text; they are cut by key only.
    if (typeof v === 'string' && v.length > 3 && isSecretKey(key)) found.push(v);
    return v;
  });
  return found;
}
