/**
 * `changePassword`: `POST /account/password` with UIA.
 *
 * Logged in, the server usually asks for the current password. Without an access token this is
 * the forgotten-password flow: the server asks for `m.login.email.identity`, so pass the address
 * in `uia.inputs.emailAddress`; the email goes through `/account/password/email/requestToken`.
 */
import type { MatrixClient } from './client';
import { runEndpoint, type EndpointCall, type UiaHelperOptions } from './endpoint';
import { V3 } from './paths';

/** What to change. */
export interface ChangePasswordParams {
  /** The password to set. */
  newPassword: string;
  /** Log out every other device (server default: true). */
  logoutDevices?: boolean;
}

/** The call `changePassword` authorises, for apps that drive the chart themselves. */
export function changePasswordCall(params: ChangePasswordParams): EndpointCall<Record<string, never>> {
  const body: Record<string, unknown> = { new_password: params.newPassword };
  if (params.logoutDevices !== undefined) body.logout_devices = params.logoutDevices;
  return { method: 'POST', path: `${V3}/account/password`, body, tokenEndpoint: 'password', delegated: { kind: 'accountManagement', action: null } };
}

/**
 * Changes (or, without an access token, resets) the account password. Resolves with `{}`. On a
 * server that delegates auth, rejects with `AccountManagementRequiredError` (the account page; no
 * action exists for it) before the new password is sent anywhere.
 */
export function changePassword(client: MatrixClient, params: ChangePasswordParams, uia: UiaHelperOptions<Record<string, never>> = {}): Promise<Record<string, never>> {
  return runEndpoint(client, changePasswordCall(params), uia);
}
