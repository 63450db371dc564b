/**
 * The typed errors a negotiation can end with (or show on a stage).
 *
 * Every class carries a stable `code` so UIs can switch on it without `instanceof` across bundles.
 * Messages never contain credentials: they are built from the server's `errcode`/`error` and
 * from our own text only.
 */
import type { UIAFlow } from './types';

/** Discriminant of every error this library produces. */
export type UiaErrorCode =
  | 'NO_AUTH_FLOW'
  | 'STAGE'
  | 'ENDPOINT'
  | 'NETWORK'
  | 'RATE_LIMITED'
  | 'ABORTED'
  | 'PROTOCOL'
  | 'SESSION_MISMATCH'
  | 'INVALID_OPTIONS'
  | 'TIMEOUT'
  | 'ACCOUNT_MANAGEMENT_REQUIRED'
  | 'OAUTH_REGISTRATION_REQUIRED';

/** Base class of every error matrix-uia produces. */
export class UiaError extends Error {
  /** Which kind of failure this is. */
  readonly code: UiaErrorCode;
  /** Builds an error of kind `code`; `options.cause` keeps the underlying error. */
  constructor(code: UiaErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = 'UiaError';
  }
}

/**
 * No flow offered by the server can be completed with the inputs given.
 *
 * Same name, message and fields as matrix-js-sdk's `NoAuthFlowFoundError`.
 */
export class NoAuthFlowFoundError extends UiaError {
  /** Always `'NoAuthFlowFoundError'`, as matrix-js-sdk names it. */
  override name = 'NoAuthFlowFoundError';
  /** Builds the error from the offered flows and the stages the inputs require. */
  constructor(
    message: string,
    /** Stages the inputs require a flow to contain (email and/or msisdn). */
    public readonly required_stages: string[],
    /** The flows the server offered. */
    public readonly flows: UIAFlow[],
  ) {
    super('NO_AUTH_FLOW', message);
  }
}

/**
 * The server refused an attempt at a stage (401 with `errcode`/`error`): the stage stays open and
 * the user may try again. Shown on the stage, never a final error by itself.
 */
export class StageError extends UiaError {
  /** Always `'StageError'`, stable across bundles and minification. */
  override name = 'StageError';
  /** Builds the error from the server's 401 body for `stage`. */
  constructor(
    /** The stage that was attempted. */
    public readonly stage: string | null,
    /** The server's `errcode`, e.g. `M_FORBIDDEN` for a wrong password. */
    public readonly errcode: string | undefined,
    /** The server's human-readable text. */
    public readonly serverError: string | undefined,
  ) {
    super('STAGE', serverError ?? errcode ?? 'Authentication stage failed');
  }
}

/** The endpoint answered with something other than success or a UIA challenge. */
export class EndpointError extends UiaError {
  /** Always `'EndpointError'`, stable across bundles and minification. */
  override name = 'EndpointError';
  /** The server's `errcode`, if the body was a Matrix error. */
  readonly errcode: string | undefined;
  /** Builds the error from a non-2xx answer's status and parsed body. */
  constructor(
    /** The HTTP status of the answer, e.g. 403 or 500. */
    public readonly httpStatus: number,
    /** The parsed body (or `undefined` when it was not JSON). */
    public readonly data: unknown,
  ) {
    const body = (data && typeof data === 'object' ? data : {}) as Record<string, unknown>;
    const errcode = typeof body.errcode === 'string' ? body.errcode : undefined;
    const error = typeof body.error === 'string' ? body.error : undefined;
    super('ENDPOINT', `${httpStatus}${errcode ? ` ${errcode}` : ''}: ${error ?? 'request failed'}`);
    this.errcode = errcode;
  }
}

/** The request never got an HTTP answer (DNS, connection, CORS, TLS, a thrown request function). */
export class NetworkError extends UiaError {
  /** Always `'NetworkError'`, stable across bundles and minification. */
  override name = 'NetworkError';
  /** Wraps the fault that prevented an HTTP answer, kept as `cause`. */
  constructor(cause: unknown) {
    super('NETWORK', `Network error: ${describe(cause)}`, { cause });
  }
}

/** The server kept answering 429 after every allowed retry. */
export class RateLimitedError extends UiaError {
  /** Always `'RateLimitedError'`, stable across bundles and minification. */
  override name = 'RateLimitedError';
  /** Builds the error after the last refused retry. */
  constructor(
    /** The last wait the server asked for, in ms. */
    public readonly retryAfterMs: number,
    /** How many retries were made. */
    public readonly retries: number,
  ) {
    super('RATE_LIMITED', `Rate limited by the server (retry after ${retryAfterMs} ms, ${retries} retries made)`);
  }
}

/** The negotiation was cancelled by the app or the user. */
export class AbortedError extends UiaError {
  /** Always `'AbortedError'`, stable across bundles and minification. */
  override name = 'AbortedError';
  /** Builds the error; `message` defaults to a generic cancellation text. */
  constructor(message = 'User-interactive authentication was cancelled') {
    super('ABORTED', message);
  }
}

/** The server broke the UIA protocol (malformed 401 body, impossible state, oversize data). */
export class ProtocolError extends UiaError {
  /** Always `'ProtocolError'`, stable across bundles and minification. */
  override name = 'ProtocolError';
  /** Builds the error; `message` says what the server got wrong (prefixed for display). */
  constructor(message: string) {
    super('PROTOCOL', `Homeserver protocol error: ${message}`);
  }
}

/** A resumed session was used for a different request than the one it was opened for. */
export class SessionMismatchError extends UiaError {
  /** Always `'SessionMismatchError'`, stable across bundles and minification. */
  override name = 'SessionMismatchError';
  /** Builds the error; `message` defaults to a generic mismatch text. */
  constructor(message = 'This UIA session belongs to a different request') {
    super('SESSION_MISMATCH', message);
  }
}

/** The options given to the chart cannot work (an invalid client secret, an empty session id). */
export class InvalidOptionsError extends UiaError {
  /** Always `'InvalidOptionsError'`, stable across bundles and minification. */
  override name = 'InvalidOptionsError';
  /** Builds the error; `message` names the unusable option. */
  constructor(message: string) {
    super('INVALID_OPTIONS', message);
  }
}

/** An out-of-band stage was not completed within the polling give-up time. */
export class TimeoutError extends UiaError {
  /** Always `'TimeoutError'`, stable across bundles and minification. */
  override name = 'TimeoutError';
  /** Builds the error; `message` defaults to a generic give-up text. */
  constructor(message = 'Gave up waiting for the stage to be completed elsewhere') {
    super('TIMEOUT', message);
  }
}

/**
 * The server delegates authentication to an OAuth 2.0 server (the Client-Server API's "OAuth 2.0
 * API", e.g. Synapse with matrix-authentication-service): this operation is done on the account
 * management page, not through the API. Send the user to `url`; nothing was asked or sent.
 */
export class AccountManagementRequiredError extends UiaError {
  /** Always `'AccountManagementRequiredError'`, stable across bundles and minification. */
  override name = 'AccountManagementRequiredError';
  /** Builds the error for the page at `url`; `cause` keeps the server's refusal, if there was one. */
  constructor(
    /** The account management URL to open, with `action` (and `device_id`) when an action applies. */
    public readonly url: string,
    /** The `action` parameter in `url` (e.g. `org.matrix.device_delete`), or `null` when it has none. */
    public readonly action: string | null,
    options?: { cause?: unknown },
  ) {
    super('ACCOUNT_MANAGEMENT_REQUIRED', `This server manages accounts on its own page: continue at ${url}`, options);
  }
}

/**
 * Registration on a server that delegates authentication goes through its OAuth 2.0 server
 * (`issuer`), not `POST /register`: register there (OAuth 2.0 authorization with
 * `prompt=create`). Nothing was sent to `/register`.
 */
export class OAuthRegistrationRequiredError extends UiaError {
  /** Always `'OAuthRegistrationRequiredError'`, stable across bundles and minification. */
  override name = 'OAuthRegistrationRequiredError';
  /** Builds the error naming the OAuth 2.0 issuer; `cause` keeps the server's refusal, if any. */
  constructor(
    /** The OAuth 2.0 server's issuer identifier (from the homeserver's auth metadata). */
    public readonly issuer: string,
    options?: { cause?: unknown },
  ) {
    super('OAUTH_REGISTRATION_REQUIRED', `Registration on this server goes through its OAuth 2.0 server ${issuer}`, options);
  }
}

/** Type guard for any matrix-uia error. */
export function isUiaError(e: unknown): e is UiaError {
  return e instanceof UiaError;
}

/** A short, credential-free description of an arbitrary thrown value. */
function describe(cause: unknown): string {
  if (cause instanceof Error) return cause.name === 'Error' ? cause.message : `${cause.name}: ${cause.message}`;
  return typeof cause === 'string' ? cause : 'request failed';
}
