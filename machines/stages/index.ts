/**
 * The stage machines, keyed by {@link StageKind}: the parent chart spawns the one for the
 * current stage under the id `stage`.
 */
import { dummyStageMachine } from './dummy.machine';
import { passwordStageMachine } from './password.machine';
import { emailStageMachine } from './email.machine';
import { msisdnStageMachine } from './msisdn.machine';
import { recaptchaStageMachine } from './recaptcha.machine';
import { termsStageMachine } from './terms.machine';
import { registrationTokenStageMachine } from './registration-token.machine';
import { fallbackStageMachine } from './fallback.machine';
import { oauthStageMachine } from './oauth.machine';

/**
 * Every stage machine keyed by its stage kind: pass it as `stages` to support every stage type
 * natively (`createUiaActor({ request, stages: stageMachines })`), or pick the ones your app
 * shows (`stages: { password: passwordStageMachine }`) so the others stay out of its bundle.
 * The chart spawns `stages[kind]` under the id `stage`; tools that draw the charts iterate it.
 */
export const stageMachines = {
  dummy: dummyStageMachine,
  password: passwordStageMachine,
  email: emailStageMachine,
  msisdn: msisdnStageMachine,
  recaptcha: recaptchaStageMachine,
  terms: termsStageMachine,
  registrationToken: registrationTokenStageMachine,
  fallback: fallbackStageMachine,
  oauth: oauthStageMachine,
} as const;

/** The stage machines of every kind, as {@link stageMachines} holds them. */
export type StageMachines = typeof stageMachines;

/**
 * The stage machines a negotiation runs, keyed by stage kind. A stage whose kind is missing is
 * done on the homeserver's fallback page (which the spec offers for any stage type) when
 * `fallback` is in the set, and fails the negotiation with an `InvalidOptionsError` otherwise.
 */
export type StageMachineSet = Partial<StageMachines>;

export { dummyStageMachine } from './dummy.machine';
export { passwordStageMachine } from './password.machine';
export { emailStageMachine } from './email.machine';
export { msisdnStageMachine } from './msisdn.machine';
export { recaptchaStageMachine } from './recaptcha.machine';
export { termsStageMachine } from './terms.machine';
export { registrationTokenStageMachine } from './registration-token.machine';
export { fallbackStageMachine } from './fallback.machine';
export { oauthStageMachine } from './oauth.machine';
export type { DummyStageContext } from './dummy.machine';
export type { PasswordStageContext } from './password.machine';
export type { EmailStageContext } from './email.machine';
export type { EmailTokenActorInput } from '../../src/actors/email-token.actor';
export type { MsisdnStageContext } from './msisdn.machine';
export type { MsisdnTokenActorInput, MsisdnCodeActorInput } from '../../src/actors/msisdn.actor';
export type { RecaptchaStageContext } from './recaptcha.machine';
export type { TermsStageContext } from './terms.machine';
export type { RegistrationTokenStageContext } from './registration-token.machine';
export type { TokenCheck, TokenCheckResult } from '../../src/actors/token-check.actor';
export type { FallbackStageContext } from './fallback.machine';
export type { OAuthStageContext } from './oauth.machine';
export type { StageInput, StageEvent, StageUserEvent, StageToParentEvent, ParentToStageEvent } from './stage.types';
export { INPUT_TAG, BUSY_TAG } from './stage.types';
