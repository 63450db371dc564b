/**
 * The HTML of the UIA fallback pages (`GET /_matrix/client/v3/auth/{type}/fallback/web?session=`):
 * a fake captcha, the terms with a checkbox, a registration-token field, a password field, and a
 * "Continue" button for `m.login.sso` and any custom stage. Submitting the form POSTs to the same
 * URL; on success the "done" page runs the script the spec prescribes, which tells the opener
 * (or an embedding page defining `window.onAuthDone`) that the stage is complete.
 */
import { escapeHtml, page } from './html-page';
import { isObject } from './json-values';

/** The script of the "done" page, as the spec's "Fallback" section gives it. */
export const AUTH_DONE_SCRIPT =
  'if (window.onAuthDone) window.onAuthDone(); else if (window.opener && window.opener.postMessage) window.opener.postMessage("authDone", "*");';

/** What a form needs: where it posts, for which session. */
export interface FallbackFormTarget {
  /** The page's path (percent-encoded, as requested). */
  path: string;
  session: string;
}

function form(target: FallbackFormTarget, fields: string, button: string): string {
  const action = `${target.path}?session=${encodeURIComponent(target.session)}`;
  return `<form method="post" action="${escapeHtml(action)}">
<input type="hidden" name="session" value="${escapeHtml(target.session)}">
${fields}
<p><button type="submit">${escapeHtml(button)}</button></p>
</form>`;
}

function errorLine(error: string | undefined): string {
  return error ? `<p class="error" role="alert">${escapeHtml(error)}</p>` : '';
}

/** A terms policy as listed on the page. */
interface PolicyLine {
  name: string;
  version: string;
  url: string;
}

/** Flattens `params["m.login.terms"].policies` to one line per policy (English, else any language). */
export function policyLines(policies: Record<string, unknown>): PolicyLine[] {
  const lines: PolicyLine[] = [];
  for (const [id, policy] of Object.entries(policies)) {
    if (!isObject(policy)) continue;
    const langs = Object.entries(policy).filter(([k, v]) => k !== 'version' && isObject(v)) as [string, Record<string, unknown>][];
    const chosen = langs.find(([k]) => k === 'en') ?? langs[0];
    const t = chosen?.[1];
    lines.push({
      name: typeof t?.name === 'string' ? t.name : id,
      version: typeof policy.version === 'string' ? policy.version : '',
      url: typeof t?.url === 'string' ? t.url : '',
    });
  }
  return lines;
}

/** The form page for a stage, optionally with an error from the last submission. */
export function fallbackFormPage(type: string, target: FallbackFormTarget, extra: { policies?: Record<string, unknown>; error?: string }): string {
  const err = errorLine(extra.error);
  switch (type) {
    case 'm.login.recaptcha':
      return page(
        'Prove you are not a robot',
        `<p>This is a simulated captcha: type anything but <code>invalid</code>.</p>${err}` +
          form(target, '<p><label>Answer <input name="response" autocomplete="off" required></label></p>', 'Submit'),
      );
    case 'm.login.terms': {
      const items = policyLines(extra.policies ?? {})
        .map((p) => `<li><a href="${escapeHtml(p.url)}" target="_blank" rel="noopener">${escapeHtml(p.name)}</a>${p.version ? ` (version ${escapeHtml(p.version)})` : ''}</li>`)
        .join('\n');
      return page(
        'Terms and conditions',
        `<p>Please review and accept these policies:</p><ul>\n${items}\n</ul>${err}` +
          form(target, '<p><label><input type="checkbox" name="accept" value="yes" required> I accept the policies above</label></p>', 'Accept'),
      );
    }
    case 'm.login.registration_token':
    case 'org.matrix.msc3231.login.registration_token':
      return page(
        'Registration token',
        `<p>This server requires a registration token.</p>${err}` +
          form(target, '<p><label>Token <input name="token" autocomplete="off" required></label></p>', 'Submit'),
      );
    case 'm.login.password':
      return page(
        'Confirm your identity',
        `<p>Enter your account password.</p>${err}` +
          form(target, '<p><label>Password <input type="password" name="password" required></label></p>', 'Submit'),
      );
    default:
      return page(
        type === 'm.login.sso' ? 'Single sign-on' : `Authentication: ${type}`,
        `<p>${type === 'm.login.sso' ? 'A simulated identity provider: press Continue to confirm it is you.' : `The simulator completes <code>${escapeHtml(type)}</code> when you press Continue.`}</p>${err}` +
          form(target, '', 'Continue'),
      );
  }
}

/** The page shown once the stage is complete. */
export function fallbackDonePage(): string {
  return page('Authentication complete', '<p>Thank you. You may close this window and return to the application.</p>', AUTH_DONE_SCRIPT);
}

/** A page explaining why the fallback cannot be used (unknown session, stage not offered…). */
export function fallbackErrorPage(reason: string): string {
  return page('Authentication failed', `<p class="error">${escapeHtml(reason)}</p>`);
}
