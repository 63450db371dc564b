/**
 * `npm run homeserver` (src/testing/cli.ts, src/testing/homeserver-cli.ts): argument parsing,
 * `--help`, every preset started as the command starts it (in-process, on a free port of
 * 127.0.0.1) with its flows checked and a negotiation through each one run by the library, the
 * real process with a preset, and a busy port.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import {
  changePassword,
  createMatrixClient,
  deactivateAccount,
  deleteDevice,
  register,
  uploadCrossSigningKeys,
  type MatrixClient,
} from '../../src/fetch';
import type { StageHandlers } from '../../src/api/run-uia';
import { AccountManagementRequiredError } from '../../src/errors/delegated-errors';
import { DEMO_ACCOUNT, DEMO_LEAVING_ACCOUNT, DEMO_NEW_ACCOUNT, type Homeserver } from '../../src/testing';
import { DEFAULT_PORT, homeserverUsage, parseHomeserverArgs, runHomeserverCli, type RunningHomeserverCli } from '../../src/testing/homeserver-cli';
import { DEMO_MSISDN, HOMESERVER_PRESETS } from '../../src/testing/homeserver-presets';
import { tsCommand } from '../helpers/ts-process';

const ROOT = resolve(__dirname, '../..');
const EMAIL = 'm.login.email.identity';
const KEY = Buffer.alloc(32, 9).toString('base64').replace(/=+$/, '');

describe('parseHomeserverArgs', () => {
  it('defaults: port 8008, the default preset, logging on, no delay', () => {
    expect(parseHomeserverArgs([])).toEqual({ port: DEFAULT_PORT, preset: 'default', quiet: false, delayMs: 0 });
    expect(DEFAULT_PORT).toBe(8008);
  });

  it('reads --preset, --port, --delay as two words or with =, and --quiet / -q', () => {
    expect(parseHomeserverArgs(['--preset', 'token', '--port', '0', '-q'])).toEqual({ port: 0, preset: 'token', quiet: true, delayMs: 0 });
    expect(parseHomeserverArgs(['--preset=synapse-1.67', '--port=9009', '--delay=250', '--quiet'])).toEqual({ port: 9009, preset: 'synapse-1.67', quiet: true, delayMs: 250 });
  });

  it('asks for help with --help or -h, whatever else is given', () => {
    expect(parseHomeserverArgs(['--port', 'x', '--help'])).toEqual({ error: 'Invalid port: x (0 to 65535; 0 picks a free port)' });
    expect(parseHomeserverArgs(['-h'])).toEqual({ help: true });
    expect(parseHomeserverArgs(['--preset', 'token', '--help'])).toEqual({ help: true });
  });

  it.each([['-1'], ['65536'], ['1.5'], ['abc'], ['0x10'], ['']])('refuses the port %j', (port) => {
    expect(parseHomeserverArgs([`--port=${port}`])).toHaveProperty('error');
  });

  it('refuses an unknown preset naming the known ones, two presets, a missing value, an unknown argument', () => {
    const unknown = parseHomeserverArgs(['--preset', 'nope']);
    expect(unknown).toEqual({ error: expect.stringContaining('Unknown preset: nope (known: default, token, terms, recaptcha, email, msisdn, all-stages, sso, oauth, delegated, synapse-1.67') });
    expect(parseHomeserverArgs(['--preset', 'token', '--preset', 'terms'])).toEqual({ error: expect.stringContaining('presets do not combine') });
    expect(parseHomeserverArgs(['--preset'])).toEqual({ error: '--preset needs a value' });
    expect(parseHomeserverArgs(['--port', '--quiet'])).toEqual({ error: '--port needs a value' });
    expect(parseHomeserverArgs(['--delay', '-5'])).toEqual({ error: 'Invalid delay: -5 (milliseconds, 0 to 600000)' });
    expect(parseHomeserverArgs(['--verbose'])).toEqual({ error: 'Unknown argument: --verbose' });
  });
});

test('--help lists every preset with what it asks for and the guides it lets one try', () => {
  const help = homeserverUsage();
  for (const p of HOMESERVER_PRESETS) {
    expect(help).toMatch(new RegExp(`^  ${p.name.replace(/[.-]/g, '\\$&')} +${p.summary.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`, 'm'));
  }
  expect(help).toContain('--port N');
  expect(help).toContain('0 picks a free port');
  expect(help).toContain('guides: register.md');
});

/** Output of an in-process run. */
function io() {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { out: (t: string) => void out.push(t), err: (t: string) => void err.push(t) } };
}

/** The stage types a client submitted, in order, each once (polls repeat them). */
function submittedStages(server: Homeserver, path: string, since: number): string[] {
  const types: string[] = [];
  for (const r of server.requests.slice(since)) {
    const type = (r.body as { auth?: { type?: string } } | undefined)?.auth?.type;
    if (r.path.split('?')[0]!.endsWith(path) && type && types.at(-1) !== type) types.push(type);
  }
  return types;
}

/** Handlers that play a willing user for any stage, through the simulator's handles. */
function userHandlers(server: Homeserver, password: string = DEMO_ACCOUNT.password): StageHandlers {
  return {
    password: () => password,
    recaptcha: () => 'a human',
    terms: () => true,
    registrationToken: () => server.registrationTokens.list()[0]!.token,
    emailSent: ({ email, check }) => {
      server.clickEmailLink(email!);
      check();
    },
    msisdnCode: () => server.outbox.latest((m) => m.medium === 'msisdn')!.code,
    external: ({ url }) => server.completeByUrl(url),
  };
}

/** What each preset must offer, and a negotiation through it. */
const EXPECTED: Record<string, { register: string[][] | 'forbidden'; check: (c: { url: string; server: Homeserver; anon: MatrixClient; alice: MatrixClient }) => Promise<void> }> = {
  default: {
    register: [['m.login.dummy'], [EMAIL]],
    async check({ server, anon, alice }) {
      await expect(register(anon, { username: 'd1', password: 'p' }, { handlers: userHandlers(server) })).resolves.toMatchObject({ user_id: '@d1:localhost' });
      const since = server.requests.length;
      await changePassword(alice, { newPassword: 'new horse' }, { userId: DEMO_ACCOUNT.userId, handlers: userHandlers(server) });
      expect(submittedStages(server, '/account/password', since)).toEqual(['m.login.password']);
    },
  },
  token: {
    register: [
      ['m.login.registration_token', 'm.login.dummy'],
      ['m.login.registration_token', EMAIL],
    ],
    async check({ server, anon }) {
      await register(anon, { username: 't1', password: 'p' }, { handlers: userHandlers(server) });
      expect(submittedStages(server, '/register', 0)).toEqual(['m.login.registration_token', 'm.login.dummy']);
      expect(server.registrationTokens.list()[0]).toMatchObject({ token: DEMO_ACCOUNT.registrationToken, completed: 1 });
    },
  },
  terms: {
    register: [
      ['m.login.terms', 'm.login.dummy'],
      ['m.login.terms', EMAIL],
    ],
    async check({ server, anon }) {
      await register(anon, { username: 'terms1', password: 'p' }, { handlers: userHandlers(server), inputs: { emailAddress: 'terms1@example.org' }, polling: { intervalMs: 20 } });
      expect(submittedStages(server, '/register', 0)).toEqual(['m.login.terms', EMAIL]);
    },
  },
  recaptcha: {
    register: [
      ['m.login.recaptcha', 'm.login.dummy'],
      ['m.login.recaptcha', EMAIL],
    ],
    async check({ server, anon }) {
      await register(anon, { username: 'r1', password: 'p' }, { handlers: userHandlers(server) });
      expect(submittedStages(server, '/register', 0)).toEqual(['m.login.recaptcha', 'm.login.dummy']);
    },
  },
  email: {
    register: [[EMAIL]],
    async check({ server, anon }) {
      await register(anon, { username: 'e1', password: 'p' }, { handlers: userHandlers(server), inputs: { emailAddress: 'e1@example.org' }, polling: { intervalMs: 20 } });
      expect(server.getUser('e1')!.threepids.map((t) => t.address)).toEqual(['e1@example.org']);
      expect(server.config.endpoints.passwordReset.flows).toEqual([[EMAIL]]);
      // The forgotten password of the demo account, by its bound email.
      await changePassword(anon, { newPassword: 'reset horse' }, { handlers: userHandlers(server), inputs: { emailAddress: DEMO_ACCOUNT.email }, polling: { intervalMs: 20 } });
      expect(server.getUser(DEMO_ACCOUNT.userId)!.password).toBe('reset horse');
    },
  },
  msisdn: {
    register: [['m.login.msisdn']],
    async check({ server, anon }) {
      await register(anon, { username: 'm1', password: 'p' }, { handlers: userHandlers(server), inputs: { phoneCountry: 'GB', phoneNumber: '07700 900456' } });
      expect(server.getUser('m1')!.threepids.map((t) => t.address)).toEqual(['447700900456']);
      expect(server.getUser(DEMO_ACCOUNT.userId)!.threepids.map((t) => t.address)).toContain(DEMO_MSISDN);
      expect(server.config.endpoints.passwordReset.flows).toEqual([['m.login.msisdn']]);
    },
  },
  'all-stages': {
    register: [['m.login.registration_token', 'm.login.recaptcha', 'm.login.terms', EMAIL]],
    async check({ url, server, anon, alice }) {
      await register(anon, { username: 'a1', password: 'p' }, { handlers: userHandlers(server), inputs: { emailAddress: 'a1@example.org' }, polling: { intervalMs: 20 } });
      expect(submittedStages(server, '/register', 0)).toEqual(['m.login.registration_token', 'm.login.recaptcha', 'm.login.terms', EMAIL]);
      const leaving = createMatrixClient({ baseUrl: url, accessToken: DEMO_LEAVING_ACCOUNT.accessToken });
      await deactivateAccount(leaving, {}, { userId: DEMO_LEAVING_ACCOUNT.userId, handlers: userHandlers(server), polling: { intervalMs: 20 } });
      expect(server.getUser(DEMO_LEAVING_ACCOUNT.userId)!.deactivated).toBe(true);
      await replaceCrossSigningKey(server, alice, 'm.oauth');
    },
  },
  sso: {
    register: [['m.login.dummy'], [EMAIL]],
    async check({ server, alice }) {
      const opened: string[] = [];
      const handlers = userHandlers(server);
      await deleteDevice(alice, 'ALICEPHONE', { userId: DEMO_ACCOUNT.userId, handlers: { ...handlers, external: (p) => (opened.push(new URL(p.url).pathname), handlers.external!(p)) }, polling: { intervalMs: 20 } });
      expect(opened).toEqual(['/_matrix/client/v3/auth/m.login.sso/fallback/web']);
      expect(server.getUser(DEMO_ACCOUNT.userId)!.devices.has('ALICEPHONE')).toBe(false);
      expect(server.config.endpoints.deactivate.flows).toEqual([['m.login.sso']]);
      await replaceCrossSigningKey(server, alice, 'm.login.sso');
    },
  },
  oauth: {
    register: [['m.login.dummy'], [EMAIL]],
    async check({ server, alice }) {
      await replaceCrossSigningKey(server, alice, 'm.oauth');
    },
  },
  delegated: {
    register: 'forbidden',
    async check({ url, server, alice }) {
      const metadata = (await (await fetch(`${url}/_matrix/client/v1/auth_metadata`)).json()) as { account_management_uri?: string };
      expect(metadata.account_management_uri).toBe(`${url}/_simulator/account`);
      // No UIA: the helper sends nothing and points to the account page, which does it.
      const refused = await deleteDevice(alice, 'ALICEPHONE', { userId: DEMO_ACCOUNT.userId, handlers: userHandlers(server) }).catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(AccountManagementRequiredError);
      server.completeByUrl((refused as AccountManagementRequiredError).url);
      expect(server.getUser(DEMO_ACCOUNT.userId)!.devices.has('ALICEPHONE')).toBe(false);
      // Replacing the cross-signing keys: m.oauth, approved on the account page.
      const since = server.requests.length;
      const master = { user_id: DEMO_ACCOUNT.userId, usage: ['master'], keys: { [`ed25519:${KEY}`]: KEY } };
      await uploadCrossSigningKeys(alice, { master_key: master }, { userId: DEMO_ACCOUNT.userId, handlers: userHandlers(server), polling: { intervalMs: 20 } });
      expect(server.requests.slice(since).find((r) => r.path.endsWith('/keys/device_signing/upload'))?.status).toBe(401);
      expect(Object.keys((server.getUser(DEMO_ACCOUNT.userId)!.crossSigning.master as { keys: object }).keys)).toEqual([`ed25519:${KEY}`]);
    },
  },
  'synapse-1.67': {
    register: [['m.login.dummy'], [EMAIL]],
    async check({ server, anon }) {
      expect(server.config.synapseQuirks.unorderedStages).toBe(true);
      await register(anon, { username: 's1', password: 'p' }, { handlers: userHandlers(server) });
      expect(server.getUser('@admin:localhost')!.admin).toBe(true);
    },
  },
  'synapse-1.67-token': {
    register: [
      ['m.login.registration_token', 'm.login.dummy'],
      ['m.login.registration_token', EMAIL],
    ],
    async check({ server, anon }) {
      expect(server.registrationTokens.list().map((t) => t.token)).toEqual(['testtoken']);
      await register(anon, { username: 's2', password: 'p' }, { handlers: userHandlers(server) });
      expect(submittedStages(server, '/register', 0)).toEqual(['m.login.registration_token', 'm.login.dummy']);
    },
  },
  'synapse-1.67-stages': {
    register: [
      ['m.login.recaptcha', 'm.login.terms', 'm.login.dummy'],
      ['m.login.recaptcha', 'm.login.terms', EMAIL],
    ],
    async check({ server, anon }) {
      await register(anon, { username: 's3', password: 'p' }, { handlers: userHandlers(server) });
      expect(submittedStages(server, '/register', 0)).toEqual(['m.login.recaptcha', 'm.login.terms', 'm.login.dummy']);
    },
  },
};

/** Replaces the demo account's master key; the server must ask for `stage`. */
async function replaceCrossSigningKey(server: Homeserver, alice: MatrixClient, stage: string): Promise<void> {
  const since = server.requests.length;
  const master = { user_id: DEMO_ACCOUNT.userId, usage: ['master'], keys: { [`ed25519:${KEY}`]: KEY } };
  await uploadCrossSigningKeys(alice, { master_key: master }, { userId: DEMO_ACCOUNT.userId, handlers: userHandlers(server), polling: { intervalMs: 20 } });
  expect(Object.keys((server.getUser(DEMO_ACCOUNT.userId)!.crossSigning.master as { keys: object }).keys)).toEqual([`ed25519:${KEY}`]);
  const first = server.requests.slice(since).find((r) => r.path.endsWith('/keys/device_signing/upload'));
  expect(first?.status).toBe(401);
  expect(server.config.endpoints.crossSigningUpload.flows).toEqual([[stage]]);
}

test('every preset has a check in this test', () => {
  expect(Object.keys(EXPECTED).sort()).toEqual(HOMESERVER_PRESETS.map((p) => p.name).sort());
});

describe.each(HOMESERVER_PRESETS.map((p) => [p.name]))('--preset %s', (name) => {
  let run: RunningHomeserverCli;
  let printed: string;
  beforeEach(async () => {
    const o = io();
    const r = await runHomeserverCli(['--preset', name, '--port', '0', '--quiet'], o.io);
    if ('exitCode' in r) throw new Error(`exit ${r.exitCode}: ${o.err.join('')}`);
    run = r;
    printed = o.out.join('');
  });
  afterEach(() => run.close());

  it('prints the URL, the demo accounts and the flows; the server offers them; a negotiation through them completes', async () => {
    expect(printed).toContain(`listening on ${run.url}`);
    expect(printed).toContain(`preset "${name}"`);
    for (const s of [DEMO_ACCOUNT.userId, DEMO_ACCOUNT.password, DEMO_ACCOUNT.accessToken, DEMO_LEAVING_ACCOUNT.userId]) expect(printed).toContain(s);
    for (const t of run.server.registrationTokens.list()) expect(printed).toContain(t.token);
    const expected = EXPECTED[name]!;
    expect(printed).toContain(`POST /register`);
    const res = await fetch(`${run.url}/_matrix/client/v3/register`, { method: 'POST', body: '{}', headers: { 'Content-Type': 'application/json' } });
    if (expected.register === 'forbidden') {
      expect(res.status).toBe(403);
      expect(printed).toContain('POST /register: 403');
    } else {
      expect(printed).toContain(expected.register.map((f) => f.join(' → ')).join('  or  '));
      expect(res.status).toBe(401);
      expect(((await res.json()) as { flows: { stages: string[] }[] }).flows.map((f) => f.stages)).toEqual(expected.register);
    }
    await expected.check({
      url: run.url,
      server: run.server,
      anon: createMatrixClient({ baseUrl: run.url }),
      alice: createMatrixClient({ baseUrl: run.url, accessToken: DEMO_ACCOUNT.accessToken }),
    });
  });
});

test('--delay makes every answer wait; without --quiet each request is logged with its secrets redacted', async () => {
  const o = io();
  const r = await runHomeserverCli(['--preset', 'email', '--port', '0', '--delay', '30'], o.io);
  if ('exitCode' in r) throw new Error(o.err.join(''));
  try {
    expect(r.server.config.responseDelayMs).toBe(30);
    await register(createMatrixClient({ baseUrl: r.url }), { username: 'logged', password: 'pw-logged-1' }, { handlers: userHandlers(r.server), inputs: { emailAddress: 'logged@example.org' }, polling: { intervalMs: 20 } });
    const link = r.server.outbox.latest('logged@example.org')!;
    await fetch(link.link);
    const log = o.out.join('');
    expect(log).toMatch(/^POST \/_matrix\/client\/v3\/register\?kind=user → 401$/m);
    expect(log).toMatch(/^GET \/_simulator\/3pid\/submit_token\?sid=[^&]+&client_secret=\[redacted\]&token=\[redacted\] → 200$/m);
    for (const secret of [link.client_secret, link.code, 'pw-logged-1']) expect(log).not.toContain(secret);
  } finally {
    await r.close();
  }
});

function listenOnFreePort(): Promise<{ server: Server; port: number }> {
  return new Promise((done) => {
    const server = createServer((_q, s) => s.end());
    server.listen(0, '127.0.0.1', () => done({ server, port: (server.address() as AddressInfo).port }));
  });
}

test('a busy port says so and suggests --port 0 (exit 1)', async () => {
  const { server, port } = await listenOnFreePort();
  try {
    const o = io();
    expect(await runHomeserverCli(['--port', String(port)], o.io)).toEqual({ exitCode: 1 });
    expect(o.err.join('')).toBe(`Port ${port} on 127.0.0.1 is already in use (another simulator or homeserver is listening there).\nStart with --port 0 to pick a free port, or choose another with --port N.\n`);
    expect(o.out).toEqual([]);
  } finally {
    await new Promise((r) => server.close(r));
  }
});

test('bad arguments: exit 2, the reason and the usage on stderr; --help: exit 0 on stdout', async () => {
  const bad = io();
  expect(await runHomeserverCli(['--preset', 'nope'], bad.io)).toEqual({ exitCode: 2 });
  expect(bad.err.join('')).toMatch(/^Unknown preset: nope .*\n\nUsage: npm run homeserver/);
  const help = io();
  expect(await runHomeserverCli(['--help'], help.io)).toEqual({ exitCode: 0 });
  expect(help.out.join('')).toBe(homeserverUsage());
});

/** Runs `tsx src/testing/cli.ts args` until `until` matches its stdout (or it exits). */
function spawnCli(args: string[], until?: RegExp): Promise<{ out: string; err: string; code: number | null; stop(): Promise<number | null> }> {
  const child = spawn(...tsCommand('src/testing/cli.ts', args), { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  return new Promise((resolveRun, reject) => {
    const stop = () => {
      child.kill('SIGINT');
      return exited;
    };
    if (until) {
      child.stdout.on('data', () => {
        if (until.test(out)) resolveRun({ out, err, code: null, stop });
      });
    }
    void exited.then((code) => resolveRun({ out, err, code, stop }), reject);
  });
}

describe('the real process (tsx src/testing/cli.ts, what npm run homeserver runs)', () => {
  jest.setTimeout(30_000);

  it('--preset token --port 0: serves the preset, logs requests redacted, stops on SIGINT with exit 0', async () => {
    const run = await spawnCli(['--preset', 'token', '--port', '0'], /Press Ctrl-C to stop/);
    expect(run.code).toBeNull();
    const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(run.out)![1]!;
    const res = await fetch(`${url}/_matrix/client/v1/register/m.login.registration_token/validity?token=${DEMO_ACCOUNT.registrationToken}`);
    expect(await res.json()).toEqual({ valid: true });
    const first = await fetch(`${url}/_matrix/client/v3/register`, { method: 'POST', body: '{}' });
    expect(((await first.json()) as { flows: { stages: string[] }[] }).flows[0]!.stages).toEqual(['m.login.registration_token', 'm.login.dummy']);
    const code = await run.stop();
    expect(code).toBe(0);
  });

  it('a busy port: the message on stderr, exit 1', async () => {
    const { server, port } = await listenOnFreePort();
    try {
      const run = await spawnCli(['--port', String(port), '--preset', 'email']);
      expect(run.code).toBe(1);
      expect(run.err).toContain(`Port ${port} on 127.0.0.1 is already in use`);
      expect(run.err).toContain('--port 0');
    } finally {
      await new Promise((r) => server.close(r));
    }
  });
});

test('docs/testing.md lists every preset and the demo data as they are', () => {
  const doc = readFileSync(resolve(ROOT, 'docs/testing.md'), 'utf8');
  for (const p of HOMESERVER_PRESETS) expect(doc).toContain(`| \`${p.name}\` |`);
  const values = [
    DEMO_ACCOUNT.userId,
    DEMO_ACCOUNT.password,
    DEMO_ACCOUNT.accessToken,
    DEMO_ACCOUNT.email,
    DEMO_ACCOUNT.registrationToken,
    ...DEMO_ACCOUNT.devices.map((d) => d.deviceId),
    DEMO_LEAVING_ACCOUNT.userId,
    DEMO_LEAVING_ACCOUNT.password,
    DEMO_LEAVING_ACCOUNT.accessToken,
    DEMO_NEW_ACCOUNT.localpart,
    DEMO_NEW_ACCOUNT.password,
    DEMO_MSISDN,
  ];
  for (const v of values) expect(doc).toContain(`\`${v.startsWith('44') ? `+${v}` : v}\``);
});
