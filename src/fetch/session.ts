/**
 * Who the access token belongs to (`whoami`), and a password login to get an access token.
 */
import type { UserIdentifier } from '../types';
import type { MatrixClient } from './client';
import { V3 } from './paths';

/** The answer of `GET /account/whoami`. */
export interface WhoamiResponse {
  /** The full Matrix id the access token belongs to. */
  user_id: string;
  /** The device the token belongs to; absent for appservice tokens. */
  device_id?: string;
  /** True for a guest account; absent means false. */
  is_guest?: boolean;
}

/** Asks whose access token the client holds. Needs an access token. */
export function whoami(client: MatrixClient, options: { signal?: AbortSignal } = {}): Promise<WhoamiResponse> {
  return client.request<WhoamiResponse>('GET', `${V3}/account/whoami`, undefined, options.signal ? { signal: options.signal } : {});
}

/** Parameters of {@link loginWithPassword}. */
export interface PasswordLoginParams {
  /** A user localpart or full Matrix id, or any identifier. */
  user: string | UserIdentifier;
  /** The account password. */
  password: string;
  /** Device id to log in as (reused if it exists); the server generates one when absent. */
  deviceId?: string;
  /** Display name of the device, when a new one is created. */
  initialDeviceDisplayName?: string;
}

/** The answer of `POST /login`. */
export interface LoginResponse {
  /** The full Matrix id logged in. */
  user_id: string;
  /** Access token of the new session. */
  access_token: string;
  /** Id of the device logged in. */
  device_id: string;
  /** Server name (deprecated in the spec; read `user_id` instead). */
  home_server?: string;
  /** Lifetime of the access token in ms; absent when it does not expire. */
  expires_in_ms?: number;
  /** Refresh token, when one was asked for and the server supports them. */
  refresh_token?: string;
  /** Client discovery info (`m.homeserver` base URL) the server suggests, if any. */
  well_known?: unknown;
}

/** Logs in with `m.login.password`. Resolves with the login answer (read `access_token` from it). */
export function loginWithPassword(client: MatrixClient, params: PasswordLoginParams, options: { signal?: AbortSignal } = {}): Promise<LoginResponse> {
  const identifier: UserIdentifier = typeof params.user === 'string' ? { type: 'm.id.user', user: params.user } : params.user;
  const body: Record<string, unknown> = { type: 'm.login.password', identifier, password: params.password };
  if (params.deviceId) body.device_id = params.deviceId;
  if (params.initialDeviceDisplayName) body.initial_device_display_name = params.initialDeviceDisplayName;
  return client.request<LoginResponse>('POST', `${V3}/login`, body, { auth: false, ...(options.signal ? { signal: options.signal } : {}) });
}
