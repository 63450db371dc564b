/**
 * The common part of every endpoint helper: describe the request being authorised once
 * ({@link EndpointCall}), bind the chart's functions to it, and run the negotiation.
 *
 * Apps that drive the chart themselves (a UI with `createUiaActor`, or a negotiation resumed from
 * a persisted snapshot) use {@link endpointFunctions} with the same call the helper would make.
 */
import type { AuthMetadata } from '../decisions/account-management';
import { EndpointError, NetworkError, type UiaError } from '../errors/errors';
import type { UiaFunctions } from '../api/options';
import { OAUTH_POLLING, oauthAwareRequest } from '../api/oauth-request';
import { runUia, type RunUiaOptions, type StageHandlers } from '../api/run-uia';
import type { UserIdentifier } from '../types';
import type { HttpMethod, MatrixClient, MatrixRequestOptions } from './client';
import { delegatedError, toDelegatedError, type DelegatedHandling } from './delegated';
import { discoverAuthMetadata, knownAuthMetadata } from './discovery';
import { isMatrixHttpError } from './matrix-http-error';
import { registrationTokenChecker } from './registration-token';
import { whoami } from './session';
import { emailTokenRequester, msisdnTokenRequester, msisdnTokenSubmitter, type ThreepidTokenEndpoint } from './threepid-tokens';
import { uiaRequest } from './uia-request';

/** One request that needs UIA: what to send, and which `requestToken` endpoints serve its stages. */
export interface EndpointCall<T> {
  /** HTTP method of the endpoint being authorised. */
  method: HttpMethod;
  /** Path of the endpoint, starting with `/_matrix/`. */
  path: string;
  /** The request body without `auth`. */
  body: Record<string, unknown>;
  /** Query parameters of the request, if any. */
  query?: MatrixRequestOptions['query'];
  /** Send the access token (default: when the client has one). */
  auth?: boolean;
  /** Which `requestToken` endpoints the email and SMS stages use. */
  tokenEndpoint: ThreepidTokenEndpoint;
  /** Check registration tokens before submitting them (registration only). */
  checkRegistrationToken?: boolean;
  /**
   * What a server that delegates auth (OAuth 2.0 API) does with this operation instead; absent
   * when it runs through UIA there too (the cross-signing reset).
   */
  delegated?: DelegatedHandling;
  /**
   * The operation may meet an `m.oauth` challenge (the cross-signing reset): its request function
   * is wrapped with `oauthAwareRequest` (stable flow first, `msg` shown, checks ≥ 500 ms apart)
   * and polling defaults to `OAUTH_POLLING`.
   */
  oauth?: boolean;
  /** Phantom field carrying the result type; never set. */
  readonly __result?: T;
}

/**
 * Options of every endpoint helper: those of `runUia` without `request`, which the helper makes.
 *
 * Defaults the helper supplies: `homeserverUrl` is the client's base URL; the email and SMS
 * stages use the operation's own `requestToken` endpoints; `submitMsisdnToken` posts to the
 * server's `submit_url`; registration checks tokens for validity first. When `userId` is not
 * given and the client has an access token, a password stage asks `whoami` once (only if that
 * stage comes) and uses that user id as the identifier. Any function given here wins.
 */
export type UiaHelperOptions<T> = Omit<RunUiaOptions<T>, 'request'> & {
  /**
   * The homeserver's auth metadata when the app already has it (`null`: a legacy server), so
   * the helper skips discovery. Default: `discoverAuthMetadata(client)` (cached per homeserver)
   * before an operation a delegated server does elsewhere.
   */
  authMetadata?: AuthMetadata | null;
};

/** The chart's functions for one endpoint call: the request and the operation's token endpoints. */
export function endpointFunctions<T>(client: MatrixClient, call: EndpointCall<T>): UiaFunctions<T> {
  const request = uiaRequest<T>(client, call.method, call.path, call.body, {
    ...(call.query ? { query: call.query } : {}),
    ...(call.auth !== undefined ? { auth: call.auth } : {}),
  });
  const fns: UiaFunctions<T> = {
    request: call.oauth ? oauthAwareRequest(request) : request,
    requestEmailToken: emailTokenRequester(client, call.tokenEndpoint),
    requestMsisdnToken: msisdnTokenRequester(client, call.tokenEndpoint),
    submitMsisdnToken: msisdnTokenSubmitter(client),
  };
  if (call.checkRegistrationToken) fns.checkRegistrationToken = registrationTokenChecker(client);
  return fns;
}

/** The full `runUia` options for a call: the helper's defaults under the caller's options. */
export function endpointOptions<T>(client: MatrixClient, call: EndpointCall<T>, uia: UiaHelperOptions<T> = {}): RunUiaOptions<T> {
  // Built in place, one object: spreads and `Object.entries` made three copies per negotiation.
  const options = endpointFunctions(client, call) as RunUiaOptions<T>;
  options.homeserverUrl = client.baseUrl;
  if (call.oauth) options.polling = { ...OAUTH_POLLING };
  const target = options as unknown as Record<string, unknown>;
  const given = uia as unknown as Record<string, unknown>;
  for (const k in given) {
    if (!Object.prototype.hasOwnProperty.call(given, k) || k === 'authMetadata') continue;
    const v = given[k];
    if (v !== undefined) target[k] = v;
  }
  if (!uia.userId && client.accessToken && uia.handlers?.password) {
    options.handlers = { ...uia.handlers, password: withWhoamiIdentifier(client, uia.handlers.password) };
  }
  return options;
}

/**
 * Runs the whole negotiation for a call; resolves with the endpoint's result.
 *
 * A call a delegated server does elsewhere (`call.delegated`) asks discovery first (cached), and
 * on such a server rejects with `AccountManagementRequiredError` or
 * `OAuthRegistrationRequiredError` before the operation's request is sent; a 404/405
 * `M_UNRECOGNIZED` from its endpoint on a server with auth metadata is mapped the same way.
 */
export async function runEndpoint<T>(client: MatrixClient, call: EndpointCall<T>, uia: UiaHelperOptions<T> = {}): Promise<T> {
  const handling = call.delegated;
  if (!handling) return runUia<T>(endpointOptions(client, call, uia));
  const signal = uia.signal ? { signal: uia.signal } : undefined;
  // A discovery answer already in hand is used as is: no await (and its microtask turns) per call.
  let metadata = uia.authMetadata !== undefined ? uia.authMetadata : knownAuthMetadata(client);
  if (metadata === undefined) metadata = await discoverAuthMetadata(client, signal);
  if (metadata) throw delegatedError(metadata, handling);
  try {
    return await runUia<T>(endpointOptions(client, call, uia));
  } catch (e) {
    throw await toDelegatedError(client, handling, e, signal);
  }
}

type PasswordHandler = NonNullable<StageHandlers['password']>;

/** Wraps a password handler so that an answer without an identifier gets the token owner's id. */
function withWhoamiIdentifier(client: MatrixClient, handler: PasswordHandler): PasswordHandler {
  let userId: Promise<string> | null = null;
  return async (prompt) => {
    const answer = await handler(prompt);
    const given = typeof answer === 'string' ? { password: answer } : answer;
    if (given.identifier) return given as { password: string; identifier: UserIdentifier };
    userId ??= whoami(client, { signal: prompt.signal }).then((r) => r.user_id);
    try {
      return { password: given.password, identifier: { type: 'm.id.user', user: await userId } };
    } catch (e) {
      userId = null;
      throw typedError(e);
    }
  };
}

/** A failed `whoami` as the typed error the negotiation ends with. */
function typedError(e: unknown): UiaError {
  return isMatrixHttpError(e) ? new EndpointError(e.httpStatus, e.data) : new NetworkError(e);
}
