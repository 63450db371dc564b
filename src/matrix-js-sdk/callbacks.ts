/**
 * The statechart's callbacks made from a `MatrixClient`: the request function, the email token
 * function, the fallback page URL, and the chart options a client knows.
 */
import { getFallbackUrl } from '../fallback-url';
import type { AuthDict, RequestEmailTokenFn, UiaMachineInputFromClient, UiaRequestFn } from './types';
import type { EmailTokenPurpose, MatrixClientLike } from './client';

/**
 * The chart's request function from a matrix-js-sdk call that takes the auth dict, e.g.
 * `(auth) => client.deleteDevice(deviceId, auth ?? undefined)`. matrix-js-sdk's `MatrixError`
 * already has the shape the chart reads (`httpStatus`, `data`), so errors pass through as they are.
 * matrix-js-sdk's methods take no abort signal: a cancelled request's late answer is dropped by the chart.
 */
export function requestFromMatrixCall<T>(makeRequest: (auth: AuthDict | null) => Promise<T>): UiaRequestFn<T> {
  return (auth) => makeRequest(auth);
}

/** The chart's email token function from the client's `requestToken` method for `purpose`. */
export function emailTokenRequester(client: MatrixClientLike, purpose: EmailTokenPurpose = 'register', nextLink?: string): RequestEmailTokenFn {
  const method =
    purpose === 'register' ? client.requestRegisterEmailToken : purpose === 'add3pid' ? client.requestAdd3pidEmailToken : client.requestPasswordEmailToken;
  if (typeof method !== 'function') {
    throw new TypeError(`matrix-uia: the client has no requestToken method for "${purpose}" emails`);
  }
  return ({ email, clientSecret, attempt }) => method.call(client, email, clientSecret, attempt, nextLink);
}

/** The fallback page URL for a stage: the client's own builder when it has one. */
export function fallbackUrlFor(client: MatrixClientLike): (stageType: string, session: string) => string {
  return (stageType, session) =>
    typeof client.getFallbackAuthUrl === 'function' ? client.getFallbackAuthUrl(stageType, session) : getFallbackUrl(client.getHomeserverUrl(), stageType, session);
}

/** The chart input a client knows: homeserver URL (fallback pages), user id (password identifier), client secret. */
export function chartInputFromClient(client: MatrixClientLike): UiaMachineInputFromClient {
  const userId = client.getUserId();
  return {
    homeserverUrl: client.getHomeserverUrl(),
    ...(userId ? { userId } : {}),
    clientSecret: client.generateClientSecret(),
  };
}
