/**
 * The typed errors a negotiation can end with (or show on a stage).
 *
 * Every class carries a stable `code` so UIs can switch on it without `instanceof` across bundles.
 * Messages never contain credentials: they are built from the server's `errcode`/`error` and
 * from our own text only.
 */
import { ERROR_KIND as KIND } from './error-brand';
import type { UIAFlow } from './types';

export { isUiaError } from './error-brand';

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

/**
 * Base class of every error matrix-uia produces.
 *
 * `instanceof` works across copies of the package (the ESM and the CommonJS build loaded in one
 * process): each class has a brand under a `Symbol.for` key, and `Symbol.hasInstance` accepts a
 * value whose prototype chain has a class of the same brand. The brand is also the error's `name`.
 */
export class UiaError extends Error {
  /** This class's brand, also its errors' `name`. */
  static readonly [KIND]: string = 'UiaError';
  // Fields are `declare`d and assigned in the constructor (as TypeScript's parameter properties
  // would be, without a second, empty definition of each): a few bytes in every app's bundle.
  /** Which kind of failure this is. */
  declare readonly code: UiaErrorCode;
  /** Builds an error of kind `code`; `options.cause` keeps the underlying error. */
  constructor(code: UiaErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = (new.target as typeof UiaError)[KIND];
  }

  /** `instanceof` for errors of this class from any copy of matrix-uia. */
  static override [Symbol.hasInstance](value: unknown): boolean {
    // Up the prototype chain: this copy's prototype, or another copy's class of this class's brand.
    const proto = Object.getPrototypeOf(Object(value)) as { constructor?: { [KIND]?: string } } | null;
    return !!proto && (proto === this.prototype || (Object.hasOwn(this, KIND) && proto.constructor?.[KIND] === this[KIND]) || this[Symbol.hasInstance](proto));
  }
}

/**
 * No flow offered by the server can be completed with the inputs given.
 *
 * Same name, message and fields as matrix-js-sdk's `NoAuthFlowFoundError`.
 */
export class NoAuthFlowFoundError extends UiaError {
  /** This class's brand: its errors' `name` is always `'NoAuthFlowFoundError'`, stable across bundles and minification. */
  static override readonly [KIND]: string = 'NoAuthFlowFoundError';
  /** Stages the inputs require a flow to contain (email and/or msisdn). */
  declare readonly required_stages: string[];
  /** The flows the server offered. */
  declare readonly flows: UIAFlow[];
  /** Builds the error from the offered flows and the stages the inputs require. */
  constructor(message: string, required_stages: string[], flows: UIAFlow[]) {
    super('NO_AUTH_FLOW', message);
    this.required_stages = required_stages;
    this.flows = flows;
  }
}

/**
 * The server refused an attempt at a stage (401 with `errcode`/`error`): the stage stays open and
 * the user may try again. Shown on the stage, never a final error by itself.
 */
export class StageError extends UiaError {
  /** This class's brand: its errors' `name` is always `'StageError'`, stable across bundles and minification. */
  static override readonly [KIND]: string = 'StageError';
  /** The stage that was attempted. */
  declare readonly stage: string | null;
  /** The server's `errcode`, e.g. `M_FORBIDDEN` for a wrong password. */
  declare readonly errcode: string | undefined;
  /** The server's human-readable text. */
  declare readonly serverError: string | undefined;
  /** Builds the error from the server's 401 body for `stage`. */
  constructor(stage: string | null, errcode: string | undefined, serverError: string | undefined) {
    super('STAGE', serverError ?? errcode ?? 'Authentication stage failed');
    this.stage = stage;
    this.errcode = errcode;
    this.serverError = serverError;
  }
}

/** The endpoint answered with something other than success or a UIA challenge. */
export class EndpointError extends UiaError {
  /** This class's brand: its errors' `name` is always `'EndpointError'`, stable across bundles and minification. */
  static override readonly [KIND]: string = 'EndpointError';
  /** The HTTP status of the answer, e.g. 403 or 500. */
  declare readonly httpStatus: number;
  /** The parsed body (or `undefined` when it was not JSON). */
  declare readonly data: unknown;
  /** The server's `errcode`, if the body was a Matrix error. */
  declare readonly errcode: string | undefined;
  /** Builds the error from a non-2xx answer's status and parsed body. */
  constructor(httpStatus: number, data: unknown) {
    const body = data as { errcode?: unknown; error?: unknown } | null | undefined;
    const errcode = text(body?.errcode);
    const error = text(body?.error);
    super('ENDPOINT', `${httpStatus}${errcode ? ` ${errcode}` : ''}: ${error ?? 'request failed'}`);
    this.httpStatus = httpStatus;
    this.data = data;
    this.errcode = errcode;
  }
}

/** The request never got an HTTP answer (DNS, connection, CORS, TLS, a thrown request function). */
export class NetworkError extends UiaError {
  /** This class's brand: its errors' `name` is always `'NetworkError'`, stable across bundles and minification. */
  static override readonly [KIND]: string = 'NetworkError';
  /** Wraps the fault that prevented an HTTP answer, kept as `cause`. */
  constructor(cause: unknown) {
    super('NETWORK', `Network error: ${describe(cause)}`, { cause });
  }
}

/** The server kept answering 429 after every allowed retry. */
export class RateLimitedError extends UiaError {
  /** This class's brand: its errors' `name` is always `'RateLimitedError'`, stable across bundles and minification. */
  static override readonly [KIND]: string = 'RateLimitedError';
  /** The last wait the server asked for, in ms. */
  declare readonly retryAfterMs: number;
  /** How many retries were made. */
  declare readonly retries: number;
  /** Builds the error after the last refused retry. */
  constructor(retryAfterMs: number, retries: number) {
    super('RATE_LIMITED', `Rate limited by the server (retry after ${retryAfterMs} ms, ${retries} retries made)`);
    this.retryAfterMs = retryAfterMs;
    this.retries = retries;
  }
}

/** The negotiation was cancelled by the app or the user. */
export class AbortedError extends UiaError {
  /** This class's brand: its errors' `name` is always `'AbortedError'`, stable across bundles and minification. */
  static override readonly [KIND]: string = 'AbortedError';
  /** Builds the error; `message` defaults to a generic cancellation text. */
  constructor(message = 'User-interactive authentication was cancelled') {
    super('ABORTED', message);
  }
}

/** The server broke the UIA protocol (malformed 401 body, impossible state, oversize data). */
export class ProtocolError extends UiaError {
  /** This class's brand: its errors' `name` is always `'ProtocolError'`, stable across bundles and minification. */
  static override readonly [KIND]: string = 'ProtocolError';
  /** Builds the error; `message` says what the server got wrong (prefixed for display). */
  constructor(message: string) {
    super('PROTOCOL', `Homeserver protocol error: ${message}`);
  }
}

/** A resumed session was used for a different request than the one it was opened for. */
export class SessionMismatchError extends UiaError {
  /** This class's brand: its errors' `name` is always `'SessionMismatchError'`, stable across bundles and minification. */
  static override readonly [KIND]: string = 'SessionMismatchError';
  /** Builds the error; `message` defaults to a generic mismatch text. */
  constructor(message = 'This UIA session belongs to a different request') {
    super('SESSION_MISMATCH', message);
  }
}

/** The options given to the chart cannot work (an invalid client secret, an empty session id). */
export class InvalidOptionsError extends UiaError {
  /** This class's brand: its errors' `name` is always `'InvalidOptionsError'`, stable across bundles and minification. */
  static override readonly [KIND]: string = 'InvalidOptionsError';
  /** Builds the error; `message` names the unusable option. */
  constructor(message: string) {
    super('INVALID_OPTIONS', message);
  }
}

/** An out-of-band stage was not completed within the polling give-up time. */
export class TimeoutError extends UiaError {
  /** This class's brand: its errors' `name` is always `'TimeoutError'`, stable across bundles and minification. */
  static override readonly [KIND]: string = 'TimeoutError';
  /** Builds the error; `message` defaults to a generic give-up text. */
  constructor(message = 'Gave up waiting for the stage to be completed elsewhere') {
    super('TIMEOUT', message);
  }
}

/** `value` if it is a string. */
function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** A short, credential-free description of an arbitrary thrown value. */
function describe(cause: unknown): string {
  if (cause instanceof Error) return cause.name === 'Error' ? cause.message : `${cause.name}: ${cause.message}`;
  return text(cause) ?? 'request failed';
}
