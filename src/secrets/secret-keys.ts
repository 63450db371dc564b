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

/**
 * Text that ends in JSON (`"error": "bad auth {...}"`, a body echoed as text, `"[auth] {...}"`)
 * with the JSON replaced by `redact` of its parsed value. The JSON may begin at any of the
 * text's first brackets: each is tried in turn (at most eight, each a `JSON.parse`), so a bracket
 * in the prose before it does not hide it. Text with no JSON in it is returned as it is; JSON
 * that cannot be redacted (nested too deep) is dropped. Never throws.
 */
export function redactJsonInText(text: string, redact: (value: unknown) => unknown): string {
  const starts = /[[{]/g;
  for (let tries = 0, start = starts.exec(text); start && tries < 8; tries++, start = starts.exec(text)) {
    const at = start.index;
    let parsed: unknown;
    try {
      parsed = JSON.parse(text.slice(at));
    } catch {
      continue;
    }
    let json: string | undefined;
    try {
      json = JSON.stringify(redact(parsed));
    } catch {
      // Too deep to redact (a RangeError): none of it is kept, as when `redact` keeps nothing.
    }
    return text.slice(0, at) + (json ?? REDACTED);
  }
  return text;
}
