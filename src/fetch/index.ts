/**
 * matrix-uia/fetch: a small Matrix client over `fetch`, and helpers that run a whole UIA
 * negotiation for each endpoint that needs one.
 */
export { createMatrixClient, DEFAULT_MAX_RESPONSE_BYTES, DEFAULT_TIMEOUT_MS, MAX_REDIRECTS } from './client';
export type { MatrixClient, MatrixClientOptions, MatrixRequestOptions, FetchLike, HttpMethod } from './client';
export { MatrixHttpError, isMatrixHttpError, parseRetryAfterHeader } from './matrix-http-error';
export { uiaRequest } from './uia-request';
export type { UiaRequestExtras } from './uia-request';
export { endpointFunctions, endpointOptions, runEndpoint } from './endpoint';
export type { EndpointCall, UiaHelperOptions } from './endpoint';

export { discoverAuthMetadata, forgetAuthMetadata, rememberAuthMetadata } from './discovery';
export type { DiscoverAuthMetadataOptions } from './discovery';
export { delegatedError, toDelegatedError, isDelegatedRefusal, checkDelegatedAuth } from './delegated';
export type { DelegatedHandling } from './delegated';
export {
  accountManagementUrl,
  advertisedActionName,
  parseAuthMetadata,
  ACCOUNT_MANAGEMENT_ACTIONS,
  UNSTABLE_ACTION_ALIASES,
  AUTH_METADATA_PATH,
  UNSTABLE_AUTH_METADATA_PATH,
} from '../decisions/account-management';
export type { AuthMetadata, AccountManagementAction, AccountManagementLink } from '../decisions/account-management';
export { AccountManagementRequiredError, OAuthRegistrationRequiredError } from '../errors/delegated-errors';
export { oauthAwareRequest, normaliseOAuthChallenge, OAUTH_POLLING } from '../api/oauth-request';
export type { OAuthAwareRequestOptions } from '../api/oauth-request';

export { changePassword, changePasswordCall } from './change-password';
export type { ChangePasswordParams } from './change-password';
export { deleteDevice, deleteDevices, deleteDeviceCall, deleteDevicesCall } from './devices';
export { deactivateAccount, deactivateAccountCall } from './deactivate-account';
export type { DeactivateAccountParams, DeactivateAccountResponse } from './deactivate-account';
export { register, registerCall } from './register';
export type { RegisterParams, RegisterResponse } from './register';
export { uploadCrossSigningKeys, uploadCrossSigningKeysCall } from './cross-signing';
export type { CrossSigningKey, CrossSigningKeys } from './cross-signing';
export { addThreepid, addThreepidCall } from './add-threepid';
export type { AddThreepidParams } from './add-threepid';

export {
  requestEmailToken,
  requestMsisdnToken,
  submitMsisdnToken,
  emailTokenRequester,
  msisdnTokenRequester,
  msisdnTokenSubmitter,
  emailRequestTokenPath,
  msisdnRequestTokenPath,
  DEFAULT_MSISDN_SUBMIT_PATH,
} from './threepid-tokens';
export type { ThreepidTokenEndpoint, EmailTokenParams, MsisdnTokenParams, SubmitMsisdnParams } from './threepid-tokens';
export { checkRegistrationToken, registrationTokenChecker } from './registration-token';
export { whoami, loginWithPassword } from './session';
export type { WhoamiResponse, PasswordLoginParams, LoginResponse } from './session';
export { V3, V1 } from './paths';
export { getFallbackUrl } from '../decisions/fallback-url';
