/**
 * The real `matrix-uia` terminal client, driven through a pseudo-terminal (tmux) against a
 * simulator this test starts on 127.0.0.1, and as a plain child process in `--json` mode.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import { resolve } from 'node:path';
import { createMatrixClient, deleteDevice, loginWithPassword } from '../../src/fetch';
import { DEMO_ACCOUNT, delegatedConfig, startHomeserver, type HomeserverConfig, type StartedHomeserver } from '../../src/testing';
import { version } from '../../package.json';
import { TmuxSession } from './tmux';
import { tsCommand } from '../helpers/ts-process';

const ROOT = resolve(__dirname, '../..');
const MAIN = resolve(ROOT, 'src/cli/main.ts');
const TOUR = resolve(ROOT, 'src/cli/start.ts');
const ALICE = { userId: '@alice:localhost', password: 'old-secret-pw' };

// Each test starts the client with the tsx hook (a TypeScript compile at start-up): give it room.
jest.setTimeout(120000);

let sessions: TmuxSession[] = [];
let servers: StartedHomeserver[] = [];
let counter = 0;

afterAll(() => TmuxSession.shutdown());

afterEach(async () => {
  for (const t of sessions) t.kill();
  sessions = [];
  await Promise.all(servers.map((s) => s.close()));
  servers = [];
});

async function serve(config: HomeserverConfig = {}): Promise<StartedHomeserver> {
  const s = await startHomeserver({ users: [{ userId: ALICE.userId, password: ALICE.password, devices: ['MAIN', 'PHONE', 'TABLET'] }], ...config });
  servers.push(s);
  return s;
}

/** Runs the CLI in a fresh tmux session (a real pseudo-terminal). */
function cliInTmux(args: string[], env: Record<string, string> = {}): TmuxSession {
  const quoted = args.map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  const [node, hook] = tsCommand(MAIN);
  const command = [node, ...hook].map((a) => `'${a}'`).join(' ');
  const t = TmuxSession.start(`uia-cli-${process.pid}-${++counter}`, `cd '${ROOT}' && ${command} ${quoted}`, { NO_COLOR: '1', ...env });
  sessions.push(t);
  return t;
}

/** Runs the CLI as a plain child process (no terminal); never blocks the simulator in this process. */
function cliProcess(
  args: string[],
  env: Record<string, string> = {},
  io: { stdin?: string; closeStdout?: boolean; script?: string } = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done, fail) => {
    const { FORCE_COLOR: _inheritedForceColor, ...parentEnv } = process.env;
    void _inheritedForceColor;
    const child = spawn(...tsCommand(io.script ?? MAIN, args), { cwd: ROOT, env: { ...parentEnv, NO_COLOR: '1', ...env }, stdio: [io.stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
    if (io.stdin !== undefined) child.stdin!.end(io.stdin);
    let stdout = '';
    let stderr = '';
    // A reader that went away before the program wrote anything (`| head -1` after its line).
    if (io.closeStdout) child.stdout!.destroy();
    else child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', fail);
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

/** How many times `needle` occurs in `hay`. */
const count = (hay: string, needle: string) => hay.split(needle).length - 1;

test('change-password in a terminal: a wrong password is asked again, and no password is ever shown', async () => {
  const s = await serve();
  const token = s.server.createAccessToken(ALICE.userId, 'MAIN');
  const t = cliInTmux(['change-password', '--homeserver', s.url, '--access-token', token, '--user', ALICE.userId]);

  await t.waitFor('New password:');
  t.type('brand-new-pw-42');
  t.press('Enter');
  await t.waitFor('New password again:');
  t.type('brand-new-pw-42');
  t.press('Enter');

  await t.waitFor(`Password for ${ALICE.userId}:`);
  t.type('wrong-guess-pw');
  t.press('Enter');
  const refused = await t.waitFor('Invalid username or password');
  expect(refused).toContain('please try again');
  await t.waitFor((screen: string) => count(screen, `Password for ${ALICE.userId}:`) === 2);
  t.type(ALICE.password);
  t.press('Enter');

  const screen = await t.waitFor('Password changed.');
  expect(await t.exitCode()).toBe(0);
  const all = t.capture();
  for (const secret of ['brand-new-pw-42', 'wrong-guess-pw', ALICE.password, token]) expect(all).not.toContain(secret);
  expect(screen).toContain('*****');
  // The server agrees: the new password logs in.
  await expect(loginWithPassword(createMatrixClient({ baseUrl: s.url }), { user: 'alice', password: 'brand-new-pw-42' })).resolves.toMatchObject({ user_id: ALICE.userId });
});

test('register with an email in a terminal: the spinner waits, the link is clicked, polling notices', async () => {
  const s = await serve({ endpoints: { register: { flows: [['m.login.terms', 'm.login.email.identity']] } } });
  const t = cliInTmux(['register', '--homeserver', s.url, '--username', 'zed', '--email', 'zed@example.test', '--poll-interval', '100'], { MATRIX_UIA_NEW_PASSWORD: 'zed-password-1' });

  await t.waitFor('Do you accept these policies?');
  expect(t.capture()).toContain(`${s.url}/_simulator/policy?name=privacy_policy&v=1.0`);
  t.type('y');
  t.press('Enter');

  await t.waitFor('Waiting for the link to be opened');
  expect(t.capture()).toContain('A validation email was sent to zed@example.test');
  const mail = await s.server.outbox.waitFor('zed@example.test');
  expect(mail.purpose).toBe('register');
  s.server.clickEmailLink(mail.link);

  const screen = await t.waitFor('Registered @zed:localhost');
  expect(await t.exitCode()).toBe(0);
  expect(screen).not.toContain('zed-password-1');
  expect(screen).toContain('Use --show-token');
  expect(s.server.getUser('zed')?.threepids.map((x) => x.address)).toEqual(['zed@example.test']);
});

test('reset-cross-signing with m.oauth: the approval URL is printed, Enter confirms once approved', async () => {
  const s = await serve({
    users: [{ userId: ALICE.userId, password: ALICE.password, devices: ['MAIN'], crossSigningMasterKey: { user_id: ALICE.userId, usage: ['master'], keys: { 'ed25519:b2xkb2xkb2xkb2xkb2xkb2xkb2xkb2xkb2xkb2xkb2w': 'b2xkb2xkb2xkb2xkb2xkb2xkb2xkb2xkb2xkb2xkb2w' } } }],
    endpoints: { crossSigningUpload: { flows: [['m.oauth']] } },
  });
  const token = s.server.createAccessToken(ALICE.userId, 'MAIN');
  // Polling far apart: only the user's Enter can move the negotiation on.
  const t = cliInTmux(['reset-cross-signing', '--homeserver', s.url, '--yes', '--poll-interval', '600000'], { MATRIX_UIA_ACCESS_TOKEN: token });
  const screen = await t.waitFor('Press Enter when done');
  const url = /(http:\/\/127\.0\.0\.1:\d+\/_simulator\/oauth\/approve\?session=\S+)/.exec(screen)?.[1];
  expect(url).toBeDefined();
  expect(screen).toContain('Approve this action on your account page');
  s.server.completeByUrl(url!);
  t.press('Enter');
  await t.waitFor('Cross-signing keys replaced');
  expect(await t.exitCode()).toBe(0);
  expect(Object.keys((s.server.getUser('alice')!.crossSigning.master as { keys: object }).keys)).not.toContain('ed25519:b2xkb2xkb2xkb2xkb2xkb2xkb2xkb2xkb2xkb2xkb2w');
});

test('Ctrl-C while waiting for the email link cancels with exit code 130 (#16.3)', async () => {
  const s = await serve({ endpoints: { register: { flows: [['m.login.email.identity']] } } });
  const t = cliInTmux(['register', '--homeserver', s.url, '--username', 'quit', '--email', 'quit@example.test'], { MATRIX_UIA_NEW_PASSWORD: 'quit-pass' });
  await t.waitFor('Waiting for the link to be opened');
  t.press('C-c');
  await t.waitFor('Cancelled: interrupted (Ctrl-C)');
  expect(await t.exitCode()).toBe(130);
  expect(s.server.getUser('quit')).toBeUndefined();
});

test('Ctrl-C at a question: exit 130, --json reports AbortedError, no @inquirer message (#16.3)', async () => {
  const s = await serve();
  const token = s.server.createAccessToken(ALICE.userId, 'MAIN');
  // No --user: the client asks the server whose token it is, and the question names the account.
  const t = cliInTmux(['delete-device', 'PHONE', '--homeserver', s.url, '--json'], { MATRIX_UIA_ACCESS_TOKEN: token });
  await t.waitFor(`Password for ${ALICE.userId}:`);
  t.press('C-c');
  const screen = await t.waitFor(/\[exit \d+\]/);
  expect(await t.exitCode()).toBe(130);
  expect(screen).not.toContain('force closed');
  expect(screen).not.toContain('ExitPromptError');
  const json = JSON.parse(/^\{"ok".*$/m.exec(screen)![0]) as { ok: boolean; exitCode: number; error: { name: string; code: string } };
  expect(json).toMatchObject({ ok: false, exitCode: 130, error: { name: 'AbortedError', code: 'ABORTED', interrupted: true } });
  expect(count(screen, 'Cancelled')).toBe(1);
  expect(s.server.getUser('alice')!.devices.has('PHONE')).toBe(true);
});

test('Enter during the email wait says what the check found (#16.3)', async () => {
  const s = await serve({ endpoints: { register: { flows: [['m.login.email.identity']] } } });
  // Automatic checks far apart: only the user's Enter checks.
  const t = cliInTmux(['register', '--homeserver', s.url, '--username', 'eve', '--email', 'eve@example.test', '--poll-interval', '600000'], { MATRIX_UIA_NEW_PASSWORD: 'eve-pass-1' });
  await t.waitFor('Waiting for the link to be opened');
  t.press('Enter');
  await t.waitFor('Checked: the link has not been opened yet. Still waiting.');
  const mail = await s.server.outbox.waitFor('eve@example.test');
  s.server.clickEmailLink(mail.link);
  t.press('Enter');
  const screen = await t.waitFor('Registered @eve:localhost');
  expect(screen).toContain('(device ');
  expect(screen).not.toContain('(session ');
  expect(await t.exitCode()).toBe(0);
});

test('declining a confirmation: one plain "Cancelled" line, exit 7 (#16.3)', async () => {
  const s = await serve();
  const token = s.server.createAccessToken(ALICE.userId, 'MAIN');
  const t = cliInTmux(['deactivate', '--homeserver', s.url], { MATRIX_UIA_ACCESS_TOKEN: token });
  await t.waitFor(`Deactivate ${ALICE.userId}? This cannot be undone.`);
  t.type('n');
  t.press('Enter');
  const screen = await t.waitFor(/\[exit \d+\]/);
  expect(await t.exitCode()).toBe(7);
  expect(screen).toContain('Cancelled: not confirmed, nothing was changed.');
  expect(screen).not.toMatch(/Cancelled[.:] Cancelled/);
  expect(s.server.getUser('alice')!.deactivated).toBeFalsy();
});

describe('--json as a plain child process', () => {
  test('delete-devices: JSON result on stdout, messages on stderr, exit 0', async () => {
    const s = await serve();
    const token = s.server.createAccessToken(ALICE.userId, 'MAIN');
    const r = await cliProcess(['delete-devices', 'PHONE', 'TABLET', '--homeserver', s.url, '--json'], { MATRIX_UIA_ACCESS_TOKEN: token, MATRIX_UIA_PASSWORD: ALICE.password });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ ok: true, command: 'delete-devices', result: {} });
    expect(r.stderr).toContain('2 device(s) deleted');
    expect(r.stderr + r.stdout).not.toContain(ALICE.password);
    expect([...s.server.getUser('alice')!.devices.keys()]).toEqual(['MAIN']);
  });

  test('a wrong password with no terminal to ask again: exit 10 and a typed JSON error', async () => {
    const s = await serve();
    const token = s.server.createAccessToken(ALICE.userId, 'MAIN');
    const r = await cliProcess(['delete-device', 'PHONE', '--homeserver', s.url, '--json'], { MATRIX_UIA_ACCESS_TOKEN: token, MATRIX_UIA_PASSWORD: 'nope-wrong' });
    expect(r.code).toBe(10);
    const out = JSON.parse(r.stdout) as { ok: boolean; exitCode: number; error: { name: string; code: string; errcode: string; message: string } };
    expect(out).toMatchObject({ ok: false, command: 'delete-device', exitCode: 10, error: { name: 'StageError', code: 'STAGE', errcode: 'M_FORBIDDEN' } });
    expect(r.stdout + r.stderr).not.toContain('nope-wrong');
    expect(s.server.getUser('alice')!.devices.has('PHONE')).toBe(true);
  });

  test('register with a registration token, terms accepted by flag; the token is shown only with --show-token', async () => {
    const s = await serve({ endpoints: { register: { flows: [['m.login.registration_token', 'm.login.terms', 'm.login.dummy']] } }, registrationTokens: [{ token: 'let-me-in' }] });
    const args = ['register', '--homeserver', s.url, '--registration-token', 'let-me-in', '--accept-terms', '--json'];
    const [hidden, shown] = await Promise.all([
      cliProcess([...args, '--username', 'yan'], { MATRIX_UIA_NEW_PASSWORD: 'yan-pass' }),
      cliProcess([...args, '--username', 'yin', '--show-token'], { MATRIX_UIA_NEW_PASSWORD: 'yin-pass' }),
    ]);
    expect(hidden.code).toBe(0);
    const res = JSON.parse(hidden.stdout) as { result: Record<string, unknown> };
    expect(res.result).toMatchObject({ user_id: '@yan:localhost' });
    expect(res.result.access_token).toBeUndefined();
    expect((JSON.parse(shown.stdout) as { result: Record<string, unknown> }).result.access_token).toEqual(expect.any(String));
  });

  test('exit codes: usage (no access token), no auth flow, network', async () => {
    const s = await serve({ endpoints: { deleteDevice: { flows: [['m.login.email.identity']] } } });
    const token = s.server.createAccessToken(ALICE.userId, 'MAIN');
    const [usage, noFlow, bad] = await Promise.all([
      cliProcess(['delete-device', 'PHONE', '--homeserver', s.url, '--json']),
      cliProcess(['delete-device', 'PHONE', '--homeserver', s.url, '--json'], { MATRIX_UIA_ACCESS_TOKEN: token }),
      cliProcess(['delete-device']),
    ]);
    expect(usage.code).toBe(2);
    expect(JSON.parse(usage.stdout)).toMatchObject({ ok: false, exitCode: 2 });
    expect(bad.code).toBe(2);
    expect(noFlow.code).toBe(3);
    expect(JSON.parse(noFlow.stdout)).toMatchObject({ ok: false, error: { code: 'NO_AUTH_FLOW' } });
    const closed = `http://127.0.0.1:${new URL(s.url).port}`;
    await s.close();
    servers = [];
    const network = await cliProcess(['delete-device', 'PHONE', '--homeserver', closed, '--json'], { MATRIX_UIA_ACCESS_TOKEN: token });
    expect(network.code).toBe(5);
  });
});

test('a browser-page stage completed by polling, then terms: the terms question waits for the first prompt to end (#16.1)', async () => {
  const s = await serve({ endpoints: { register: { flows: [['m.login.recaptcha', 'm.login.terms']] } } });
  const t = cliInTmux(['register', '--homeserver', s.url, '--username', 'rex', '--poll-interval', '100'], { MATRIX_UIA_NEW_PASSWORD: 'rex-password-1' });
  const screen = await t.waitFor('Press Enter when done');
  const url = /(http:\/\/127\.0\.0\.1:\d+\/_matrix\/client\/v3\/auth\/m\.login\.recaptcha\/fallback\/web\?session=\S+)/.exec(screen)?.[1];
  expect(url).toBeDefined();
  // Completed in "the browser": the client's polling notices, and the terms question replaces the wait.
  s.server.completeByUrl(url!);
  await t.waitFor('Do you accept these policies?');
  t.type('y');
  t.press('Enter');
  const done = await t.waitFor(/Registered @rex:localhost|\[exit \d+\]/);
  expect(done).not.toContain('force closed');
  expect(done).toContain('Registered @rex:localhost');
  expect(await t.exitCode()).toBe(0);
});

describe('conventions as a plain child process (#16.2, #16.3)', () => {
  test('without --homeserver a command refuses (exit 2) instead of silently using the simulator; --simulator runs it there', async () => {
    const [bare, json, both, simulated] = await Promise.all([
      cliProcess(['delete-device', DEMO_ACCOUNT.otherDeviceId]),
      cliProcess(['delete-device', DEMO_ACCOUNT.otherDeviceId, '--json']),
      cliProcess(['delete-device', DEMO_ACCOUNT.otherDeviceId, '--simulator', '--homeserver', 'http://127.0.0.1:9']),
      cliProcess(['delete-device', DEMO_ACCOUNT.otherDeviceId, '--simulator', '--json'], { MATRIX_UIA_PASSWORD: DEMO_ACCOUNT.password }),
    ]);
    expect(bare.code).toBe(2);
    expect(bare.stdout).toBe('');
    expect(bare.stderr).toContain('delete-device needs a homeserver: pass --homeserver URL');
    expect(bare.stderr).toContain('--simulator');
    expect(json.code).toBe(2);
    expect(JSON.parse(json.stdout)).toMatchObject({ ok: false, exitCode: 2, error: { name: 'UsageError', code: 'USAGE' } });
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('either --homeserver or --simulator');
    expect(simulated.code).toBe(0);
    expect(JSON.parse(simulated.stdout)).toEqual({ ok: true, command: 'delete-device', result: {} });
    expect(simulated.stderr).toContain('embedded demo homeserver');
  });

  test('the tour keeps the embedded simulator and ends by itself without a terminal', async () => {
    const r = await cliProcess([], {}, { script: TOUR });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Embedded demo homeserver');
    expect(r.stdout).toContain('Password changed.');
  });

  test('--version prints the package version; --help into a closed pipe ends quietly', async () => {
    const [v, closed] = await Promise.all([cliProcess(['--version']), cliProcess(['--help'], {}, { closeStdout: true })]);
    expect(v.code).toBe(0);
    expect(v.stdout.trim()).toBe(version);
    expect(closed.code).toBe(0);
    expect(closed.stderr).toBe('');
  });

  test('errors go to stderr, not stdout; a dead server is named with the reason', async () => {
    const s = await serve();
    const token = s.server.createAccessToken(ALICE.userId, 'MAIN');
    const dead = `http://127.0.0.1:${new URL(s.url).port}`;
    await s.close();
    servers = [];
    const [plain, json] = await Promise.all([
      cliProcess(['delete-device', 'PHONE', '--homeserver', dead], { MATRIX_UIA_ACCESS_TOKEN: token }),
      cliProcess(['delete-device', 'PHONE', '--homeserver', dead, '--json'], { MATRIX_UIA_ACCESS_TOKEN: token }),
    ]);
    expect(plain.code).toBe(5);
    expect(plain.stdout).toBe('');
    expect(plain.stderr).toContain(`Cannot reach the homeserver at ${dead}: connection refused (nothing is listening on that port).`);
    expect(plain.stderr).not.toContain('fetch failed');
    expect(json.code).toBe(5);
    expect(JSON.parse(json.stdout)).toMatchObject({ ok: false, exitCode: 5, error: { name: 'NetworkError', code: 'NETWORK', homeserver: dead, errno: 'ECONNREFUSED' } });
  });

  test('SIGINT during a request (no question open): exit 130 and AbortedError, not a killed process', async () => {
    // A server that takes the request and never answers.
    const sockets: Socket[] = [];
    let gotRequest!: () => void;
    const requested = new Promise<void>((r) => (gotRequest = r));
    const silent = createServer((sock) => {
      sockets.push(sock);
      sock.once('data', () => gotRequest());
    });
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const port = (silent.address() as { port: number }).port;
    try {
      const child = spawn(...tsCommand(MAIN, ['delete-device', 'PHONE', '--homeserver', `http://127.0.0.1:${port}`, '--json']), {
        cwd: ROOT,
        env: { ...process.env, NO_COLOR: '1', MATRIX_UIA_ACCESS_TOKEN: 'tok' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      const closed = new Promise<number | null>((r) => child.on('close', r));
      await requested;
      child.kill('SIGINT');
      expect(await closed).toBe(130);
      expect(JSON.parse(stdout)).toMatchObject({ ok: false, exitCode: 130, error: { name: 'AbortedError', code: 'ABORTED' } });
    } finally {
      for (const sock of sockets) sock.destroy();
      await new Promise((r) => silent.close(r));
    }
  });

  test('with --no-input a refused password is reported once', async () => {
    const s = await serve();
    const token = s.server.createAccessToken(ALICE.userId, 'MAIN');
    const r = await cliProcess(['delete-device', 'PHONE', '--homeserver', s.url, '--no-input'], { MATRIX_UIA_ACCESS_TOKEN: token, MATRIX_UIA_PASSWORD: 'not-the-one' });
    expect(r.code).toBe(10);
    expect(count(r.stderr, 'Invalid username or password')).toBe(1);
    expect(r.stdout).not.toContain('Invalid');
  });

  test('--password-stdin reads the password from a pipe', async () => {
    const s = await serve();
    const token = s.server.createAccessToken(ALICE.userId, 'MAIN');
    const [ok, empty] = await Promise.all([
      cliProcess(['delete-device', 'PHONE', '--homeserver', s.url, '--password-stdin', '--json'], { MATRIX_UIA_ACCESS_TOKEN: token }, { stdin: `${ALICE.password}\n` }),
      cliProcess(['delete-device', 'TABLET', '--homeserver', s.url, '--password-stdin'], { MATRIX_UIA_ACCESS_TOKEN: token }, { stdin: '' }),
    ]);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ ok: true });
    expect(ok.stdout + ok.stderr).not.toContain(ALICE.password);
    expect(s.server.getUser('alice')!.devices.has('PHONE')).toBe(false);
    expect(empty.code).toBe(2);
    expect(empty.stderr).toContain('--password-stdin: nothing was read from stdin');
    expect(s.server.getUser('alice')!.devices.has('TABLET')).toBe(true);
  });

  test('FORCE_COLOR forces colour into a pipe; NO_COLOR (and a pipe) keep it plain', async () => {
    const args = ['delete-device', 'PHONE'];
    const [forced, plain, zero] = await Promise.all([cliProcess(args, { NO_COLOR: '', FORCE_COLOR: '1' }), cliProcess(args, { NO_COLOR: '1' }), cliProcess(args, { NO_COLOR: '', FORCE_COLOR: '0' })]);
    expect(forced.stderr).toContain('\u001b[31m✖');
    expect(plain.stderr).not.toContain('\u001b[');
    expect(zero.stderr).not.toContain('\u001b[');
  });

  test('why the device list is checked first: Synapse 1.67 (recorded) and the simulator answer 200 {} to deleting an unknown device', async () => {
    const recording = JSON.parse(readFileSync(resolve(ROOT, 'test/fixtures/synapse-1.67.0-uia.json'), 'utf8')) as {
      exchanges: { method: string; url: string; request_body: { auth?: unknown } | null; status: number; response_body: unknown }[];
    };
    const synapse = recording.exchanges.find((x) => x.method === 'DELETE' && x.url.endsWith('/devices/NOPE') && x.request_body?.auth);
    expect(synapse).toMatchObject({ status: 200, response_body: {} });
    const s = await serve();
    const token = s.server.createAccessToken(ALICE.userId, 'MAIN');
    const client = createMatrixClient({ baseUrl: s.url, accessToken: token });
    await expect(deleteDevice(client, 'NOPE', { userId: ALICE.userId, handlers: { password: () => ALICE.password } })).resolves.toEqual({});
  });

  test('delete-device of an unknown device says the server has no such device, before asking any password', async () => {
    const s = await serve();
    const token = s.server.createAccessToken(ALICE.userId, 'MAIN');
    const [one, some] = await Promise.all([
      cliProcess(['delete-device', 'NOSUCHDEV', '--homeserver', s.url], { MATRIX_UIA_ACCESS_TOKEN: token }),
      cliProcess(['delete-devices', 'PHONE', 'NOSUCHDEV', '--homeserver', s.url, '--json'], { MATRIX_UIA_ACCESS_TOKEN: token }),
    ]);
    expect(one.code).toBe(4);
    expect(one.stderr).toContain(`The server lists no device NOSUCHDEV for ${ALICE.userId}`);
    expect(one.stderr).not.toContain('password');
    expect(some.code).toBe(4);
    expect(JSON.parse(some.stdout)).toMatchObject({ ok: false, exitCode: 4, error: { name: 'NoSuchDeviceError', code: 'NO_SUCH_DEVICE', deviceIds: ['NOSUCHDEV'] } });
    expect(s.server.getUser('alice')!.devices.has('PHONE')).toBe(true);
    expect(s.server.requests.some((r) => r.method === 'DELETE' || r.path.endsWith('/delete_devices'))).toBe(false);
  });
});

describe('a server that delegates auth (OAuth 2.0 / next-generation auth, #13.5)', () => {
  const ACCOUNT_URL = /(http:\/\/127\.0\.0\.1:\d+\/_simulator\/account\?\S+)/;

  test('delete-device in a terminal: the account page URL is printed, the embedded server stays up until Enter, exit 11', async () => {
    const t = cliInTmux(['delete-device', DEMO_ACCOUNT.otherDeviceId, '--simulator', 'delegated']);
    const screen = await t.waitFor('Press Enter to stop it');
    expect(screen).toContain('delegates authentication to an OAuth 2.0 server');
    expect(screen).not.toContain('Password');
    const url = ACCOUNT_URL.exec(screen)![1]!;
    expect(new URL(url).searchParams.get('action')).toBe('org.matrix.device_delete');
    expect(new URL(url).searchParams.get('device_id')).toBe(DEMO_ACCOUNT.otherDeviceId);
    // The page works while the client waits: the user signs the device out there.
    const page = await fetch(url);
    expect(page.status).toBe(200);
    const done = await fetch(url, { method: 'POST', headers: { Accept: 'application/json' } });
    expect(await done.json()).toMatchObject({ done: true, action: 'org.matrix.device_delete' });
    t.press('Enter');
    expect(await t.exitCode()).toBe(11);
  });

  test('reset-cross-signing in a terminal: approved on the account page, the client notices and finishes', async () => {
    const t = cliInTmux(['reset-cross-signing', '--simulator', 'delegated', '--yes', '--poll-interval', '200']);
    const screen = await t.waitFor('Press Enter when done');
    expect(screen).toContain('Approve this action on your account page');
    const url = new URL(ACCOUNT_URL.exec(screen)![1]!);
    expect(url.searchParams.get('action')).toBe('org.matrix.cross_signing_reset');
    // The simulator's page has no login: with several demo accounts, the person says which.
    url.searchParams.set('user', DEMO_ACCOUNT.userId);
    const approved = await fetch(url, { method: 'POST', headers: { Accept: 'application/json' } });
    expect(approved.status).toBe(200);
    await t.waitFor('Cross-signing keys replaced');
    expect(await t.exitCode()).toBe(0);
  });

  test('reset-cross-signing on the embedded delegated server: typing sim approves on its account page', async () => {
    // Polling far apart: only the shortcut moves the negotiation on.
    const t = cliInTmux(['reset-cross-signing', '--simulator', 'delegated', '--yes', '--poll-interval', '600000']);
    await t.waitFor('type sim to let the embedded homeserver complete it');
    t.type('sim');
    t.press('Enter');
    await t.waitFor('Cross-signing keys replaced');
    expect(await t.exitCode()).toBe(0);
  });

  test('--json: {ok:false, exitCode:11, error:{code, url, action}}; nothing sent to the endpoints; registration names the issuer', async () => {
    const s = await startHomeserver(delegatedConfig());
    servers.push(s);
    const [del, deact, reg] = await Promise.all([
      cliProcess(['delete-device', DEMO_ACCOUNT.otherDeviceId, '--homeserver', s.url, '--json'], { MATRIX_UIA_ACCESS_TOKEN: DEMO_ACCOUNT.accessToken, MATRIX_UIA_PASSWORD: DEMO_ACCOUNT.password }),
      cliProcess(['deactivate', '--homeserver', s.url, '--json', '--yes'], { MATRIX_UIA_ACCESS_TOKEN: DEMO_ACCOUNT.accessToken, MATRIX_UIA_PASSWORD: DEMO_ACCOUNT.password }),
      cliProcess(['register', '--homeserver', s.url, '--username', 'newbie', '--json'], { MATRIX_UIA_NEW_PASSWORD: 'newbie-pass-1' }),
    ]);
    expect(del.code).toBe(11);
    expect(JSON.parse(del.stdout)).toEqual({
      ok: false,
      command: 'delete-device',
      exitCode: 11,
      error: expect.objectContaining({
        name: 'AccountManagementRequiredError',
        code: 'ACCOUNT_MANAGEMENT_REQUIRED',
        url: `${s.url}/_simulator/account?action=org.matrix.device_delete&device_id=${DEMO_ACCOUNT.otherDeviceId}`,
        action: 'org.matrix.device_delete',
      }),
    });
    expect(del.stderr).toContain(`${s.url}/_simulator/account?action=org.matrix.device_delete`);
    expect(deact.code).toBe(11);
    expect(JSON.parse(deact.stdout)).toMatchObject({ error: { code: 'ACCOUNT_MANAGEMENT_REQUIRED', action: 'org.matrix.account_deactivate' } });
    expect(reg.code).toBe(11);
    expect(JSON.parse(reg.stdout)).toMatchObject({ exitCode: 11, error: { name: 'OAuthRegistrationRequiredError', code: 'OAUTH_REGISTRATION_REQUIRED', issuer: `${s.url}/_simulator/oauth2/` } });
    expect(reg.stderr).toContain(`registration goes through ${s.url}/_simulator/oauth2/`);
    // Decided before any request to the operations themselves: no password went anywhere.
    const sent = s.server.requests.map((r) => `${r.method} ${r.path.split('?')[0]}`);
    expect(sent.filter((r) => /\/devices\/|\/delete_devices|\/account\/deactivate|\/register/.test(r) && !r.startsWith('GET'))).toEqual([]);
    expect(s.server.getUser('alice')!.devices.has(DEMO_ACCOUNT.otherDeviceId)).toBe(true);
  });
});
