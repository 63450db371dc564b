/**
 * Validation of email addresses and phone numbers (third-party identifiers) through the
 * homeserver: `requestToken` for the register, password-reset and 3pid endpoints, and the SMS
 * code submission.
 *
 * The `*Requester` and `*Submitter` functions bind these to the statechart's function contracts
 * (`RequestEmailTokenFn`, ...), so the email and SMS stages use the right endpoint.
 */
import type { RequestEmailTokenFn, RequestMsisdnTokenFn, RequestTokenResponse, SubmitMsisdnTokenFn } from '../types';
import { createMatrixClient, type MatrixClient } from './client';
import { toDelegatedError, type DelegatedHandling } from './delegated';
import { MatrixHttpError } from './matrix-http-error';
import { V3 } from './paths';

/**
 * Which operation a token is for; each has its own `requestToken` endpoint, because the
 * homeserver checks the address differently (must be unused to register or add, must be bound
 * to an account to reset a password).
 */
export type ThreepidTokenEndpoint = 'register' | 'password' | '3pid';

const PREFIX: Record<ThreepidTokenEndpoint, string> = {
  register: `${V3}/register`,
  password: `${V3}/account/password`,
  '3pid': `${V3}/account/3pid`,
};

/** Path of the email `requestToken` endpoint of an operation. */
export function emailRequestTokenPath(endpoint: ThreepidTokenEndpoint): string {
  return `${PREFIX[endpoint]}/email/requestToken`;
}

/** Path of the SMS `requestToken` endpoint of an operation. */
export function msisdnRequestTokenPath(endpoint: ThreepidTokenEndpoint): string {
  return `${PREFIX[endpoint]}/msisdn/requestToken`;
}

/** Body fields of an email `requestToken` call. */
export interface EmailTokenParams {
  /** Address to send the validation email to. */
  email: string;
  /** Client-generated secret identifying the validation session. */
  clientSecret: string;
  /** Increase it to send another email; the same value is idempotent. */
  sendAttempt: number;
  /** Where the validation page sends the browser afterwards. */
  nextLink?: string;
}

/** Body fields of an SMS `requestToken` call. */
export interface MsisdnTokenParams {
  /** ISO 3166-1 alpha-2 country code the number is read in. */
  country: string;
  /** The number as the user typed it, read in `country`. */
  phoneNumber: string;
  /** Client-generated secret identifying the validation session. */
  clientSecret: string;
  /** Increase it to send another SMS; the same value is idempotent. */
  sendAttempt: number;
  /** Where the validation page sends the browser afterwards, if the server uses one. */
  nextLink?: string;
}

/** Sends the validation email. Resolves with the session id (`sid`) to put in `threepid_creds`. */
export function requestEmailToken(client: MatrixClient, endpoint: ThreepidTokenEndpoint, params: EmailTokenParams, options: { signal?: AbortSignal } = {}): Promise<RequestTokenResponse> {
  const body: Record<string, unknown> = { client_secret: params.clientSecret, email: params.email, send_attempt: params.sendAttempt };
  if (params.nextLink) body.next_link = params.nextLink;
  // Registration and password reset are unauthenticated (a reset has no token to send); adding a
  // 3PID is done by a logged-in user, so its token goes along.
  return delegatedRefusal(client, endpoint, client.request<RequestTokenResponse>('POST', emailRequestTokenPath(endpoint), body, { ...signalOf(options), auth: endpoint === '3pid' }), options);
}

/** Sends the validation SMS. Resolves with the `sid` (and maybe a `submit_url` for the code). */
export function requestMsisdnToken(client: MatrixClient, endpoint: ThreepidTokenEndpoint, params: MsisdnTokenParams, options: { signal?: AbortSignal } = {}): Promise<RequestTokenResponse> {
  const body: Record<string, unknown> = { client_secret: params.clientSecret, country: params.country, phone_number: params.phoneNumber, send_attempt: params.sendAttempt };
  if (params.nextLink) body.next_link = params.nextLink;
  return delegatedRefusal(client, endpoint, client.request<RequestTokenResponse>('POST', msisdnRequestTokenPath(endpoint), body, { ...signalOf(options), auth: endpoint === '3pid' }), options);
}

/** Parameters of {@link submitMsisdnToken}. */
export interface SubmitMsisdnParams {
  /** Validation sid from the SMS `requestToken` answer. */
  sid: string;
  /** Client secret used for that `requestToken` call. */
  clientSecret: string;
  /** The code received by SMS. */
  token: string;
  /** The `submit_url` of the `requestToken` answer, if it gave one. */
  submitUrl?: string;
}

/** Where the SMS code goes when the server gave no `submit_url` (Synapse's endpoint for it). */
export const DEFAULT_MSISDN_SUBMIT_PATH = '/_matrix/client/unstable/add_threepid/msisdn/submit_token';

/**
 * Submits the SMS code: POSTs `{sid, client_secret, token}` to the server's `submit_url` when it
 * gave one, else to {@link DEFAULT_MSISDN_SUBMIT_PATH} on the homeserver. Resolves `true` when
 * the code was accepted (`{success: true}`), `false` when it was refused.
 */
export async function submitMsisdnToken(client: MatrixClient, params: SubmitMsisdnParams, options: { signal?: AbortSignal } = {}): Promise<boolean> {
  const body = { sid: params.sid, client_secret: params.clientSecret, token: params.token };
  let target = client;
  let path = DEFAULT_MSISDN_SUBMIT_PATH;
  if (params.submitUrl) {
    const url = new URL(params.submitUrl);
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new TypeError('submit_url is not an http(s) URL');
    // The submit URL may be on another host (an identity server): call it there, without our token.
    target = createMatrixClient({ baseUrl: url.origin, fetch: client.fetch });
    path = url.pathname + url.search;
  }
  try {
    const res = await target.request<{ success?: unknown }>('POST', path, body, { ...signalOf(options), auth: false });
    return res.success === true;
  } catch (e) {
    // A 4xx is the server refusing this code (wrong or expired): the user may type it again.
    if (e instanceof MatrixHttpError && e.httpStatus >= 400 && e.httpStatus < 500 && e.httpStatus !== 429) return false;
    throw e;
  }
}

/** Binds {@link requestEmailToken} to the chart's `requestEmailToken` contract for one endpoint. */
export function emailTokenRequester(client: MatrixClient, endpoint: ThreepidTokenEndpoint, extras: { nextLink?: string } = {}): RequestEmailTokenFn {
  return (req) =>
    requestEmailToken(client, endpoint, { email: req.email, clientSecret: req.clientSecret, sendAttempt: req.attempt, ...(extras.nextLink ? { nextLink: extras.nextLink } : {}) }, { signal: req.signal });
}

/** Binds {@link requestMsisdnToken} to the chart's `requestMsisdnToken` contract for one endpoint. */
export function msisdnTokenRequester(client: MatrixClient, endpoint: ThreepidTokenEndpoint): RequestMsisdnTokenFn {
  return (req) =>
    requestMsisdnToken(client, endpoint, { country: req.phoneCountry, phoneNumber: req.phoneNumber, clientSecret: req.clientSecret, sendAttempt: req.attempt }, { signal: req.signal });
}

/** Binds {@link submitMsisdnToken} to the chart's `submitMsisdnToken` contract. */
export function msisdnTokenSubmitter(client: MatrixClient): SubmitMsisdnTokenFn {
  return (req) =>
    submitMsisdnToken(client, { sid: req.sid, clientSecret: req.clientSecret, token: req.token, ...(req.submitUrl ? { submitUrl: req.submitUrl } : {}) }, { signal: req.signal });
}

/** What a delegated server does instead of each operation's `requestToken` endpoint. */
const DELEGATED: Record<ThreepidTokenEndpoint, DelegatedHandling> = {
  register: { kind: 'oauthRegistration' },
  password: { kind: 'accountManagement', action: null },
  '3pid': { kind: 'accountManagement', action: 'org.matrix.profile' },
};

/**
 * A delegated server does not serve the `requestToken` endpoints (404 `M_UNRECOGNIZED`): the
 * refusal becomes `AccountManagementRequiredError` / `OAuthRegistrationRequiredError` when the
 * server has auth metadata; any other answer is left as it is.
 */
async function delegatedRefusal<T>(client: MatrixClient, endpoint: ThreepidTokenEndpoint, request: Promise<T>, options: { signal?: AbortSignal }): Promise<T> {
  try {
    return await request;
  } catch (e) {
    throw await toDelegatedError(client, DELEGATED[endpoint], e, signalOf(options));
  }
}

function signalOf(options: { signal?: AbortSignal }): { signal?: AbortSignal } {
  return options.signal ? { signal: options.signal } : {};
}
