/**
 * Which stage machine handles which stage type.
 */

/** The stage machines: one per way of completing a stage. */
export type StageKind =
  | 'dummy'
  | 'password'
  | 'email'
  | 'msisdn'
  | 'recaptcha'
  | 'terms'
  | 'registrationToken'
  | 'oauth'
  | 'fallback';

// Stage types spelt out, not `AuthType.*`: reading the AuthType object would bundle all of it in
// every app (a bundler keeps a whole object literal); test/unit/stage-kind.test.ts checks them.
const NATIVE: Record<string, StageKind> = {
  'm.login.dummy': 'dummy',
  'm.login.password': 'password',
  'm.login.email.identity': 'email',
  'm.login.msisdn': 'msisdn',
  'm.login.recaptcha': 'recaptcha',
  'm.login.terms': 'terms',
  'm.login.registration_token': 'registrationToken',
  'org.matrix.msc3231.login.registration_token': 'registrationToken',
  'm.oauth': 'oauth',
  'org.matrix.cross_signing_reset': 'oauth',
};

/**
 * The stage machine for a stage type.
 *
 * Stage types without a native machine (m.login.sso, custom ones) and native ones the app left
 * out of `supportedStages` are done through the homeserver's fallback page. Dummy, email, msisdn
 * and m.oauth need no app UI beyond what the chart exposes, so they stay native regardless.
 */
export function stageKindFor(type: string, supportedStages?: readonly string[]): StageKind {
  // Own keys only: a stage type `constructor` or `__proto__` from a server names no kind.
  const kind = Object.hasOwn(NATIVE, type) ? NATIVE[type] : undefined;
  if (!kind) return 'fallback';
  const alwaysNative = kind === 'dummy' || kind === 'email' || kind === 'msisdn' || kind === 'oauth';
  if (!alwaysNative && supportedStages && !supportedStages.includes(type)) return 'fallback';
  return kind;
}
