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
import type { AuthMetadata } from '../decisions/account-management';
import { delegatedError, isDelegatedRefusal, type DelegatedHandling } from '../decisions/delegated-outcome';
import type { MatrixClient } from './client';
import { discoverAuthMetadata } from './discovery';

export { delegatedError, isDelegatedRefusal };
export type { DelegatedHandling };

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

/**
 * What to do instead of an operation on this server: `null` on a server served by UIA (run the
 * helper, or the chart), else the typed error carrying the account page's URL (or the OAuth 2.0
 * issuer, for registration). Asks discovery (cached). For UIs that decide before they open a
 * dialog, e.g. `useInteractiveAuth({ delegatedOutcome })`.
 */
export async function checkDelegatedAuth(
  client: MatrixClient,
  handling: DelegatedHandling,
  options: { signal?: AbortSignal } = {},
): Promise<ReturnType<typeof delegatedError> | null> {
  const metadata: AuthMetadata | null = await discoverAuthMetadata(client, options);
  return metadata ? delegatedError(metadata, handling) : null;
}
