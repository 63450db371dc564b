/**
 * Servers that delegate auth (OAuth 2.0 API) for apps on matrix-js-sdk: the same discovery,
 * account management URL and typed outcomes as `matrix-uia/fetch`, keyed by the client's
 * homeserver URL.
 *
 * matrix-js-sdk calls such as `deleteMultipleDevices` or `deactivateAccount` get 404
 * `M_UNRECOGNIZED` there. Ask {@link checkDelegatedAuth} before calling them (the spec says an
 * OAuth 2.0 aware client MUST NOT call them), or map the refusal with
 * {@link delegatedErrorFromSdk}; either way the user gets the account page's URL.
 */
import type { AuthMetadata } from '../decisions/account-management';
import type { AccountManagementRequiredError, OAuthRegistrationRequiredError } from '../errors/delegated-errors';
import { createMatrixClient, type FetchLike } from '../fetch/client';
import { delegatedError, toDelegatedError, type DelegatedHandling } from '../fetch/delegated';
import { discoverAuthMetadata as discoverWithFetch } from '../fetch/discovery';
import type { MatrixClientLike } from './client';

/** Options of the discovery helpers of this entry. */
export interface SdkDiscoveryOptions {
  /** The fetch implementation; default the global `fetch` (matrix-js-sdk's own `fetchFn` fits). */
  fetch?: FetchLike;
  /** Aborts the discovery. */
  signal?: AbortSignal;
  /** Ask the server again instead of using the cached answer. */
  refresh?: boolean;
}

/** One function for the global fetch, so the discovery cache (keyed by fetch) holds per homeserver across calls. */
const globalFetch: FetchLike = (input, init) => globalThis.fetch(input, init);

function clientFor(client: Pick<MatrixClientLike, 'getHomeserverUrl'>, options: SdkDiscoveryOptions) {
  return createMatrixClient({ baseUrl: client.getHomeserverUrl(), fetch: options.fetch ?? globalFetch });
}

/**
 * The homeserver's auth metadata, or `null` for a server served by UIA. Cached per homeserver
 * URL and fetch implementation (see `matrix-uia/fetch`'s `discoverAuthMetadata`).
 */
export function discoverAuthMetadata(client: Pick<MatrixClientLike, 'getHomeserverUrl'>, options: SdkDiscoveryOptions = {}): Promise<AuthMetadata | null> {
  return discoverWithFetch(clientFor(client, options), {
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.refresh ? { refresh: true } : {}),
  });
}

/**
 * What to do instead of an operation on this server: `null` on a server served by UIA (make the
 * call), else the typed error carrying the account page's URL (or the OAuth 2.0 issuer, for
 * registration) to show the user.
 *
 * @example
 * const instead = await checkDelegatedAuth(client, { kind: 'accountManagement', action: 'org.matrix.device_delete', deviceId });
 * if (instead) return showLink(instead.url);
 * await client.deleteMultipleDevices([deviceId], authDict);
 */
export async function checkDelegatedAuth(
  client: Pick<MatrixClientLike, 'getHomeserverUrl'>,
  handling: DelegatedHandling,
  options: SdkDiscoveryOptions = {},
): Promise<AccountManagementRequiredError | OAuthRegistrationRequiredError | null> {
  const metadata = await discoverAuthMetadata(client, options);
  return metadata ? delegatedError(metadata, handling) : null;
}

/**
 * Maps a matrix-js-sdk `MatrixError` (404/405 `M_UNRECOGNIZED`, or 403 `M_FORBIDDEN` for
 * registration) from a server with auth metadata to `AccountManagementRequiredError` /
 * `OAuthRegistrationRequiredError` (the original as `cause`); returns any other error as is.
 */
export function delegatedErrorFromSdk(client: Pick<MatrixClientLike, 'getHomeserverUrl'>, handling: DelegatedHandling, error: unknown, options: SdkDiscoveryOptions = {}): Promise<unknown> {
  return toDelegatedError(clientFor(client, options), handling, error, options.signal ? { signal: options.signal } : {});
}
