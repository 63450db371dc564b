/**
 * Exit codes of the `matrix-uia` terminal client, one per kind of failure, so scripts can tell a
 * wrong password from a network fault without parsing messages. Documented in docs/cli.md.
 */
import { isUiaError } from '../errors/errors';
import { isMatrixHttpError } from '../fetch';
import { isInterrupt } from './terminal';

/** Every exit code the client uses. */
export const EXIT = {
  /** The operation succeeded. */
  OK: 0,
  /** An unexpected internal error (a bug): please report it. */
  INTERNAL: 1,
  /** Bad command line, or a value the client needs was not given and cannot be asked for. */
  USAGE: 2,
  /** The server offers no flow this client can complete with the options given. */
  NO_AUTH_FLOW: 3,
  /** The server refused the operation (4xx/5xx other than UIA), e.g. unknown device, bad login. */
  ENDPOINT: 4,
  /** No answer from the server (connection refused, DNS, TLS). */
  NETWORK: 5,
  /** The server kept answering 429 after every retry. */
  RATE_LIMITED: 6,
  /** Cancelled by the user (Ctrl-C, terms declined). */
  CANCELLED: 7,
  /** The server broke the UIA protocol (malformed answer, a session for another request). */
  PROTOCOL: 8,
  /** Gave up waiting for an out-of-band stage (email link, browser page). */
  TIMEOUT: 9,
  /** A stage was refused (wrong password, invalid token) and could not be asked again. */
  AUTH_REFUSED: 10,
  /**
   * The server delegates auth (OAuth 2.0 API, e.g. Synapse with matrix-authentication-service):
   * the operation is done on its account page (URL printed) or, for registration, with its
   * OAuth 2.0 server. Nothing was asked or sent.
   */
  ACCOUNT_MANAGEMENT: 11,
  /** Interrupted with Ctrl-C (SIGINT): 128 + 2, as shells report a process killed by SIGINT. */
  INTERRUPTED: 130,
} as const;

/** An exit code value. */
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/**
 * A value the client needs and may not ask for (no terminal, or `--no-input`).
 *
 * It carries a `code` so that `runUia` passes it through from a stage handler unchanged.
 */
export class InputNeededError extends Error {
  override name = 'InputNeededError';
  readonly code = 'INPUT_NEEDED';
}

/** The command line cannot work as given (no homeserver, conflicting options). */
export class UsageError extends Error {
  override name = 'UsageError';
  readonly code = 'USAGE';
}

/**
 * The device ids given are not devices of the account (checked with `GET /devices` before
 * deleting: servers, Synapse included, answer 200 to deleting a device that does not exist).
 */
export class NoSuchDeviceError extends Error {
  override name = 'NoSuchDeviceError';
  readonly code = 'NO_SUCH_DEVICE';
  constructor(
    /** The ids the server does not list. */
    readonly deviceIds: string[],
    userId: string | undefined,
  ) {
    super(
      `The server lists no device ${deviceIds.join(', ')} for ${userId ?? 'this account'} (GET /devices), so there is nothing to delete. Nothing was deleted.`,
    );
  }
}

/** The exit code for an error thrown by a command. */
export function exitCodeFor(e: unknown): ExitCode {
  if (isInterrupt(e)) return EXIT.INTERRUPTED;
  if (e instanceof InputNeededError || e instanceof UsageError) return EXIT.USAGE;
  if (e instanceof NoSuchDeviceError) return EXIT.ENDPOINT;
  if (isUiaError(e)) {
    switch (e.code) {
      case 'NO_AUTH_FLOW':
        return EXIT.NO_AUTH_FLOW;
      case 'ENDPOINT':
        return EXIT.ENDPOINT;
      case 'NETWORK':
        return EXIT.NETWORK;
      case 'RATE_LIMITED':
        return EXIT.RATE_LIMITED;
      case 'ABORTED':
        return EXIT.CANCELLED;
      case 'PROTOCOL':
      case 'SESSION_MISMATCH':
        return EXIT.PROTOCOL;
      case 'TIMEOUT':
        return EXIT.TIMEOUT;
      case 'STAGE':
        return EXIT.AUTH_REFUSED;
      case 'INVALID_OPTIONS':
        return EXIT.USAGE;
      case 'ACCOUNT_MANAGEMENT_REQUIRED':
      case 'OAUTH_REGISTRATION_REQUIRED':
        return EXIT.ACCOUNT_MANAGEMENT;
    }
  }
  // Requests made outside a negotiation (login, whoami, logout).
  if (isMatrixHttpError(e)) return e.httpStatus === 429 ? EXIT.RATE_LIMITED : EXIT.ENDPOINT;
  if (e instanceof Error && (e.name === 'ExitPromptError' || e.name === 'AbortPromptError' || e.name === 'AbortError')) return EXIT.CANCELLED;
  if (e instanceof TypeError && /fetch failed/i.test(e.message)) return EXIT.NETWORK;
  return EXIT.INTERNAL;
}
