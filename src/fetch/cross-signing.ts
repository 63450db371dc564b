/**
 * `uploadCrossSigningKeys`: `POST /keys/device_signing/upload` with UIA.
 *
 * Replacing existing keys ("reset cross-signing") needs UIA; on servers with next-generation
 * auth the stage is `m.oauth` (or `org.matrix.cross_signing_reset`): the user approves on the
 * account page and the chart polls until the server reports it done.
 */
import type { MatrixClient } from './client';
import { runEndpoint, type EndpointCall, type UiaHelperOptions } from './endpoint';
import { V3 } from './paths';

/**
 * A cross-signing key as the spec describes it (`CrossSigningKey`). A type alias, not an
 * interface, so it is assignable to `Record<string, unknown>` (JSON helpers, simulator seeds).
 */
export type CrossSigningKey = {
  /** The user the key belongs to. */
  user_id: string;
  /** What the key is for: `master`, `self_signing` or `user_signing`. */
  usage: string[];
  /** The public key, keyed by `ed25519:<unpadded base64 key>`. */
  keys: Record<string, string>;
  /** Signatures of this key by user id then key id (required except for the master key). */
  signatures?: Record<string, Record<string, string>>;
};

/** The keys to upload; each is optional. */
export interface CrossSigningKeys {
  /** The new master key. */
  master_key?: CrossSigningKey;
  /** The new self-signing key, signed by the master key. */
  self_signing_key?: CrossSigningKey;
  /** The new user-signing key, signed by the master key. */
  user_signing_key?: CrossSigningKey;
}

/** The call `uploadCrossSigningKeys` authorises. */
export function uploadCrossSigningKeysCall(keys: CrossSigningKeys): EndpointCall<Record<string, never>> {
  return { method: 'POST', path: `${V3}/keys/device_signing/upload`, body: { ...keys }, tokenEndpoint: 'password', oauth: true };
}

/**
 * Uploads (or replaces) the account's cross-signing keys. Resolves with `{}`.
 *
 * On a server that delegates auth the reset is approved on the account page (`m.oauth`): give
 * `uia.handlers.external` to open `url` for the user and resolve when they say they approved;
 * the chart also checks by itself (at least 500 ms apart; `OAUTH_POLLING` unless `uia.polling`
 * is given) and rejects with `TimeoutError` when it gives up.
 */
export function uploadCrossSigningKeys(client: MatrixClient, keys: CrossSigningKeys, uia: UiaHelperOptions<Record<string, never>> = {}): Promise<Record<string, never>> {
  return runEndpoint(client, uploadCrossSigningKeysCall(keys), uia);
}
