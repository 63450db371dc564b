/**
 * Stage types of the Matrix User-Interactive Authentication API.
 *
 * Values match matrix-js-sdk's `AuthType` enum so apps can switch imports without renaming.
 */
export const AuthType = {
  Password: 'm.login.password',
  Recaptcha: 'm.login.recaptcha',
  Terms: 'm.login.terms',
  Email: 'm.login.email.identity',
  Msisdn: 'm.login.msisdn',
  Sso: 'm.login.sso',
  SsoUnstable: 'org.matrix.login.sso',
  Dummy: 'm.login.dummy',
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
