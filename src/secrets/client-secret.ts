/**
 * Client secrets for third-party identifier validation.
 */

/** The spec's grammar for `client_secret`: `[0-9a-zA-Z.=_-]`, 1 to 255 characters. */
const CLIENT_SECRET_RE = /^[0-9a-zA-Z.=_-]{1,255}$/;

/**
 * Random bytes drawn ahead for secrets (512: about a dozen secrets), and how many are spent. One
 * `crypto.getRandomValues` per secret was about 6% of the drop-in's CPU per negotiation (it makes
 * a secret in its constructor, as matrix-js-sdk does); Node's `crypto.randomUUID()` keeps an
 * entropy cache for the same reason. A spent byte is zeroed, so the pool holds only bytes no
 * secret has used. `null` until the first secret: a top-level allocation would stay in every
 * app's bundle (the core imports this module for `isValidClientSecret`).
 */
let pool: Uint8Array | null = null;
let spent = 0;

/**
 * A fresh client secret: 32 characters from the spec's charset, from `crypto.getRandomValues`.
 *
 * Rejection sampling keeps every character equally likely (66 does not divide 256: bytes of 198
 * and above are drawn again).
 */
export function generateClientSecret(length = 32): string {
  // Built rather than spelt out (the letters once, their capitals derived), and here rather than at
  // the top: a bundler keeps a top-level `toUpperCase()` call in apps that only validate secrets.
  const letters = 'abcdefghijklmnopqrstuvwxyz';
  const chars = '0123456789' + letters + letters.toUpperCase() + '.=_-';
  let out = '';
  while (out.length < length) {
    if (!pool || spent === pool.length) {
      pool = globalThis.crypto.getRandomValues(new Uint8Array(512));
      spent = 0;
    }
    const b = pool[spent]!;
    pool[spent++] = 0;
    if (b < 198) out += chars[b % 66];
  }
  return out;
}

/** Whether a string is a valid `client_secret` by the spec's grammar. */
export function isValidClientSecret(secret: string): boolean {
  return CLIENT_SECRET_RE.test(secret);
}
