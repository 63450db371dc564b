/**
 * Session binding: a UIA session belongs to the one request it authorises.
 *
 * The spec ties a session to its request: a homeserver may refuse a session completed for one
 * request when it is presented with another (Synapse answers 403 "Requested operation has
 * changed during the UI authentication session"), which users read as a wrong password. An app
 * that saves a session to resume it (email link opened later, page reloaded) saves the request's
 * fingerprint with it; on resume, the chart compares it with the fingerprint of the request it is
 * about to authorise and refuses a mismatch with a clear `SessionMismatchError` before anything
 * is sent.
 *
 * The fingerprint is SHA-256 (Web Crypto, `globalThis.crypto.subtle`) over the method, the path
 * and the canonical JSON of the body without its `auth` (which changes at every round trip):
 * object keys sorted, no whitespace. It carries no body content, so it may be stored anywhere.
 */
import { redactSecrets } from '../secrets/sanitize';
import { SessionMismatchError } from '../errors/errors';

/** The request a session authorises. */
export interface BoundRequest {
  /** HTTP method, any case (`POST`, `delete`). */
  method: string;
  /** Path of the endpoint, e.g. `/_matrix/client/v3/account/password`. A query string counts. */
  path: string;
  /** The JSON body; its top-level `auth` is ignored. */
  body?: unknown;
}

/** Prefix of a fingerprint: names the scheme, so a future one cannot be confused with it. */
const SCHEME = 'uia-fp1:';

/**
 * JSON text with object keys sorted at every level and no whitespace: the same value always
 * gives the same text, whatever order its keys were built in. `undefined` members are dropped
 * as `JSON.stringify` drops them; non-finite numbers become `null` as they do there.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    const text = JSON.stringify(value);
    return text === undefined ? 'null' : text;
  }
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return canonicalJson((value as { toJSON: () => unknown }).toJSON());
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined || typeof v === 'function' ? 'null' : canonicalJson(v))).join(',')}]`;
  const entries = Object.keys(value)
    .sort()
    .filter((k) => {
      const v = (value as Record<string, unknown>)[k];
      return v !== undefined && typeof v !== 'function' && typeof v !== 'symbol';
    })
    .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`);
  return `{${entries.join(',')}}`;
}

/**
 * The body without its top-level `auth`, credentials replaced by a marker: the fingerprint is
 * persisted, and an unsalted hash of a new password would let a snapshot's reader guess it.
 */
function withoutAuth(body: unknown): unknown {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return body ?? null;
  const { auth, ...rest } = body as Record<string, unknown>;
  void auth;
  return redactSecrets(rest);
}

/**
 * The fingerprint of a request: `uia-fp1:` and the hex SHA-256 of method, path and canonical body
 * (without `auth`). Save it with a session; pass it back as `sessionFingerprint` on resume, next
 * to `requestFingerprint` of the request being made now.
 */
export async function requestFingerprint(request: BoundRequest): Promise<string> {
  const text = `${request.method.toUpperCase()}\n${request.path}\n${canonicalJson(withoutAuth(request.body))}`;
  const digest = await globalThis.crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return SCHEME + Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * Compares the fingerprint saved with a session with the one of the request about to use it.
 *
 * @returns `null` when they match or either is unknown (nothing to compare), else the
 *   `SessionMismatchError` to report.
 */
export function checkSessionBinding(sessionFingerprint: string | undefined, requestFp: string | undefined): SessionMismatchError | null {
  if (sessionFingerprint === undefined || requestFp === undefined || sessionFingerprint === requestFp) return null;
  // The class's own message says it: a session resumed for another request.
  return new SessionMismatchError();
}

/**
 * Checks a persisted snapshot (`actor.getPersistedSnapshot()`) before restoring it for a request:
 * throws `SessionMismatchError` when the snapshot's session was bound to another request.
 * A snapshot without a fingerprint (none was given when it was made) passes.
 */
export function assertSnapshotBinding(snapshot: unknown, requestFp: string): void {
  const context = (snapshot as { context?: { settings?: { requestFingerprint?: unknown }; requestFingerprint?: unknown } } | null)?.context;
  // `settings.requestFingerprint`; snapshots saved before the settings were grouped hold it at the top.
  const saved = context?.settings?.requestFingerprint ?? context?.requestFingerprint;
  const error = checkSessionBinding(typeof saved === 'string' ? saved : undefined, requestFp);
  if (error) throw error;
}
