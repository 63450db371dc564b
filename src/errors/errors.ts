/**
 * The typed errors a negotiation can end with (or show on a stage).
 *
 * Every class carries a stable `code` so UIs can switch on it without `instanceof` across bundles.
 * Messages never contain credentials: they are built from the server's `errcode`/`error` and
 * from our own text only.
 */
import { isUiaError, UIA_ERROR } from './error-brand';
import { transportFault } from '../secrets/transport-fault';
import { MAX_ERROR_TEXT_LENGTH } from '../decisions/limits';
import type { UIAFlow } from '../types';

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
  | 'CALLBACK'
  | 'ACCOUNT_MANAGEMENT_REQUIRED'
  | 'OAUTH_REGISTRATION_REQUIRED';

/**
 * Base class of every error matrix-uia produces.
 *
 * `instanceof` works across copies of the package (the ESM and the CommonJS build loaded in one
 * process): every error carries the `Symbol.for('matrix-uia.error')` brand, each class names
 * itself in `errorName` (also its errors' `name`), and `Symbol.hasInstance` accepts a branded
 * value whose prototype chain has a class of the same `errorName`. (String keys, not symbols, on
 * the classes: a computed class key would keep every class in every app's bundle.)
 */
export class UiaError extends Error {
  /** This class's name, stable across bundles and minification: its errors' `name`, and what `instanceof` compares across copies. */
  static readonly errorName: string = 'UiaError';
  // Fields are `declare`d and assigned in the constructor (as TypeScript's parameter properties
  // would be, without a second, empty definition of each): a few bytes in every app's bundle.
  /** Which kind of failure this is. */
  declare readonly code: UiaErrorCode;
  /** Builds an error of kind `code`; `options.cause` keeps the underlying error. */
  constructor(code: UiaErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = (new.target as typeof UiaError).errorName;
  }

  /** The brand of every matrix-uia error (on the prototype: not an own key, not in JSON). */
  get [UIA_ERROR](): true {
    return true;
  }

  /** `instanceof` for errors of this class from any copy of matrix-uia. */
  static override [Symbol.hasInstance](value: unknown): boolean {
    // Up the prototype chain: this copy's prototype, or (a branded error of another copy) a class of this class's own name.
    const name = isUiaError(value) && Object.hasOwn(this, 'errorName') && this.errorName;
    for (let p = Object(value) as { constructor?: { errorName?: string } } | null; (p = Object.getPrototypeOf(p)); ) if (p === this.prototype || (name && p.constructor?.errorName === name)) return true;
    return false;
  }
}

/**
 * No flow offered by the server can be completed with the inputs given.
 *
 * Same name, message and fields as matrix-js-sdk's `NoAuthFlowFoundError`.
 */
export class NoAuthFlowFoundError extends UiaError {
  /** Always `'NoAuthFlowFoundError'`: its errors' `name`, stable across bundles and minification. */
  static override readonly errorName: string = 'NoAuthFlowFoundError';
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
  /** Always `'StageError'`: its errors' `name`, stable across bundles and minification. */
  static override readonly errorName: string = 'StageError';
  /** The stage that was attempted. */
  declare readonly stage: string | null;
  /** The server's `errcode`, e.g. `M_FORBIDDEN` for a wrong password (at most `LIMITS.maxErrorTextLength` long). */
  declare readonly errcode: string | undefined;
  /** The server's human-readable text (at most `LIMITS.maxErrorTextLength` long). */
  declare readonly serverError: string | undefined;
  /** Builds the error from the server's 401 body for `stage`; the server's texts are clipped. */
  constructor(stage: string | null, errcode: string | undefined, serverError: string | undefined) {
    const text = clip(serverError);
    const code = clip(errcode);
    // A refusal is data shown on the stage (one per wrong password), never thrown by the library:
    // no stack trace is captured for it (`stack` holds the name and message only).
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    super('STAGE', text ?? code ?? 'Authentication stage failed');
    Error.stackTraceLimit = limit;
    this.stage = stage;
    this.errcode = code;
    this.serverError = text;
  }
}

/** The endpoint answered with something other than success or a UIA challenge. */
export class EndpointError extends UiaError {
  /** Always `'EndpointError'`: its errors' `name`, stable across bundles and minification. */
  static override readonly errorName: string = 'EndpointError';
  /** The HTTP status of the answer, e.g. 403 or 500. */
  declare readonly httpStatus: number;
  /** The parsed body (or `undefined` when it was not JSON). */
  declare readonly data: unknown;
  /** The server's `errcode`, if the body was a Matrix error. */
  declare readonly errcode: string | undefined;
  /** Builds the error from a non-2xx answer's status and parsed body (bounded and redacted by the request actor; not enumerable, so a persisted snapshot does not serialise it). */
  constructor(httpStatus: number, data: unknown) {
    const body = (data && typeof data === 'object' ? data : {}) as Record<string, unknown>;
    const errcode = clip(body.errcode);
    super('ENDPOINT', `${httpStatus}${errcode ? ` ${errcode}` : ''}: ${clip(body.error) ?? 'request failed'}`);
    this.httpStatus = httpStatus;
    this.errcode = errcode;
    Object.defineProperty(this, 'data', { value: data });
  }
}

/** The request never got an HTTP answer (DNS, connection, CORS, TLS, a thrown request function). */
export class NetworkError extends UiaError {
  /** Always `'NetworkError'`: its errors' `name`, stable across bundles and minification. */
  static override readonly errorName: string = 'NetworkError';
  /**
   * Wraps the fault that prevented an HTTP answer, kept as `cause`: the fault itself, or a plain
   * copy of its description when it holds more (an axios error's request body), see
   * src/secrets/transport-fault.ts.
   */
  constructor(cause: unknown) {
    super('NETWORK', `Network error: ${describe(cause)}`, { cause: transportFault(cause) });
  }
}

/** The server kept answering 429 after every allowed retry. */
export class RateLimitedError extends UiaError {
  /** Always `'RateLimitedError'`: its errors' `name`, stable across bundles and minification. */
  static override readonly errorName: string = 'RateLimitedError';
  /** The last wait the server asked for, in ms. */
  declare readonly retryAfterMs: number;
  /** How many retries were made. */
  declare readonly retries: number;
  /** Builds the error after the last refused retry. */
  constructor(retryAfterMs: number, retries: number) {
    super('RATE_LIMITED', `Rate limited (retry after ${retryAfterMs} ms, ${retries} retries)`);
    this.retryAfterMs = retryAfterMs;
    this.retries = retries;
  }
}

/** The negotiation was cancelled by the app or the user. */
export class AbortedError extends UiaError {
  /** Always `'AbortedError'`: its errors' `name`, stable across bundles and minification. */
  static override readonly errorName: string = 'AbortedError';
  /** Builds the error; `message` defaults to a generic cancellation text. */
  constructor(message = 'User-interactive authentication was cancelled') {
    super('ABORTED', message);
  }
}

/** The server broke the UIA protocol (malformed 401 body, impossible state, oversize data). */
export class ProtocolError extends UiaError {
  /** Always `'ProtocolError'`: its errors' `name`, stable across bundles and minification. */
  static override readonly errorName: string = 'ProtocolError';
  /** Builds the error; `message` says what the server got wrong (prefixed for display). */
  constructor(message: string, options?: { cause?: unknown }) {
    super('PROTOCOL', `Homeserver protocol error: ${message}`, options);
  }
}

/** A resumed session was used for a different request than the one it was opened for. */
export class SessionMismatchError extends UiaError {
  /** Always `'SessionMismatchError'`: its errors' `name`, stable across bundles and minification. */
  static override readonly errorName: string = 'SessionMismatchError';
  /** Builds the error; `message` defaults to the text of a session resumed for another request. */
  constructor(message = 'This UIA session was opened for another request') {
    super('SESSION_MISMATCH', message);
  }
}

/** The options given to the chart cannot work (an invalid client secret, an empty session id). */
export class InvalidOptionsError extends UiaError {
  /** Always `'InvalidOptionsError'`: its errors' `name`, stable across bundles and minification. */
  static override readonly errorName: string = 'InvalidOptionsError';
  /** Builds the error; `message` names the unusable option. */
  constructor(message: string) {
    super('INVALID_OPTIONS', message);
  }
}

/** An out-of-band stage was not completed within the polling give-up time. */
export class TimeoutError extends UiaError {
  /** Always `'TimeoutError'`: its errors' `name`, stable across bundles and minification. */
  static override readonly errorName: string = 'TimeoutError';
  /** Builds the error; `message` defaults to a generic give-up text. */
  constructor(message = 'Gave up waiting for the stage to be completed elsewhere') {
    super('TIMEOUT', message);
  }
}

/**
 * Builds an error without capturing a stack trace: for errors that are routine data (a UIA 401
 * challenge, a stage refusal shown to the user) and that no one reads the stack of. Capturing a
 * stack walks every frame and was a visible part of each negotiation's CPU time. Everything else
 * (class, `code`, message, fields, `instanceof`) is as `make` builds it; `stack` is the message.
 */
export function withoutStack<E>(make: () => E): E {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return make();
  } finally {
    Error.stackTraceLimit = limit;
  }
}

/** Server text at a bounded length (`LIMITS.maxErrorTextLength`); `undefined` for anything but a string. */
function clip(text: unknown): string | undefined {
  return typeof text === 'string' ? text.slice(0, MAX_ERROR_TEXT_LENGTH) : undefined;
}

/** A short, credential-free description of an arbitrary thrown value. */
function describe(cause: unknown): string {
  try {
    if (cause instanceof Error) return cause.name === 'Error' ? cause.message : `${cause.name}: ${cause.message}`;
    if (typeof cause === 'string') return cause;
  } catch {
    // A throwing getter (a Proxy as the rejection value): nothing to show.
  }
  return 'request failed';
}
