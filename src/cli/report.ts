/**
 * How the terminal client reports a failure: one human message (printed once, on stderr) and,
 * with `--json`, one JSON error object built from typed fields only, never a credential.
 *
 * Errors reach here in several shapes: the library's typed errors from a negotiation, the fetch
 * client's `MatrixHttpError` and raw `TypeError: fetch failed` from the requests made outside one
 * (whoami, login, the device list), and @inquirer's prompt errors. {@link normalizeError} turns
 * them into the documented kinds first, so `--json` names `NetworkError` and `AbortedError`
 * whatever request or question was under way.
 */
import { AccountManagementRequiredError, OAuthRegistrationRequiredError } from '../errors/delegated-errors';
import { AbortedError, NetworkError } from '../errors/errors';
import { isMatrixHttpError } from '../fetch';
import { EXIT, type ExitCode } from './exit-codes';
import { InterruptedError, isInterrupt } from './terminal';

/** What a failure happened against, for messages that say which server. */
export interface ReportContext {
  /** The homeserver base URL in use, once known. */
  homeserver?: string;
  /** What the command was doing, e.g. "signing out the device PHONE". */
  operation?: string;
}

/** Turns raw errors into the client's documented kinds (see the module comment). */
export function normalizeError(e: unknown, { interrupted = false }: { interrupted?: boolean } = {}): unknown {
  if (isInterrupt(e)) return e instanceof InterruptedError ? e : new InterruptedError();
  const aborted = e instanceof AbortedError || (e instanceof Error && (e.name === 'AbortError' || e.name === 'AbortPromptError'));
  // Ctrl-C outside a question aborts whatever was under way; it was still the user's Ctrl-C.
  if (aborted && interrupted) return new InterruptedError();
  if (aborted && !(e instanceof AbortedError)) return new AbortedError();
  if (e instanceof TypeError && /fetch failed/i.test(e.message)) return new NetworkError(e);
  return e;
}

/** Why a connection failed, from the error's cause chain (Node's undici puts the errno code there). */
export function networkReason(e: unknown): { reason: string; errno?: string } {
  let cur: unknown = e;
  let innermost = '';
  for (let depth = 0; cur && typeof cur === 'object' && depth < 6; depth++) {
    const err = cur as { code?: unknown; message?: unknown; cause?: unknown; errors?: unknown };
    // AggregateError (IPv4 and IPv6 both tried): the first one says it.
    if (Array.isArray(err.errors) && err.errors.length > 0 && !err.code) {
      cur = err.errors[0];
      continue;
    }
    if (typeof err.code === 'string' && /^[A-Z_0-9]+$/.test(err.code) && !['NETWORK'].includes(err.code)) {
      return { reason: describeErrno(err.code, typeof err.message === 'string' ? err.message : ''), errno: err.code };
    }
    if (typeof err.message === 'string' && err.message && !/^(Network error: )?(TypeError: )?fetch failed$/i.test(err.message)) innermost = err.message;
    cur = err.cause;
  }
  return { reason: innermost || 'no answer (the request failed before any HTTP response)' };
}

function describeErrno(code: string, message: string): string {
  switch (code) {
    case 'ECONNREFUSED':
      return 'connection refused (nothing is listening on that port)';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EAI_NONAME':
      return 'the host name could not be resolved (DNS)';
    case 'ETIMEDOUT':
    case 'UND_ERR_CONNECT_TIMEOUT':
      return 'the connection timed out';
    case 'UND_ERR_HEADERS_TIMEOUT':
    case 'UND_ERR_BODY_TIMEOUT':
      return 'the server accepted the connection but did not answer in time';
    case 'ECONNRESET':
    case 'UND_ERR_SOCKET':
    case 'EPIPE':
      return 'the server closed the connection';
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return 'the host is unreachable (network)';
    case 'DEPTH_ZERO_SELF_SIGNED_CERT':
    case 'SELF_SIGNED_CERT_IN_CHAIN':
    case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
    case 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY':
    case 'CERT_HAS_EXPIRED':
    case 'ERR_TLS_CERT_ALTNAME_INVALID':
      return `its TLS certificate is not trusted (${code})`;
    case 'EPROTO':
    case 'ERR_SSL_WRONG_VERSION_NUMBER':
      return 'the TLS handshake failed (is it a plain http:// server?)';
    default:
      return message ? `${message} (${code})` : code;
  }
}

/** The human message for a failure, printed once on stderr. */
export function humanMessage(e: unknown, code: ExitCode, ctx: ReportContext = {}): string {
  if (e instanceof NetworkError) {
    const where = ctx.homeserver ? ` at ${ctx.homeserver}` : '';
    return `Cannot reach the homeserver${where}: ${networkReason(e.cause).reason}.`;
  }
  if (e instanceof AccountManagementRequiredError) {
    const what = ctx.operation ? `${ctx.operation[0]!.toUpperCase()}${ctx.operation.slice(1)} is` : 'This is';
    return `This homeserver delegates authentication to an OAuth 2.0 server: ${what} done on your account page, not by this client. Continue there:\n  ${e.url}`;
  }
  if (e instanceof OAuthRegistrationRequiredError) {
    return `This homeserver delegates authentication to an OAuth 2.0 server: registration goes through ${e.issuer}, not this client. Create the account with a Matrix client that supports OAuth 2.0 (next-generation auth).`;
  }
  const message = e instanceof Error ? e.message : String(e);
  if (code === EXIT.CANCELLED || code === EXIT.INTERRUPTED) {
    if (e instanceof InterruptedError) return 'Cancelled: interrupted (Ctrl-C). Nothing more was sent.';
    if (!(e instanceof AbortedError) || message === new AbortedError().message) return 'Cancelled.';
    if (/^cancel/i.test(message)) return message;
    return `Cancelled: ${/^[A-Z][a-z]/.test(message) ? message[0]!.toLowerCase() + message.slice(1) : message}.`.replace(/\.\.$/, '.');
  }
  if (isMatrixHttpError(e) && e.httpStatus === 401 && e.errcode === 'M_UNKNOWN_TOKEN') return `The homeserver refused the access token (${e.message}). Is it current, and for this server?`;
  return message;
}

/** A hint printed under the message, per exit code. */
export function hintFor(code: ExitCode): string | undefined {
  const hints: Partial<Record<ExitCode, string>> = {
    [EXIT.NO_AUTH_FLOW]: 'The server offers no way to authenticate that this client can complete with the options given (try --email or --phone).',
    [EXIT.NETWORK]: 'Check the --homeserver URL (scheme, host and port) and that the server is running.',
    [EXIT.RATE_LIMITED]: 'The server is rate-limiting requests: wait a little and try again.',
    [EXIT.TIMEOUT]: 'Nothing happened on the page or link in time.',
    [EXIT.USAGE]: 'See matrix-uia --help and docs/cli.md.',
    [EXIT.INTERNAL]: 'This is a bug in matrix-uia: please report it.',
    [EXIT.ACCOUNT_MANAGEMENT]: 'Nothing was asked or sent. Exit code 11: see "Servers with OAuth 2.0" in docs/cli.md.',
  };
  return hints[code];
}

/** The error as JSON for `--json` (typed fields only: never a credential). */
export function errorJson(e: unknown, ctx: ReportContext = {}): Record<string, unknown> {
  if (!(e instanceof Error)) return { name: 'Error', message: String(e) };
  const out: Record<string, unknown> = { name: e.name, message: e.message };
  const fields = e as unknown as Record<string, unknown>;
  for (const k of ['code', 'errcode', 'httpStatus', 'retryAfterMs', 'required_stages', 'deviceIds', 'url', 'action', 'issuer', 'interrupted'] as const) {
    if (fields[k] !== undefined) out[k] = fields[k];
  }
  if (e instanceof NetworkError) {
    const { reason, errno } = networkReason(e.cause);
    out.message = humanMessage(e, EXIT.NETWORK, ctx);
    out.reason = reason;
    if (errno) out.errno = errno;
    if (ctx.homeserver) out.homeserver = ctx.homeserver;
  }
  return out;
}
