/**
 * Client secrets for third-party identifier validation.
 */

const CHARS = '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.=_-';
/** The spec's grammar for `client_secret`: `[0-9a-zA-Z.=_-]`, 1 to 255 characters. */
const CLIENT_SECRET_RE = /^[0-9a-zA-Z.=_-]{1,255}$/;

/**
 * A fresh client secret: 32 characters from the spec's charset, from `crypto.getRandomValues`.
 *
 * Rejection sampling keeps every character equally likely (66 does not divide 256).
 */
export function generateClientSecret(length = 32): string {
  const out: string[] = [];
  const limit = 256 - (256 % CHARS.length);
  const buf = new Uint8Array(length * 2);
  while (out.length < length) {
    globalThis.crypto.getRandomValues(buf);
    for (const b of buf) {
      if (b < limit) out.push(CHARS[b % CHARS.length]!);
      if (out.length === length) break;
    }
  }
  return out.join('');
}

/** Whether a string is a valid `client_secret` by the spec's grammar. */
export function isValidClientSecret(secret: string): boolean {
  return CLIENT_SECRET_RE.test(secret);
}
