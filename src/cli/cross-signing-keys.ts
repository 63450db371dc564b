/**
 * Fresh cross-signing keys for `matrix-uia reset-cross-signing`: a master key, and self-signing
 * and user-signing keys signed by it, as the spec's `CrossSigningKey` objects.
 *
 * Ed25519 from `node:crypto`; signatures over canonical JSON (sorted keys, no whitespace) of the
 * object without `signatures` and `unsigned`, in unpadded base64, as the spec's "Signing JSON"
 * section says. The private keys are returned for the caller to keep or drop; the CLI drops them
 * (a reset: the user's client sets cross-signing up again and verifies afresh).
 */
import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import type { CrossSigningKey, CrossSigningKeys } from '../fetch';

/** Canonical JSON as the Matrix spec defines it. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

function unpaddedBase64(buf: Buffer): string {
  return buf.toString('base64').replace(/=+$/, '');
}

interface Ed25519Key {
  publicKey: string;
  privateKey: KeyObject;
}

function newKey(): Ed25519Key {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  // The raw 32-byte public key is the last 32 bytes of its SPKI DER encoding.
  const raw = publicKey.export({ type: 'spki', format: 'der' }).subarray(-32);
  return { publicKey: unpaddedBase64(raw), privateKey };
}

function keyObject(userId: string, usage: string, key: Ed25519Key): CrossSigningKey {
  return { user_id: userId, usage: [usage], keys: { [`ed25519:${key.publicKey}`]: key.publicKey } };
}

/** Signs a JSON object with a key, adding to its `signatures`. */
export function signJson<T extends { signatures?: Record<string, Record<string, string>> }>(obj: T, userId: string, keyId: string, privateKey: KeyObject): T {
  const { signatures, ...rest } = obj;
  delete (rest as Record<string, unknown>).unsigned;
  const sig = unpaddedBase64(sign(null, Buffer.from(canonicalJson(rest), 'utf8'), privateKey));
  return { ...obj, signatures: { ...(signatures ?? {}), [userId]: { ...(signatures?.[userId] ?? {}), [keyId]: sig } } };
}

/** A new set of cross-signing keys for `userId`, ready for `uploadCrossSigningKeys`. */
export function generateCrossSigningKeys(userId: string): { keys: Required<CrossSigningKeys>; masterPublicKey: string } {
  const master = newKey();
  const selfSigning = newKey();
  const userSigning = newKey();
  const masterKeyId = `ed25519:${master.publicKey}`;
  return {
    masterPublicKey: master.publicKey,
    keys: {
      master_key: keyObject(userId, 'master', master),
      self_signing_key: signJson(keyObject(userId, 'self_signing', selfSigning), userId, masterKeyId, master.privateKey),
      user_signing_key: signJson(keyObject(userId, 'user_signing', userSigning), userId, masterKeyId, master.privateKey),
    },
  };
}
