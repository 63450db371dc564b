/**
 * The statechart's callbacks made from a `MatrixClient`: the request function, the email token
 * function, the fallback page URL, and the chart options a client knows.
 */
import { getFallbackUrl } from '../decisions/fallback-url';
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

/**
 * The fallback page URL of a stage, for apps driving `InteractiveAuth` (matrix-js-sdk's API): there
 * the app opens the page itself when `stateUpdated(stageType)` names a stage it cannot show, e.g.
 * `window.open(fallbackUrlFor(client)(stageType, ia.getSessionId()!))`, then calls `ia.poll()` or
 * `ia.submitAuthDict({})` once the page posted `authDone`.
 *
 * Uses the client's `getFallbackAuthUrl` when it has one, else builds the same URL
 * (`<homeserver>/_matrix/client/v3/auth/<type>/fallback/web?session=<session>`) from
 * `getHomeserverUrl()`, so a client-like object without that method works too.
 *
 * Not needed with the chart (`runUia`, `createUiaActor`, `createUIAuthCallback`, the React hook):
 * its fallback stage builds this URL from the `homeserverUrl` input, which
 * {@link chartInputFromClient} takes from `client.getHomeserverUrl()`, and exposes it as
 * `selectExternalUrl(snapshot)` and to the `external` handler.
 */
export function fallbackUrlFor(client: MatrixClientLike): (stageType: string, session: string) => string {
  return (stageType, session) =>
    typeof client.getFallbackAuthUrl === 'function' ? client.getFallbackAuthUrl(stageType, session) : getFallbackUrl(client.getHomeserverUrl(), stageType, session);
}

/**
 * The chart input a client knows: the homeserver URL (`client.getHomeserverUrl()`, from which the
 * fallback stage builds the same page URL as `client.getFallbackAuthUrl(stage, session)`), the
 * user id (password identifier) and a client secret.
 */
export function chartInputFromClient(client: MatrixClientLike): UiaMachineInputFromClient {
  const userId = client.getUserId();
  return {
    homeserverUrl: client.getHomeserverUrl(),
    ...(userId ? { userId } : {}),
    clientSecret: client.generateClientSecret(),
  };
}
