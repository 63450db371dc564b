/**
 * One set of demo accounts (src/testing/demo.ts) for the demo page, the terminal client's
 * embedded server, the tour and `npm run homeserver`: each of them shows and seeds the same
 * accounts, and the three sets there used to be are gone from the sources and docs.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { DEMO_DATA, demoHomeserverConfig } from '../../demo/homeserver-config';
import { startEmbeddedHomeserver } from '../../src/cli/embedded';
import { createMatrixClient, loginWithPassword } from '../../src/fetch';
import { createHomeserver, demoConfig, demoUsers, DEMO_ACCOUNT, DEMO_LEAVING_ACCOUNT, DEMO_NEW_ACCOUNT } from '../../src/testing';
import { homeserverBanner } from '../../src/testing/homeserver-cli';
import { HOMESERVER_PRESETS } from '../../src/testing/homeserver-presets';

const ROOT = path.resolve(__dirname, '../..');

test('the demo page seeds and shows the same accounts and registration token', () => {
  expect(DEMO_DATA.demoUser).toEqual({ userId: DEMO_ACCOUNT.userId, password: DEMO_ACCOUNT.password, accessToken: DEMO_ACCOUNT.accessToken, deviceId: DEMO_ACCOUNT.deviceId });
  expect(DEMO_DATA.leavingUser).toEqual({
    userId: DEMO_LEAVING_ACCOUNT.userId,
    password: DEMO_LEAVING_ACCOUNT.password,
    accessToken: DEMO_LEAVING_ACCOUNT.accessToken,
    deviceId: DEMO_LEAVING_ACCOUNT.deviceId,
  });
  expect(DEMO_DATA.registrationToken).toBe(DEMO_ACCOUNT.registrationToken);
  expect(demoHomeserverConfig().users).toEqual(demoUsers());
  expect(demoConfig().users).toEqual(demoUsers());
});

test('the seeds work: both accounts sign in with their password, the tokens belong to their devices', async () => {
  const hs = createHomeserver(demoConfig());
  const client = createMatrixClient({ baseUrl: 'http://hs.test', fetch: hs.fetch });
  for (const a of [DEMO_ACCOUNT, DEMO_LEAVING_ACCOUNT]) {
    await expect(loginWithPassword(client, { user: a.localpart, password: a.password })).resolves.toMatchObject({ user_id: a.userId });
    expect(hs.users.resolveToken(a.accessToken)).toMatchObject({ userId: a.userId, deviceId: a.deviceId });
  }
  expect([...hs.getUser(DEMO_ACCOUNT.userId)!.devices.keys()]).toEqual(expect.arrayContaining(DEMO_ACCOUNT.devices.map((d) => d.deviceId)));
  expect(DEMO_ACCOUNT.devices[0]!.deviceId).toBe(DEMO_ACCOUNT.deviceId);
  expect(DEMO_ACCOUNT.devices.map((d) => d.deviceId)).toContain(DEMO_ACCOUNT.otherDeviceId);
  expect(hs.getUser(DEMO_NEW_ACCOUNT.userId)).toBeUndefined();
  expect(hs.registrationTokens.isValid(DEMO_ACCOUNT.registrationToken)).toBe(true);
});

test('the terminal client embedded server and npm run homeserver use them', async () => {
  const embedded = await startEmbeddedHomeserver('demo');
  try {
    expect(embedded.demo.userId).toBe(DEMO_ACCOUNT.userId);
    expect(embedded.demo.accessToken).toBe(DEMO_ACCOUNT.accessToken);
    expect(embedded.demo.passwordHint).toContain(DEMO_ACCOUNT.password);
    expect(embedded.registrationToken).toBe(DEMO_ACCOUNT.registrationToken);
    expect(embedded.server.getUser(DEMO_LEAVING_ACCOUNT.userId)).toBeDefined();
  } finally {
    await embedded.close();
  }
  const preset = HOMESERVER_PRESETS[0]!;
  const config = preset.config();
  const banner = homeserverBanner(preset, 'http://127.0.0.1:1', createHomeserver(config), config.users ?? []);
  for (const s of [DEMO_ACCOUNT.userId, DEMO_ACCOUNT.password, DEMO_ACCOUNT.accessToken, DEMO_LEAVING_ACCOUNT.userId, DEMO_LEAVING_ACCOUNT.password, DEMO_ACCOUNT.registrationToken]) {
    expect(banner).toContain(s);
  }
});

test('the tour registers DEMO_NEW_ACCOUNT (no terminal: scripted answers)', () => {
  const r = spawnSync(process.execPath, [path.join(ROOT, 'node_modules/tsx/dist/cli.mjs'), 'src/cli/start.ts'], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000 });
  expect(r.status).toBe(0);
  expect(r.stdout).toContain(`Registered ${DEMO_NEW_ACCOUNT.userId}`);
  expect(r.stdout).toContain('Password changed.');
  expect(r.stdout + r.stderr).not.toContain(DEMO_NEW_ACCOUNT.password);
});

function files(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'api' || name.startsWith('.')) continue;
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) out.push(...files(p));
    else if (/\.(ts|tsx|md)$/.test(name)) out.push(p);
  }
  return out;
}

test('the other sets are gone: no source or doc names them', () => {
  // (The demo page's `data-testid="demo-password"` names the field that shows the password: not a value.)
  const old = ["'demo-password'", '`demo-password`', 'DEMO-TOKEN-2024', 'tour-password-1', '@demo:localhost', 'demo-access-token', 'leaving-password'];
  const here = path.relative(ROOT, __filename);
  const found: string[] = [];
  for (const file of [...['src', 'demo', 'docs', 'examples'].flatMap((d) => files(path.join(ROOT, d))), path.join(ROOT, 'README.md')]) {
    const text = readFileSync(file, 'utf8');
    for (const o of old) if (text.includes(o) && path.relative(ROOT, file) !== here) found.push(`${path.relative(ROOT, file)}: ${o}`);
  }
  expect(found).toEqual([]);
});
