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
  user_id: string;
  usage: string[];
  keys: Record<string, string>;
  signatures?: Record<string, Record<string, string>>;
};

/** The keys to upload; each is optional. */
export interface CrossSigningKeys {
  master_key?: CrossSigningKey;
  self_signing_key?: CrossSigningKey;
  user_signing_key?: CrossSigningKey;
}

/** The call `uploadCrossSigningKeys` authorises. */
export function uploadCrossSigningKeysCall(keys: CrossSigningKeys): EndpointCall<Record<string, never>> {
  return { method: 'POST', path: `${V3}/keys/device_signing/upload`, body: { ...keys }, tokenEndpoint: 'password' };
}

/** Uploads (or replaces) the account's cross-signing keys. Resolves with `{}`. */
export function uploadCrossSigningKeys(client: MatrixClient, keys: CrossSigningKeys, uia: UiaHelperOptions<Record<string, never>> = {}): Promise<Record<string, never>> {
  return runEndpoint(client, uploadCrossSigningKeysCall(keys), uia);
}
