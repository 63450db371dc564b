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

export { InteractiveAuth } from './api/interactive-auth';
export type { IInteractiveAuthOpts, IStageStatus, InteractiveAuthClient, InteractiveAuthCompat } from './api/interactive-auth';
export { createUiaMachine, createUiaActor, toMachineInput, sharedUiaMachine, bindUiaFunctions } from './api/create-uia-machine';
export type { ProvidedUiaMachine, UiaActor, CreateUiaActorExtras } from './api/create-uia-machine';
export { runUia } from './api/run-uia';
export type { PasswordAnswer, RunUiaOptions, StageHandlers, StagePrompt } from './api/run-uia';
export type { UiaOptions, UiaFunctions } from './api/options';

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
} from './api/selectors';
export type { UiaSnapshot, StageSnapshotLike } from './api/selectors';

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
} from './errors/errors';
export { AccountManagementRequiredError, OAuthRegistrationRequiredError } from './errors/delegated-errors';
export { isUiaError } from './errors/error-brand';
export type { UiaErrorCode } from './errors/errors';
export { CallbackError } from './errors/callback-error';

export { chooseFlow, resolveFlow, nextStage, scoreFlow, isFlowAcceptable, requiredStages, sameStages } from './decisions/choose-flow';
export type { FlowChoiceInputs } from './decisions/choose-flow';
export { decideNextStep } from './decisions/next-step';
export type { NextStep, NextStepInputs } from './decisions/next-step';
export { parseAuthChallenge, classifyResponse, readRetryAfterMs } from './decisions/parse-auth-response';
export type { RequestOutcome, ResponseClass } from './decisions/parse-auth-response';
export { stageKindFor } from './decisions/stage-kind';
export type { StageKind } from './decisions/stage-kind';
export { parseTermsPolicies, pickPolicyTranslation } from './decisions/terms';
export type { TermsPolicy, PolicyTranslation } from './decisions/terms';
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
} from './decisions/account-management';
export type { AuthMetadata, AccountManagementAction, AccountManagementLink } from './decisions/account-management';
export { delegatedError, isDelegatedRefusal } from './decisions/delegated-outcome';
export type { DelegatedHandling } from './decisions/delegated-outcome';
export { oauthAwareRequest, normaliseOAuthChallenge, OAUTH_POLLING } from './api/oauth-request';
export type { OAuthAwareRequestOptions } from './api/oauth-request';
export { generateClientSecret, isValidClientSecret } from './secrets/client-secret';
export { getFallbackUrl } from './decisions/fallback-url';
export { requestFingerprint, checkSessionBinding, assertSnapshotBinding, canonicalJson } from './decisions/session-binding';
export type { BoundRequest } from './decisions/session-binding';
export { sanitizeInspectionEvent, sanitizedInspector, redactSecrets, isSecretKey, REDACTED } from './secrets/sanitize';
export { isSanitizedInspector } from './secrets/sanitized-inspector';
export type { SanitizedInspector } from './secrets/sanitized-inspector';
export { Sealed } from './secrets/secret';
export { LIMITS } from './decisions/limits';
export { checkUiaSnapshot } from './api/restore-snapshot';
export type { CheckedUiaSnapshot, RestoreProcedure } from './api/checked-snapshot';
export { isHttpErrorLike } from './actors/request.actor';
export type { HttpErrorLike, RequestActorInput } from './actors/request.actor';

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
