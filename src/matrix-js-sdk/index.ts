/**
 * `matrix-uia/matrix-js-sdk`: matrix-uia for apps that hold a matrix-js-sdk `MatrixClient`.
 *
 * The client is typed by shape (`MatrixClientLike`); matrix-js-sdk is never imported at run
 * time. `InteractiveAuth` itself is exported from `matrix-uia`.
 */
export { requestFromMatrixCall, emailTokenRequester, fallbackUrlFor, chartInputFromClient } from './callbacks';
export { createUIAuthCallback } from './ui-auth-callback';
export type { UIAuthCallbackOptions } from './ui-auth-callback';
export type { MatrixClientLike, RequestTokenResult, EmailTokenPurpose } from './client';
export type { UIAuthCallback, UiaMachineInputFromClient } from './types';
export { createInteractiveAuthMachine, interactiveAuthMachine } from './compat-machine';
export type { InteractiveAuthMachine, InteractiveAuthMachineFunctions } from './compat-machine';

// Servers that delegate auth (OAuth 2.0 API).
export { discoverAuthMetadata, checkDelegatedAuth, delegatedErrorFromSdk } from './discovery';
export type { SdkDiscoveryOptions } from './discovery';
export { accountManagementUrl, ACCOUNT_MANAGEMENT_ACTIONS } from '../decisions/account-management';
export type { AuthMetadata, AccountManagementAction, AccountManagementLink } from '../decisions/account-management';
export type { DelegatedHandling } from '../decisions/delegated-outcome';
export { AccountManagementRequiredError, OAuthRegistrationRequiredError } from '../errors/delegated-errors';
export { oauthAwareRequest } from '../api/oauth-request';
