/**
 * The typed outcome of an operation on a server that delegates auth (OAuth 2.0 API), from its
 * auth metadata: where the user continues instead. Pure; shared by `matrix-uia/fetch`,
 * `matrix-uia/matrix-js-sdk` and the React hook.
 */
import { accountManagementUrl, isUnrecognizedEndpoint, type AccountManagementAction, type AuthMetadata } from './account-management';
import { AccountManagementRequiredError, OAuthRegistrationRequiredError } from '../errors/delegated-errors';

/** How a delegated server handles an operation. */
export type DelegatedHandling =
  | {
      /** Done on the account management page. */
      kind: 'accountManagement';
      /** The action of the page, or `null` for the page itself (no action exists, e.g. a password change). */
      action: AccountManagementAction | null;
      /** The device the action is about (device view / delete). */
      deviceId?: string;
    }
  | {
      /** Done by registering with the OAuth 2.0 server. */
      kind: 'oauthRegistration';
    };

/**
 * The typed error an operation ends with on a delegated server: where to continue. Without an
 * `account_management_uri` in the metadata the issuer is the best page there is.
 */
export function delegatedError(metadata: AuthMetadata, handling: DelegatedHandling, cause?: unknown): AccountManagementRequiredError | OAuthRegistrationRequiredError {
  const options = cause === undefined ? undefined : { cause };
  if (handling.kind === 'oauthRegistration') return new OAuthRegistrationRequiredError(metadata.issuer, options);
  const link = accountManagementUrl(metadata, handling.action, handling.deviceId !== undefined ? { deviceId: handling.deviceId } : {});
  return new AccountManagementRequiredError(link?.url ?? metadata.issuer, link?.action ?? null, options);
}

/**
 * Whether a failure is a delegated server's refusal of the endpoint itself: 404/405
 * `M_UNRECOGNIZED` (Synapse unregisters the UIA endpoints), or for registration 403
 * `M_FORBIDDEN` ("Only m.login.application_service registrations are allowed."). Read by shape,
 * so `EndpointError`, `MatrixHttpError` and matrix-js-sdk's `MatrixError` all fit.
 */
export function isDelegatedRefusal(error: unknown, handling: DelegatedHandling): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { httpStatus, data } = error as { httpStatus?: unknown; data?: unknown };
  if (typeof httpStatus !== 'number') return false;
  if (isUnrecognizedEndpoint(httpStatus, data)) return true;
  const errcode = typeof data === 'object' && data !== null ? (data as { errcode?: unknown }).errcode : undefined;
  return handling.kind === 'oauthRegistration' && httpStatus === 403 && errcode === 'M_FORBIDDEN';
}
