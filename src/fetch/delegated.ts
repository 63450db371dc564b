/**
 * What the endpoint helpers do on a server that delegates authentication (OAuth 2.0 API): decide
 * before any request of the operation, so no password (nor a new password in a body) ever goes
 * to a server that would refuse it, and map the server's own refusal when an app drove the chart
 * itself.
 *
 * - Device deletion, deactivation, password change, 3PID addition: {@link AccountManagementRequiredError}
 *   with the account management URL for the operation's action.
 * - Registration: {@link OAuthRegistrationRequiredError} naming the OAuth 2.0 issuer.
 * - The cross-signing reset is not decided here: it runs through UIA (`m.oauth`) on both kinds of
 *   server.
 */
import { accountManagementUrl, isUnrecognizedEndpoint, type AccountManagementAction, type AuthMetadata } from '../account-management';
import { AccountManagementRequiredError, EndpointError, OAuthRegistrationRequiredError } from '../errors';
import type { MatrixClient } from './client';
import { discoverAuthMetadata } from './discovery';
import { isMatrixHttpError } from './matrix-http-error';

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

/** Whether a failure is a delegated server's refusal of the endpoint itself. */
function isDelegatedRefusal(error: unknown, handling: DelegatedHandling): boolean {
  if (!(error instanceof EndpointError) && !isMatrixHttpError(error)) return false;
  const { httpStatus, data } = error as { httpStatus: number; data: unknown };
  if (isUnrecognizedEndpoint(httpStatus, data)) return true;
  // Synapse with MAS: 403 M_FORBIDDEN "Only m.login.application_service registrations are allowed."
  const errcode = typeof data === 'object' && data !== null ? (data as { errcode?: unknown }).errcode : undefined;
  return handling.kind === 'oauthRegistration' && httpStatus === 403 && errcode === 'M_FORBIDDEN';
}

/**
 * Maps a failure of a delegatable operation: a 404/405 `M_UNRECOGNIZED` (or, for registration, a
 * 403 `M_FORBIDDEN`) from a server that has auth metadata becomes the delegated error (the
 * original kept as `cause`); anything else is returned as is. Asks discovery (cached) only for
 * such a refusal. For apps that drive the chart themselves with `endpointFunctions`.
 */
export async function toDelegatedError(client: MatrixClient, handling: DelegatedHandling, error: unknown, options: { signal?: AbortSignal } = {}): Promise<unknown> {
  if (!isDelegatedRefusal(error, handling)) return error;
  let metadata: AuthMetadata | null;
  try {
    metadata = await discoverAuthMetadata(client, options);
  } catch {
    return error;
  }
  return metadata ? delegatedError(metadata, handling, error) : error;
}
