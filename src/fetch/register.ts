/**
 * `register`: `POST /register?kind=user` with UIA.
 *
 * Registration sends no access token, checks registration tokens with the validity endpoint
 * before spending a round trip, and validates emails through `/register/email/requestToken`.
 */
import type { MatrixClient } from './client';
import { runEndpoint, type EndpointCall, type UiaHelperOptions } from './endpoint';
import { V3 } from './paths';

/** The account to create. */
export interface RegisterParams {
  /** Desired localpart; the server picks one when absent. */
  username?: string;
  /** Password for the new account; omit for a password-less (e.g. SSO-only) account. */
  password?: string;
  /** Device id to log in as; the server generates one when absent. */
  deviceId?: string;
  /** Display name of the new device, when one is created. */
  initialDeviceDisplayName?: string;
  /** Create the account without logging in (no access token in the answer). */
  inhibitLogin?: boolean;
  /** Ask for a refresh token. */
  refreshToken?: boolean;
}

/** What the server answers. `access_token` and `device_id` are absent with `inhibit_login`. */
export interface RegisterResponse {
  /** The full Matrix id of the new account. */
  user_id: string;
  /** Access token of the new device; absent with `inhibitLogin`. */
  access_token?: string;
  /** Id of the new device; absent with `inhibitLogin`. */
  device_id?: string;
  /** Server name (deprecated in the spec; read `user_id` instead). */
  home_server?: string;
  /** Lifetime of the access token in ms; absent when it does not expire. */
  expires_in_ms?: number;
  /** Refresh token, when one was asked for and the server supports them. */
  refresh_token?: string;
}

/** The call `register` authorises. */
export function registerCall(params: RegisterParams = {}): EndpointCall<RegisterResponse> {
  const body: Record<string, unknown> = {};
  if (params.username !== undefined) body.username = params.username;
  if (params.password !== undefined) body.password = params.password;
  if (params.deviceId !== undefined) body.device_id = params.deviceId;
  if (params.initialDeviceDisplayName !== undefined) body.initial_device_display_name = params.initialDeviceDisplayName;
  if (params.inhibitLogin !== undefined) body.inhibit_login = params.inhibitLogin;
  if (params.refreshToken !== undefined) body.refresh_token = params.refreshToken;
  return { method: 'POST', path: `${V3}/register`, query: { kind: 'user' }, body, auth: false, tokenEndpoint: 'register', checkRegistrationToken: true, delegated: { kind: 'oauthRegistration' } };
}

/**
 * Registers a user account. Resolves with the server's answer (it holds the access token). On a
 * server that delegates auth, rejects with `OAuthRegistrationRequiredError` naming the OAuth 2.0
 * issuer, before anything (a password in the body) is sent to `/register`.
 */
export function register(client: MatrixClient, params: RegisterParams = {}, uia: UiaHelperOptions<RegisterResponse> = {}): Promise<RegisterResponse> {
  return runEndpoint(client, registerCall(params), uia);
}
