/**
 * Which stage machine handles which stage type.
 */
import { AuthType } from '../auth-type';

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

const NATIVE: Record<string, StageKind> = {
  [AuthType.Dummy]: 'dummy',
  [AuthType.Password]: 'password',
  [AuthType.Email]: 'email',
  [AuthType.Msisdn]: 'msisdn',
  [AuthType.Recaptcha]: 'recaptcha',
  [AuthType.Terms]: 'terms',
  [AuthType.RegistrationToken]: 'registrationToken',
  [AuthType.UnstableRegistrationToken]: 'registrationToken',
  [AuthType.OAuth]: 'oauth',
  [AuthType.UnstableCrossSigningReset]: 'oauth',
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
