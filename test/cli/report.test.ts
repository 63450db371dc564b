/**
 * The terminal client's failure reports and colour choice, as pure functions: which error kind a
 * raw fault becomes, what a network fault says, and the FORCE_COLOR / NO_COLOR conventions.
 */
import { AbortedError, NetworkError, StageError } from '../../src/errors/errors';
import { EXIT, exitCodeFor, NoSuchDeviceError, UsageError } from '../../src/cli/exit-codes';
import { errorJson, humanMessage, networkReason, normalizeError } from '../../src/cli/report';
import { colorEnabled, InterruptedError } from '../../src/cli/terminal';

/** What undici rejects with when nothing listens on the port. */
function refused(): TypeError {
  const cause = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' });
  return new TypeError('fetch failed', { cause });
}

describe('normalizeError', () => {
  test('a raw fetch failure (whoami, login, device list) becomes a NetworkError', () => {
    const e = normalizeError(refused());
    expect(e).toBeInstanceOf(NetworkError);
    expect(exitCodeFor(e)).toBe(EXIT.NETWORK);
  });

  test("@inquirer's Ctrl-C becomes an AbortedError that exits 130", () => {
    const exitPrompt = Object.assign(new Error('User force closed the prompt with SIGINT'), { name: 'ExitPromptError' });
    const e = normalizeError(exitPrompt);
    expect(e).toBeInstanceOf(InterruptedError);
    expect(e).toBeInstanceOf(AbortedError);
    expect((e as Error).name).toBe('AbortedError');
    expect(exitCodeFor(e)).toBe(130);
  });

  test('an abort after Ctrl-C outside a question is an interrupt; another abort is a plain cancellation (7)', () => {
    const fetchAbort = Object.assign(new Error('This operation was aborted'), { name: 'AbortError' });
    expect(exitCodeFor(normalizeError(fetchAbort, { interrupted: true }))).toBe(130);
    expect(exitCodeFor(normalizeError(new AbortedError(), { interrupted: true }))).toBe(130);
    expect(exitCodeFor(normalizeError(new AbortedError('The terms were not accepted')))).toBe(EXIT.CANCELLED);
    expect(normalizeError(fetchAbort)).toBeInstanceOf(AbortedError);
  });
});

describe('networkReason', () => {
  test.each([
    ['ECONNREFUSED', 'connection refused (nothing is listening on that port)'],
    ['ENOTFOUND', 'the host name could not be resolved (DNS)'],
    ['ECONNRESET', 'the server closed the connection'],
    ['DEPTH_ZERO_SELF_SIGNED_CERT', 'its TLS certificate is not trusted (DEPTH_ZERO_SELF_SIGNED_CERT)'],
    ['UND_ERR_CONNECT_TIMEOUT', 'the connection timed out'],
  ])('%s', (code, reason) => {
    const e = new NetworkError(new TypeError('fetch failed', { cause: Object.assign(new Error(`x ${code}`), { code }) }));
    expect(networkReason(e.cause)).toEqual({ reason, errno: code });
  });

  test('an AggregateError (IPv4 and IPv6 tried) reports its first error', () => {
    const agg = Object.assign(new AggregateError([Object.assign(new Error('connect ECONNREFUSED ::1:9'), { code: 'ECONNREFUSED' })], ''), {});
    expect(networkReason(new TypeError('fetch failed', { cause: agg })).errno).toBe('ECONNREFUSED');
  });

  test('without an errno code, the innermost message; never just "fetch failed"', () => {
    expect(networkReason(new TypeError('fetch failed', { cause: new Error('socket hang up') })).reason).toBe('socket hang up');
    expect(networkReason(new TypeError('fetch failed')).reason).not.toMatch(/fetch failed/);
  });
});

describe('humanMessage and errorJson', () => {
  test('a network fault names the homeserver and the reason', () => {
    const e = normalizeError(refused());
    expect(humanMessage(e, EXIT.NETWORK, { homeserver: 'http://127.0.0.1:9' })).toBe('Cannot reach the homeserver at http://127.0.0.1:9: connection refused (nothing is listening on that port).');
    expect(errorJson(e, { homeserver: 'http://127.0.0.1:9' })).toMatchObject({ name: 'NetworkError', code: 'NETWORK', homeserver: 'http://127.0.0.1:9', errno: 'ECONNREFUSED' });
  });

  test('cancellations say "Cancelled" once', () => {
    expect(humanMessage(new AbortedError(), EXIT.CANCELLED)).toBe('Cancelled.');
    expect(humanMessage(new AbortedError('Not confirmed, nothing was changed'), EXIT.CANCELLED)).toBe('Cancelled: not confirmed, nothing was changed.');
    expect(humanMessage(new AbortedError('The terms were not accepted'), EXIT.CANCELLED)).toBe('Cancelled: the terms were not accepted.');
    expect(humanMessage(new AbortedError('Cancelled by the app'), EXIT.CANCELLED)).toBe('Cancelled by the app');
    expect(humanMessage(new InterruptedError(), EXIT.INTERRUPTED)).toBe('Cancelled: interrupted (Ctrl-C). Nothing more was sent.');
  });

  test('errorJson keeps typed fields only', () => {
    expect(errorJson(new StageError('m.login.password', 'M_FORBIDDEN', 'Invalid password'))).toEqual({ name: 'StageError', code: 'STAGE', errcode: 'M_FORBIDDEN', message: 'Invalid password' });
    expect(errorJson(new NoSuchDeviceError(['X'], '@a:b'))).toMatchObject({ name: 'NoSuchDeviceError', code: 'NO_SUCH_DEVICE', deviceIds: ['X'] });
    expect(exitCodeFor(new UsageError('x'))).toBe(EXIT.USAGE);
    expect(exitCodeFor(new NoSuchDeviceError(['X'], undefined))).toBe(EXIT.ENDPOINT);
  });
});

describe('colorEnabled', () => {
  test.each<[NodeJS.ProcessEnv, boolean, boolean]>([
    [{}, true, true],
    [{}, false, false],
    [{ NO_COLOR: '1' }, true, false],
    [{ NO_COLOR: '' }, true, true],
    [{ FORCE_COLOR: '1' }, false, true],
    [{ FORCE_COLOR: '' }, false, true],
    [{ FORCE_COLOR: '3', NO_COLOR: '1' }, false, true],
    [{ FORCE_COLOR: '0' }, true, false],
    [{ FORCE_COLOR: 'false' }, true, false],
    [{ TERM: 'dumb' }, true, false],
  ])('%j on a %s terminal → %s', (env, tty, expected) => {
    expect(colorEnabled(env, tty)).toBe(expected);
  });
});
