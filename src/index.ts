/**
 * matrix-uia: Matrix User-Interactive Authentication as an explicit XState v5 statechart.
 *
 * The core entry: the charts, the functions that bind them to an app, selectors for UIs, the
 * pure decision functions, and the typed errors.
 */
export { uiaMachine } from '../machines/uia.machine';
export type { UiaMachine } from '../machines/uia.machine';
export type { UiaContext, UiaEvent, UiaControlEvent, UiaMachineInput, UiaOutput, UiaSettings, UiaPollState, UiaRetryState } from '../machines/uia.types';
export { DEFAULT_POLLING, DEFAULT_RATE_LIMIT } from '../machines/uia.context';
export {
  dummyStageMachine,
  passwordStageMachine,
  emailStageMachine,
  msisdnStageMachine,
  recaptchaStageMachine,
  termsStageMachine,
  registrationTokenStageMachine,
  fallbackStageMachine,
  oauthStageMachine,
  stageMachines,
  INPUT_TAG,
  BUSY_TAG,
} from '../machines/stages';
export type {
  StageMachines,
  StageMachineSet,
  StageInput,
  StageEvent,
  StageUserEvent,
  StageToParentEvent,
  ParentToStageEvent,
  DummyStageContext,
  PasswordStageContext,
  EmailStageContext,
  EmailTokenActorInput,
  MsisdnTokenActorInput,
  MsisdnCodeActorInput,
  TokenCheck,
  TokenCheckResult,
  MsisdnStageContext,
  RecaptchaStageContext,
  TermsStageContext,
  RegistrationTokenStageContext,
  FallbackStageContext,
  OAuthStageContext,
} from '../machines/stages';

export { InteractiveAuth } from './interactive-auth';
export type { IInteractiveAuthOpts, IStageStatus, InteractiveAuthClient, InteractiveAuthCompat } from './interactive-auth';
export { createUiaMachine, createUiaActor, toMachineInput, sharedUiaMachine, bindUiaFunctions } from './create-uia-machine';
export type { ProvidedUiaMachine, UiaActor, CreateUiaActorExtras } from './create-uia-machine';
export { runUia } from './run-uia';
export type { PasswordAnswer, RunUiaOptions, StageHandlers, StagePrompt } from './run-uia';
export type { UiaOptions, UiaFunctions } from './options';

export {
  selectStage,
  selectStageRef,
  selectStageSnapshot,
  selectStageParams,
  selectStageError,
  selectBusy,
  selectWaitingForInput,
  selectCanSend,
  selectChosenFlow,
  selectFlows,
  selectSessionId,
  selectPolling,
  selectExternalUrl,
  selectResult,
  selectFinalError,
} from './selectors';
export type { UiaSnapshot, StageSnapshotLike } from './selectors';

export { AuthType } from './auth-type';
export {
  UiaError,
  NoAuthFlowFoundError,
  StageError,
  EndpointError,
  NetworkError,
  RateLimitedError,
  AbortedError,
  ProtocolError,
  SessionMismatchError,
  InvalidOptionsError,
  TimeoutError,
} from './errors';
export { AccountManagementRequiredError, OAuthRegistrationRequiredError } from './delegated-errors';
export { isUiaError } from './error-brand';
export type { UiaErrorCode } from './errors';

export { chooseFlow, resolveFlow, nextStage, scoreFlow, isFlowAcceptable, requiredStages, sameStages } from './choose-flow';
export type { FlowChoiceInputs } from './choose-flow';
export { decideNextStep } from './next-step';
export type { NextStep, NextStepInputs } from './next-step';
export { parseAuthChallenge, classifyResponse, readRetryAfterMs } from './parse-auth-response';
export type { RequestOutcome, ResponseClass } from './parse-auth-response';
export { stageKindFor } from './stage-kind';
export type { StageKind } from './stage-kind';
export { parseTermsPolicies, pickPolicyTranslation } from './terms';
export type { TermsPolicy, PolicyTranslation } from './terms';
export {
  accountManagementUrl,
  advertisedActionName,
  parseAuthMetadata,
  authMetadataPaths,
  supportsStableAuthMetadata,
  meansNoAuthMetadata,
  isUnrecognizedEndpoint,
  ACCOUNT_MANAGEMENT_ACTIONS,
  UNSTABLE_ACTION_ALIASES,
  AUTH_METADATA_PATH,
  UNSTABLE_AUTH_METADATA_PATH,
} from './account-management';
export type { AuthMetadata, AccountManagementAction, AccountManagementLink } from './account-management';
export { delegatedError, isDelegatedRefusal } from './delegated-outcome';
export type { DelegatedHandling } from './delegated-outcome';
export { oauthAwareRequest, normaliseOAuthChallenge, OAUTH_POLLING } from './oauth-request';
export type { OAuthAwareRequestOptions } from './oauth-request';
export { generateClientSecret, isValidClientSecret } from './client-secret';
export { getFallbackUrl } from './fallback-url';
export { requestFingerprint, checkSessionBinding, assertSnapshotBinding, canonicalJson } from './session-binding';
export type { BoundRequest } from './session-binding';
export { sanitizeInspectionEvent, sanitizedInspector, redactSecrets, isSecretKey, REDACTED } from './sanitize';
export { isSanitizedInspector } from './sanitized-inspector';
export type { SanitizedInspector } from './sanitized-inspector';
export { Sealed } from './secret';
export { LIMITS } from './limits';
export { isHttpErrorLike } from './actors';
export type { HttpErrorLike, RequestActorInput } from './actors';

export type {
  UIAFlow,
  IAuthData,
  AuthChallenge,
  AuthDict,
  PasswordAuthDict,
  RecaptchaAuthDict,
  TermsAuthDict,
  DummyAuthDict,
  EmailAuthDict,
  MsisdnAuthDict,
  RegistrationTokenAuthDict,
  SessionOnlyAuthDict,
  GenericAuthDict,
  ThreepidCreds,
  UserIdentifier,
  RequestOptions,
  UiaRequestFn,
  RequestTokenResponse,
  EmailTokenRequest,
  MsisdnTokenRequest,
  MsisdnSubmitRequest,
  RequestEmailTokenFn,
  RequestMsisdnTokenFn,
  SubmitMsisdnTokenFn,
  CheckRegistrationTokenFn,
  UiaInputs,
  PollingOptions,
  RateLimitOptions,
} from './types';
