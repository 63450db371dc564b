/**
 * `addThreepid`: `POST /account/3pid/add` with UIA.
 *
 * The address itself is validated first, outside UIA: `requestEmailToken(client, '3pid', ...)`
 * (or the SMS variant), then the user clicks the link; its `sid` and client secret are what this
 * call adds to the account.
 */
import type { MatrixClient } from './client';
import { runEndpoint, type EndpointCall, type UiaHelperOptions } from './endpoint';
import { V3 } from './paths';

/** The validated third-party id to add. */
export interface AddThreepidParams {
  /** Validation sid of the completed `requestToken` session. */
  sid: string;
  /** Client secret used for that `requestToken` call. */
  clientSecret: string;
}

/** The call `addThreepid` authorises. */
export function addThreepidCall(params: AddThreepidParams): EndpointCall<Record<string, never>> {
  return { method: 'POST', path: `${V3}/account/3pid/add`, body: { sid: params.sid, client_secret: params.clientSecret }, tokenEndpoint: '3pid', delegated: { kind: 'accountManagement', action: 'org.matrix.profile' } };
}

/**
 * Adds a validated email address or phone number to the account. Resolves with `{}`. On a server
 * that delegates auth, rejects with `AccountManagementRequiredError` (the profile page, where
 * addresses are managed) before any request to the endpoint.
 */
export function addThreepid(client: MatrixClient, params: AddThreepidParams, uia: UiaHelperOptions<Record<string, never>> = {}): Promise<Record<string, never>> {
  return runEndpoint(client, addThreepidCall(params), uia);
}
