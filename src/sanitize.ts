/**
 * Redaction of credentials from anything that leaves the library for observation: XState
 * inspection events (the inspector, loggers) and arbitrary values about to be logged.
 *
 * Values are matched by key name, so a password is redacted wherever it sits (a user event, an
 * auth dict, a stage's context); sealed values print as their marker. Actor references are kept as
 * they are (the inspector needs them) and not walked into.
 */
import type { InspectionEvent } from 'xstate';
import { Sealed } from './secret';

/** Keys whose values are credentials. Compared case-insensitively. */
export const SECRET_KEYS: ReadonlySet<string> = new Set(
  [
    'password',
    'new_password',
    'newPassword',
    'token',
    'registrationToken',
    'response',
    'code',
    'access_token',
    'accessToken',
    'refresh_token',
    'client_secret',
    'clientSecret',
    'id_access_token',
    'login_token',
  ].map((k) => k.toLowerCase()),
);

/** What a redacted value is replaced with. */
export const REDACTED = '[redacted]';

function isActorRef(v: object): boolean {
  return 'sessionId' in v && 'send' in v && typeof (v as { send: unknown }).send === 'function';
}

/**
 * A deep copy of `value` with every credential replaced by `[redacted]`. Functions, errors,
 * actor refs and class instances other than plain objects and arrays are kept by reference.
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
  const proto = Object.getPrototypeOf(value);
  if ((proto !== Object.prototype && proto !== null) || isActorRef(value)) return value;
  const out: Record<string, unknown> = {};
  seen.set(value, out);
  for (const [k, v] of Object.entries(value)) {
    out[k] = SECRET_KEYS.has(k.toLowerCase()) && v !== null && v !== undefined && v !== '' ? REDACTED : redactSecrets(v, seen);
  }
  return out as T;
}

/** A snapshot-like object with its data redacted and its methods (matches, can, ...) kept. */
function redactSnapshot<S>(snapshot: S): S {
  if (typeof snapshot !== 'object' || snapshot === null) return snapshot;
  const s = snapshot as Record<string, unknown>;
  return { ...s, context: redactSecrets(s.context), output: redactSecrets(s.output), input: redactSecrets(s.input) } as S;
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
