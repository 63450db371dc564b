/**
 * Registration token validity check (`GET /_matrix/client/v1/register/m.login.registration_token/validity`).
 */
import type { CheckRegistrationTokenFn } from '../types';
import type { MatrixClient } from './client';
import { V1 } from './paths';

/**
 * Asks the server whether a registration token may be used now, without spending it.
 *
 * @returns `true` when valid; `false` when not. Rejects with a `MatrixHttpError` when the server
 * does not support the check (the chart then lets the server decide at submission).
 */
export async function checkRegistrationToken(client: MatrixClient, token: string, options: { signal?: AbortSignal } = {}): Promise<boolean> {
  const res = await client.request<{ valid?: unknown }>('GET', `${V1}/register/m.login.registration_token/validity`, undefined, {
    query: { token },
    auth: false,
    ...(options.signal ? { signal: options.signal } : {}),
  });
  return res.valid === true;
}

/** Binds {@link checkRegistrationToken} to the chart's `checkRegistrationToken` contract. */
export function registrationTokenChecker(client: MatrixClient): CheckRegistrationTokenFn {
  return (token, { signal }) => checkRegistrationToken(client, token, { signal });
}
