/**
 * Redaction of credentials from anything that leaves the library for observation: XState
 * inspection events (the inspector, loggers) and arbitrary values about to be logged.
 *
 * Values are matched by key name, so a password is redacted wherever it sits (a user event, an
 * auth dict, a stage's context); sealed values print as their marker. Actor references are kept as
 * they are (the inspector needs them) and not walked into.
 */
import type { InspectionEvent, Observer } from 'xstate';
import { SANITIZED, type SanitizedInspector } from './sanitized-inspector';
import { isSecretKey, redactJsonInText, REDACTED } from './secret-keys';
import { Sealed } from './secret';

export { isSecretKey, REDACTED } from './secret-keys';

function isActorRef(v: object): boolean {
  return 'sessionId' in v && 'send' in v && typeof (v as { send: unknown }).send === 'function';
}

/**
 * A deep copy of `value` with every credential replaced by `[redacted]`, inside errors (and
 * their `cause`) and inside strings that hold JSON too. Functions, actor refs and class instances
 * other than plain objects, arrays and errors are kept by reference.
 */
export function redactSecrets<T>(value: T, seen: WeakMap<object, unknown> = new WeakMap()): T {
  if (value instanceof Sealed) return '[sealed]' as unknown as T;
  if (typeof value !== 'object' || value === null) return value;
  if (seen.has(value)) return seen.get(value) as T;
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    seen.set(value, out);
    for (const v of value) out.push(redactSecrets(v, seen));
    return out as unknown as T;
  }
  if (value instanceof Error) return redactError(value, seen) as T;
  const proto = Object.getPrototypeOf(value);
  if ((proto !== Object.prototype && proto !== null) || isActorRef(value)) return value;
  const out: Record<string, unknown> = {};
  seen.set(value, out);
  for (const [k, v] of Object.entries(value)) {
    out[k] = isSecretKey(k) && v !== null && v !== undefined && v !== '' ? REDACTED : typeof v === 'string' ? redactJsonText(v) : redactSecrets(v, seen);
  }
  return out as T;
}

/**
 * A copy of an error with its prototype (so `instanceof` and `name` still work), its message,
 * stack and `cause`, and its own fields (an `EndpointError`'s `data`, an axios error's `config`),
 * all redacted: a server echoing the auth dict, or a transport error holding the request body,
 * must not carry the password to an inspector.
 */
function redactError(error: Error, seen: WeakMap<object, unknown>): Error {
  const out = Object.create(Object.getPrototypeOf(error) as object) as Record<string, unknown>;
  seen.set(error, out);
  for (const k of new Set(['name', 'message', 'stack', 'cause', ...Object.getOwnPropertyNames(error)])) {
    let v: unknown;
    try {
      v = (error as unknown as Record<string, unknown>)[k];
    } catch {
      continue;
    }
    if (v === undefined) continue;
    out[k] = isSecretKey(k) && v !== null && v !== '' ? REDACTED : typeof v === 'string' ? redactJsonText(v) : redactSecrets(v, seen);
  }
  // The stack's first line repeats the message: the redacted message goes there too.
  if (typeof out.stack === 'string' && typeof error.message === 'string' && error.message) out.stack = out.stack.split(error.message).join(String(out.message));
  return out as unknown as Error;
}

/** `redactSecrets` of one parsed value, made once (this runs for every string of every event). */
const redactParsed = (value: unknown): unknown => redactSecrets(value);

/** Text ending in JSON (a request body kept as a string) with its credentials redacted; other text as is. */
function redactJsonText(text: string): string {
  return redactJsonInText(text, redactParsed);
}

/** A snapshot-like object with its data redacted and its methods (matches, can, ...) kept. */
function redactSnapshot<S>(snapshot: S): S {
  if (typeof snapshot !== 'object' || snapshot === null) return snapshot;
  const s = snapshot as Record<string, unknown>;
  // `error`: a failed request actor's snapshot holds the transport's error (an axios error holds the body).
  return { ...s, context: redactSecrets(s.context), output: redactSecrets(s.output), input: redactSecrets(s.input), error: redactSecrets(s.error) } as S;
}

/**
 * An inspection event safe to hand to the XState inspector or a logger: its event, snapshot and
 * action params are redacted.
 */
export function sanitizeInspectionEvent(event: InspectionEvent): InspectionEvent {
  const e = event as InspectionEvent & Record<string, unknown>;
  const out: Record<string, unknown> = { ...e };
  if ('event' in e) out.event = redactSecrets(e.event);
  if ('snapshot' in e) out.snapshot = redactSnapshot(e.snapshot);
  if ('action' in e && e.action && typeof e.action === 'object') {
    const action = e.action as { type: unknown; params: unknown };
    out.action = { ...action, params: redactSecrets(action.params) };
  }
  return out as unknown as InspectionEvent;
}

/**
 * Wraps an inspection observer (a function, an `Observer`, or the Stately inspector's
 * `inspect`) so that it only ever sees sanitized events: pass the result as
 * `createUiaActor({ inspect })`.
 */
export function sanitizedInspector(observer: Observer<InspectionEvent> | ((event: InspectionEvent) => void)): SanitizedInspector {
  const next = typeof observer === 'function' ? observer : (e: InspectionEvent) => observer.next?.(e);
  const inspect = (e: InspectionEvent) => next(sanitizeInspectionEvent(e));
  return Object.assign(inspect, { [SANITIZED]: true as const });
}
