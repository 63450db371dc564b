/**
 * Random identifiers shaped like Synapse's (24-letter session ids, 16-letter sids, 10-letter
 * device ids, `syt_` access tokens), so logs and recordings look alike. Randomness comes from
 * `node:crypto`: ids must not collide across the many sessions a fuzzing test opens.
 */
import { randomInt } from 'node:crypto';

const LETTERS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';

function pick(alphabet: string, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += alphabet[randomInt(alphabet.length)];
  return out;
}

/** A UIA session id. */
export const newSessionId = (): string => pick(LETTERS, 24);
/** A 3PID validation session id. */
export const newSid = (): string => pick(LETTERS, 16);
/** A device id. */
export const newDeviceId = (): string => pick(UPPER, 10);
/** A token sent by email (long, goes in a link). */
export const newEmailToken = (): string => pick(LETTERS, 32);
/** A code sent by SMS (short, typed by a person). */
export const newSmsCode = (): string => pick('0123456789', 6);
/** An access token that names its user, as Synapse's `syt_<base64 localpart>_<random>` do. */
export function newAccessToken(localpart: string): string {
  return `syt_${Buffer.from(localpart).toString('base64url')}_${pick(LETTERS, 20)}`;
}
/** A random registration token (admin API without an explicit token). */
export const newRegistrationToken = (length = 16): string => pick(LETTERS + '0123456789', length);
