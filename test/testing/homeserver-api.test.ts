/**
 * The simulator's own API: the fetch adapter, startHomeserver, the outbox, users and tokens,
 * registration tokens (also through the admin endpoints), the redacted request log, the demo
 * config, out-of-band helpers, and the `npm run homeserver` CLI.
 */
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { createHomeserver, DEMO_ACCOUNT, demoConfig, startHomeserver, type StartedHomeserver } from '../../src/testing';
import { passwordAuth, V3 } from './support';
import { tsCommand } from '../helpers/ts-process';

describe('fetch adapter and listeners', () => {
  it('returns real Response objects, resolves relative URLs, and honours an aborted signal', async () => {
    const hs = createHomeserver();
    const res = await hs.fetch('/_matrix/client/versions');
    expect(res).toBeInstanceOf(Response);
    expect(res.headers.get('content-type')).toMatch(/application\/json/);
    expect((await res.json()).versions).toContain('v1.1');
    const viaUrl = await hs.fetch(new URL('http://hs.test/_matrix/client/v3/login'));
    expect(await viaUrl.json()).toEqual({ flows: [{ type: 'm.login.password' }] });
    const viaRequest = await hs.fetch(new Request('http://hs.test/_matrix/client/v3/register', { method: 'POST', body: '{}' }));
    expect(viaRequest.status).toBe(401);
    await expect(hs.fetch('http://hs.test/_matrix/client/versions', { signal: AbortSignal.abort() })).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('handle() takes parsed bodies too and answers parsed bodies', async () => {
    const hs = createHomeserver();
    const res = await hs.handle({ method: 'POST', path: '/_matrix/client/v3/register', body: { username: 'zed' } });
    expect(res.status).toBe(401);
    expect(res.headers['Access-Control-Allow-Origin']).toBe('*');
    expect((res.body as { flows: unknown }).flows).toEqual([{ stages: ['m.login.dummy'] }, { stages: ['m.login.email.identity'] }]);
  });

  it('startHomeserver listens on 127.0.0.1 and closes; listen() may be called twice', async () => {
    const started: StartedHomeserver = await startHomeserver();
    expect(started.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect((await fetch(`${started.url}/_matrix/client/versions`)).status).toBe(200);
    const second = await started.server.listen();
    expect(second.url).not.toBe(started.url);
    expect(started.server.url).toBe(second.url);
    await started.close();
    await expect(fetch(`${started.url}/_matrix/client/versions`)).rejects.toThrow();
    await started.server.close();
    await expect(fetch(`${second.url}/_matrix/client/versions`)).rejects.toThrow();
  });
});

describe('state handles', () => {
  it('outbox: latest, next (waits), waitFor, timeout, over HTTP', async () => {
    const hs = createHomeserver();
    const send = (email: string, attempt = 1) =>
      hs.fetch('/_matrix/client/v3/register/email/requestToken', { method: 'POST', body: JSON.stringify({ client_secret: 'cs', email, send_attempt: attempt }) });
    const next = hs.outbox.next('a@example.org');
    await send('b@example.org');
    await send('a@example.org');
    const m = await next;
    expect(m).toMatchObject({ id: 2, address: 'a@example.org', medium: 'email', purpose: 'register', client_secret: 'cs', code: expect.any(String), sentAt: expect.any(Number) });
    expect(m.link).toBe(`http://localhost/_simulator/3pid/submit_token?sid=${m.sid}&client_secret=cs&token=${m.code}`);
    expect(hs.outbox.latest('A@example.org')).toBe(m);
    expect(hs.outbox.latest(m.sid)).toBe(m);
    await expect(hs.outbox.waitFor('b@example.org')).resolves.toMatchObject({ id: 1 });
    await expect(hs.outbox.next('c@example.org', { timeoutMs: 20 })).rejects.toThrow('No message to c@example.org within 20 ms');
    const listed = await (await hs.fetch('/_simulator/outbox')).json();
    expect(listed.messages).toHaveLength(2);
    await send('a@example.org', 2);
    expect(hs.outbox.filter('a@example.org')).toHaveLength(2);
    expect(hs.clickEmailLink(m.link).sid).toBe(m.sid);
    expect(() => hs.clickEmailLink('nobody@example.org')).toThrow('no message to nobody@example.org');
  });

  it('users: addUser, getUser, createAccessToken; the token works', async () => {
    const hs = createHomeserver({ serverName: 'example.test' });
    const user = hs.addUser('bea', 'pw', ['D1', { deviceId: 'D2', displayName: 'Phone' }]);
    expect(user.userId).toBe('@bea:example.test');
    expect(hs.getUser('@bea:example.test')).toBe(user);
    const token = hs.createAccessToken('bea', 'D3');
    const devices = await (await hs.fetch('/_matrix/client/v3/devices', { headers: { Authorization: `Bearer ${token}` } })).json();
    expect(devices.devices.map((d: { device_id: string; display_name: string | null }) => [d.device_id, d.display_name])).toEqual([
      ['D1', null],
      ['D2', 'Phone'],
      ['D3', null],
    ]);
  });

  it('registration tokens: counters, expiry, admin endpoints for admins only', async () => {
    let now = 1000;
    const hs = createHomeserver({ now: () => now, users: [{ userId: 'root', password: 'pw', admin: true }, { userId: 'joe', password: 'pw' }] });
    hs.addRegistrationToken('soon', null, 2000);
    expect(hs.registrationTokens.isValid('soon')).toBe(true);
    now = 2000;
    expect(hs.registrationTokens.isValid('soon')).toBe(false);
    const admin = hs.createAccessToken('root');
    const joe = hs.createAccessToken('joe');
    const post = (token: string, body: unknown) =>
      hs.fetch('/_synapse/admin/v1/registration_tokens/new', { method: 'POST', headers: { Authorization: `Bearer ${token}` }, body: JSON.stringify(body) });
    expect((await post(joe, { token: 'x' })).status).toBe(403);
    expect(await (await post(admin, { token: 'two', uses_allowed: 2 })).json()).toEqual({ token: 'two', uses_allowed: 2, pending: 0, completed: 0, expiry_time: null });
    expect((await post(admin, { token: 'two' })).status).toBe(400);
    const got = await hs.fetch('/_synapse/admin/v1/registration_tokens/two', { headers: { Authorization: `Bearer ${admin}` } });
    expect((await got.json()).uses_allowed).toBe(2);
    expect((await hs.fetch('/_synapse/admin/v1/registration_tokens/none', { headers: { Authorization: `Bearer ${admin}` } })).status).toBe(404);
  });

  it('a registration abandoned by an expired session gives its token use back', async () => {
    const hs = createHomeserver({ endpoints: { register: { flows: [['m.login.registration_token', 'm.login.dummy']] } }, registrationTokens: [{ token: 'one', usesAllowed: 1 }] });
    const r = await hs.handle({ method: 'POST', path: `${V3}/register`, body: { username: 'u' } });
    const session = (r.body as { session: string }).session;
    await hs.handle({ method: 'POST', path: `${V3}/register`, body: { username: 'u', auth: { type: 'm.login.registration_token', token: 'one', session } } });
    expect(hs.registrationTokens.get('one')!.pending).toBe(1);
    hs.expireSession(session);
    expect(hs.registrationTokens.get('one')!.pending).toBe(0);
  });

  it('logs every request with secrets redacted', async () => {
    const hs = createHomeserver(demoConfig());
    const seen: string[] = [];
    const off = hs.onRequest((e) => seen.push(`${e.method} ${e.status}`));
    await hs.handle({
      method: 'POST',
      path: `${V3}/account/password?access_token=${DEMO_ACCOUNT.accessToken}`,
      body: { new_password: 'n', auth: { ...passwordAuth('alice', 'correct horse'), response: 'r', token: 't', threepid_creds: { sid: 's', client_secret: 'c' } } },
    });
    off();
    await hs.handle({ method: 'GET', path: '/_matrix/client/versions' });
    expect(seen).toEqual(['POST 200']);
    expect(hs.requests[0]).toEqual({
      method: 'POST',
      path: `${V3}/account/password?access_token=[redacted]`,
      body: {
        new_password: '[redacted]',
        auth: { type: 'm.login.password', identifier: { type: 'm.id.user', user: 'alice' }, password: '[redacted]', response: '[redacted]', token: '[redacted]', threepid_creds: { sid: 's', client_secret: '[redacted]' } },
      },
      authenticated: true,
      status: 200,
      time: expect.any(Number),
    });
    expect(JSON.stringify(hs.requests)).not.toContain('correct horse');
    expect(hs.requests).toHaveLength(2);
  });

  it('the demo config: the printed token and password work; cross-signing reset needs UIA', async () => {
    const hs = createHomeserver(demoConfig());
    const auth = { Authorization: `Bearer ${DEMO_ACCOUNT.accessToken}` };
    expect((await (await hs.fetch('/_matrix/client/v3/account/whoami', { headers: auth })).json()).user_id).toBe(DEMO_ACCOUNT.userId);
    const login = await hs.fetch('/_matrix/client/v3/login', {
      method: 'POST',
      body: JSON.stringify({ type: 'm.login.password', identifier: { type: 'm.id.user', user: DEMO_ACCOUNT.localpart }, password: DEMO_ACCOUNT.password }),
    });
    expect(login.status).toBe(200);
    const k = Buffer.alloc(32, 9).toString('base64').replace(/=+$/, '');
    const upload = await hs.fetch('/_matrix/client/v3/keys/device_signing/upload', {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({ master_key: { user_id: DEMO_ACCOUNT.userId, usage: ['master'], keys: { [`ed25519:${k}`]: k } } }),
    });
    expect(upload.status).toBe(401);
    expect(hs.registrationTokens.isValid(DEMO_ACCOUNT.registrationToken)).toBe(true);
  });

  it('completeByUrl completes fallback and approval URLs; approveOAuth refuses sessions without m.oauth', async () => {
    const hs = createHomeserver({ endpoints: { register: { flows: [['m.login.sso', 'm.oauth']] } } });
    const first = (await hs.handle({ method: 'POST', path: `${V3}/register`, body: {} })).body as { session: string; params: Record<string, { url: string }> };
    hs.completeByUrl(`http://hs.test${V3}/auth/m.login.sso/fallback/web?session=${first.session}`);
    hs.completeByUrl(first.params['m.oauth']!.url);
    expect(hs.sessions.get(first.session)!.completed).toEqual(['m.login.sso', 'm.oauth']);
    const other = (await hs.handle({ method: 'POST', path: `${V3}/register`, body: {} })).body as { session: string };
    hs.config.endpoints.register.flows = [['m.login.dummy']];
    const dummyOnly = (await hs.handle({ method: 'POST', path: `${V3}/register`, body: {} })).body as { session: string };
    expect(() => hs.approveOAuth(dummyOnly.session)).toThrow('no m.oauth stage');
    expect(() => hs.approveOAuth('nope')).toThrow('Unknown session ID: nope');
    expect(() => hs.completeFallback(other.session, 'm.oauth')).toThrow('Complete the stages before m.oauth first');
  });
});

describe('npm run homeserver (src/testing/cli.ts)', () => {
  it('prints its URL and the demo account, serves, and stops on SIGINT', async () => {
    const root = resolve(__dirname, '../..');
    const child = spawn(...tsCommand('src/testing/cli.ts', ['--port', '0', '--quiet']), { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const url = await new Promise<string>((resolveUrl, reject) => {
      const timer = setTimeout(() => reject(new Error(`no URL printed: ${out}`)), 15000);
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
        if (m && out.includes('Press Ctrl-C')) {
          clearTimeout(timer);
          resolveUrl(m[1]!);
        }
      });
      child.once('exit', (code) => reject(new Error(`exited ${code}: ${out}`)));
    });
    expect(out).toContain(DEMO_ACCOUNT.userId);
    expect(out).toContain(DEMO_ACCOUNT.password);
    expect(out).toContain(DEMO_ACCOUNT.accessToken);
    const whoami = await fetch(`${url}/_matrix/client/v3/account/whoami`, { headers: { Authorization: `Bearer ${DEMO_ACCOUNT.accessToken}` } });
    expect((await whoami.json()).user_id).toBe(DEMO_ACCOUNT.userId);
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    child.kill('SIGINT');
    expect(await exited).toBe(0);
  });
});
