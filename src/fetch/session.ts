/**
 * Who the access token belongs to (`whoami`), and a password login to get an access token.
 */
import type { UserIdentifier } from '../types';
import type { MatrixClient } from './client';
import { V3 } from './paths';

/** The answer of `GET /account/whoami`. */
export interface WhoamiResponse {
  user_id: string;
  device_id?: string;
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
  password: string;
  deviceId?: string;
  initialDeviceDisplayName?: string;
}

/** The answer of `POST /login`. */
export interface LoginResponse {
  user_id: string;
  access_token: string;
  device_id: string;
  home_server?: string;
  expires_in_ms?: number;
  refresh_token?: string;
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
