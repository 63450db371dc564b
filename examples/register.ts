/**
 * Guide: register (docs/guides/register.md).
 *
 * Servers combine stages: a registration token, a captcha, terms, an email, then dummy. The
 * registration token is checked with the validity endpoint before it is spent; the captcha and
 * terms can be done natively or on the homeserver's fallback page; the email is sent only when
 * its stage comes, and its link is noticed by polling.
 */
import type { TermsPolicy } from 'matrix-uia';
import { pickPolicyTranslation } from 'matrix-uia';
import { createMatrixClient, register, type RegisterResponse } from 'matrix-uia/fetch';

export interface RegistrationUi {
  /** Shows each policy's name and link; resolves `true` when the user accepts them all. */
  acceptTerms(policies: { name: string; url: string }[]): Promise<boolean>;
  /** Opens a homeserver page (captcha, SSO) for the user; resolves when they say it is done. */
  openPage(url: string): Promise<void>;
  /** Tells the user to click the link sent to `email`. */
  checkYourInbox(email: string | null): void;
  /** Asks for a registration token (again, with `problem`, when the last one was refused). */
  askRegistrationToken(problem: string | undefined): Promise<string>;
}

export function registerAccount(
  homeserverUrl: string,
  account: { username: string; password: string; email?: string; registrationToken?: string },
  ui: RegistrationUi,
): Promise<RegisterResponse> {
  const client = createMatrixClient({ baseUrl: homeserverUrl });
  return register(
    client,
    { username: account.username, password: account.password, initialDeviceDisplayName: 'Example app' },
    {
      inputs: { emailAddress: account.email, registrationToken: account.registrationToken },
      // This app renders terms itself but leaves the captcha to the homeserver's page.
      supportedStages: ['m.login.password', 'm.login.terms', 'm.login.registration_token', 'm.login.email.identity', 'm.login.dummy'],
      polling: { intervalMs: 1000 },
      handlers: {
        terms: ({ policies }) => ui.acceptTerms(policies.map((p: TermsPolicy) => pickPolicyTranslation(p, ['en']))),
        external: ({ url }) => ui.openPage(url),
        emailSent: ({ email }) => ui.checkYourInbox(email),
        registrationToken: ({ error }) => ui.askRegistrationToken(error?.message),
      },
    },
  );
}
