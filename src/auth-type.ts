/**
 * Stage types of the Matrix User-Interactive Authentication API.
 *
 * Values match matrix-js-sdk's `AuthType` enum so apps can switch imports without renaming.
 */
export const AuthType = {
  /** `m.login.password`: the account password. */
  Password: 'm.login.password',
  /** `m.login.recaptcha`: a Google reCAPTCHA response. */
  Recaptcha: 'm.login.recaptcha',
  /** `m.login.terms`: acceptance of the server's policies. */
  Terms: 'm.login.terms',
  /** `m.login.email.identity`: a validated email address. */
  Email: 'm.login.email.identity',
  /** `m.login.msisdn`: a phone number validated by SMS code. */
  Msisdn: 'm.login.msisdn',
  /** `m.login.sso`: single sign-on, completed on the fallback page. */
  Sso: 'm.login.sso',
  /** `org.matrix.login.sso`: the pre-spec name of SSO some servers still send. */
  SsoUnstable: 'org.matrix.login.sso',
  /** `m.login.dummy`: no proof, lets a flow end once other checks passed. */
  Dummy: 'm.login.dummy',
  /** `m.login.registration_token`: a token the server admin handed out. */
  RegistrationToken: 'm.login.registration_token',
  /** MSC3231's unstable prefix; Synapse before 1.53 only knows this one. */
  UnstableRegistrationToken: 'org.matrix.msc3231.login.registration_token',
  /** Approval of an action on the OAuth 2.0 account management page (MSC4312). */
  OAuth: 'm.oauth',
  /** The unstable name of {@link AuthType.OAuth} used for cross-signing reset. */
  UnstableCrossSigningReset: 'org.matrix.cross_signing_reset',
} as const;

/** Any one of the {@link AuthType} values. Servers may send other strings too, so APIs take `string`. */
export type AuthType = (typeof AuthType)[keyof typeof AuthType];
