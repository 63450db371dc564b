/**
 * `deactivateAccount`: `POST /account/deactivate` with UIA. Irreversible.
 */
import type { MatrixClient } from './client';
import { runEndpoint, type EndpointCall, type UiaHelperOptions } from './endpoint';
import { V3 } from './paths';

/** Options of the deactivation. */
export interface DeactivateAccountParams {
  /** Ask the server to forget the user's messages as far as it can (GDPR erasure). */
  erase?: boolean;
  /** Identity server to unbind third-party ids from. */
  idServer?: string;
}

/** What the server answers. */
export interface DeactivateAccountResponse {
  /** `success` when 3pids were unbound from the identity server, `no-support` otherwise. */
  id_server_unbind_result?: 'success' | 'no-support';
}

/** The call `deactivateAccount` authorises. */
export function deactivateAccountCall(params: DeactivateAccountParams = {}): EndpointCall<DeactivateAccountResponse> {
  const body: Record<string, unknown> = {};
  if (params.erase !== undefined) body.erase = params.erase;
  if (params.idServer) body.id_server = params.idServer;
  return { method: 'POST', path: `${V3}/account/deactivate`, body, tokenEndpoint: 'password', delegated: { kind: 'accountManagement', action: 'org.matrix.account_deactivate' } };
}

/**
 * Deactivates the account the client's access token belongs to. On a server that delegates auth,
 * rejects with `AccountManagementRequiredError` (`action=org.matrix.account_deactivate` when the
 * server supports it, else the account page) before any request to the endpoint.
 */
export function deactivateAccount(client: MatrixClient, params: DeactivateAccountParams = {}, uia: UiaHelperOptions<DeactivateAccountResponse> = {}): Promise<DeactivateAccountResponse> {
  return runEndpoint(client, deactivateAccountCall(params), uia);
}
