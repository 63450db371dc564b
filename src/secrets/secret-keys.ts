/**
 * Which keys name a credential, and what a redacted value becomes. Its own module so that the
 * request actor (src/secrets/untrusted.ts) and the inspection sanitizer (src/secrets/sanitize.ts) share one
 * rule without the core bundling the sanitizer.
 */

/**
 * Whether a key names a credential: compared without case, `_` or `-`, any key ending in
 * `password`, `token` or `secret` (password, new_password, newPassword, token,
 * registrationToken, access_token, refresh_token, id_access_token, login_token, client_secret,
 * clientSecret, ...), and `response` (captcha), `code` (SMS) and `authorization` (an HTTP header
 * with the access token, as transport errors carry it). A key with a dot is a stage type
 * (`m.login.password`, a 401's `params` key), never a credential. A pattern rather than a list, so a
 * credential field the library has not heard of (an extension's `*_token`) is redacted too.
 */
export function isSecretKey(key: string): boolean {
  return /^[^.]*(password|token|secret)$|^(response|code|authorization)$/.test(key.toLowerCase().replace(/[-_]/g, ''));
}

/** What a redacted value is replaced with. */
export const REDACTED = '[redacted]';
