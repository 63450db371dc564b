/**
 * The UIA rules of the spec, each checked over real HTTP and in-process: the 401 shapes, flow
 * order, completed stages not redone, polls, the session bound to its request, unknown and
 * expired sessions, access tokens, rate limits, CORS, delays.
 */
import { OPERATION_CHANGED } from '../../src/testing';
import { harness, passwordAuth, TRANSPORTS, V3, type Harness } from './support';

const ALICE = { users: [{ userId: '@alice:localhost', password: 'secret', devices: [{ deviceId: 'A1', accessToken: 'tok_a1' }, 'A2', 'A3'] }] };

describe.each(TRANSPORTS)('UIA rules (%s)', (transport) => {
  let h: Harness;
  afterEach(async () => h.close());

  it('asks for auth even when the only flow is m.login.dummy; the first 401 has no `completed`', async () => {
    h = await harness(transport, { ...ALICE, endpoints: { deleteDevice: { flows: [['m.login.dummy']] } } });
    const first = await h.call('DELETE', `${V3}/devices/A2`, {}, 'tok_a1');
    expect(first.status).toBe(401);
    expect(first.body).toEqual({ session: expect.stringMatching(/^[A-Za-z]{24}$/), flows: [{ stages: ['m.login.dummy'] }], params: {} });
    const done = await h.call('DELETE', `${V3}/devices/A2`, { auth: { type: 'm.login.dummy', session: first.body.session } }, 'tok_a1');
    expect(done).toMatchObject({ status: 200, body: {} });
    expect(h.hs.getUser('alice')!.devices.has('A2')).toBe(false);
  });

  it('a failed attempt answers 401 with flows, params, session, completed, errcode and error', async () => {
    h = await harness(transport, ALICE);
    const first = await h.call('POST', `${V3}/account/deactivate`, {}, 'tok_a1');
    const wrong = await h.call('POST', `${V3}/account/deactivate`, { auth: passwordAuth('alice', 'nope', first.body.session) }, 'tok_a1');
    expect(wrong.status).toBe(401);
    expect(wrong.body).toEqual({
      session: first.body.session,
      flows: [{ stages: ['m.login.password'] }],
      params: {},
      completed: [],
      error: 'Invalid username or password',
      errcode: 'M_FORBIDDEN',
    });
  });

  it("a password of another user than the token's is refused with 403 Invalid auth", async () => {
    h = await harness(transport, { users: [...ALICE.users, { userId: 'bob', password: 'bobpw' }] });
    const first = await h.call('DELETE', `${V3}/devices/A2`, {}, 'tok_a1');
    const bob = await h.call('DELETE', `${V3}/devices/A2`, { auth: passwordAuth('bob', 'bobpw', first.body.session) }, 'tok_a1');
    expect(bob).toMatchObject({ status: 403, body: { errcode: 'M_FORBIDDEN', error: 'Invalid auth' } });
  });

  it('enforces flow order, does not redo a completed stage, and refuses stages no flow offers', async () => {
    h = await harness(transport, { ...ALICE, endpoints: { deleteDevice: { flows: [['m.login.password', 'm.login.recaptcha']] } } });
    const path = `${V3}/devices/A2`;
    const session = (await h.call('DELETE', path, {}, 'tok_a1')).body.session;
    const early = await h.call('DELETE', path, { auth: { type: 'm.login.recaptcha', response: 'ok', session } }, 'tok_a1');
    expect(early.body).toMatchObject({ errcode: 'M_UNAUTHORIZED', completed: [] });
    const offered = await h.call('DELETE', path, { auth: { type: 'm.login.dummy', session } }, 'tok_a1');
    expect(offered.body).toMatchObject({ errcode: 'M_UNRECOGNIZED', completed: [] });
    const pw = await h.call('DELETE', path, { auth: passwordAuth('alice', 'secret', session) }, 'tok_a1');
    expect(pw.body).toEqual(expect.objectContaining({ completed: ['m.login.password'] }));
    expect(pw.body.errcode).toBeUndefined();
    // Completed already: a wrong password now is not checked again.
    const again = await h.call('DELETE', path, { auth: passwordAuth('alice', 'WRONG', session) }, 'tok_a1');
    expect(again.status).toBe(401);
    expect(again.body.completed).toEqual(['m.login.password']);
    expect(again.body.errcode).toBeUndefined();
    const captcha = await h.call('DELETE', path, { auth: { type: 'm.login.recaptcha', response: 'invalid', session } }, 'tok_a1');
    expect(captcha.body).toMatchObject({ errcode: 'M_UNAUTHORIZED', error: 'Captcha authentication failed' });
    expect((await h.call('DELETE', path, { auth: { type: 'm.login.recaptcha', response: 'ok', session } }, 'tok_a1')).status).toBe(200);
  });

  it('a poll {auth: {session}} answers the current 401, and the operation once the stages are done', async () => {
    h = await harness(transport, { ...ALICE, endpoints: { deleteDevice: { flows: [['m.login.sso']] } } });
    const session = (await h.call('DELETE', `${V3}/devices/A2`, {}, 'tok_a1')).body.session;
    const poll = await h.call('DELETE', `${V3}/devices/A2`, { auth: { session } }, 'tok_a1');
    expect(poll.body).toEqual({ session, flows: [{ stages: ['m.login.sso'] }], params: {}, completed: [] });
    // A typed attempt of an out-of-band stage not done yet answers like a poll (no error).
    const typed = await h.call('DELETE', `${V3}/devices/A2`, { auth: { type: 'm.login.sso', session } }, 'tok_a1');
    expect(typed.body.errcode).toBeUndefined();
    h.hs.completeFallback(session, 'm.login.sso');
    expect((await h.call('DELETE', `${V3}/devices/A2`, { auth: { session } }, 'tok_a1')).status).toBe(200);
  });

  it('refuses a session reused for another path or another body with 403, and unknown sessions with 400', async () => {
    h = await harness(transport, ALICE);
    const session = (await h.call('DELETE', `${V3}/devices/A2`, {}, 'tok_a1')).body.session;
    const otherPath = await h.call('DELETE', `${V3}/devices/A3`, { auth: passwordAuth('alice', 'secret', session) }, 'tok_a1');
    expect(otherPath).toMatchObject({ status: 403, body: { errcode: 'M_UNKNOWN', error: OPERATION_CHANGED } });
    expect(OPERATION_CHANGED).toBe('Requested operation has changed during the UI authentication session.');

    const s2 = (await h.call('POST', `${V3}/delete_devices`, { devices: ['A2'] }, 'tok_a1')).body.session;
    const otherBody = await h.call('POST', `${V3}/delete_devices`, { devices: ['A2', 'A3'], auth: passwordAuth('alice', 'secret', s2) }, 'tok_a1');
    expect(otherBody.status).toBe(403);
    expect(otherBody.body).toEqual({ errcode: 'M_UNKNOWN', error: OPERATION_CHANGED });

    const unknown = await h.call('DELETE', `${V3}/devices/A2`, { auth: passwordAuth('alice', 'secret', 'nosuchsession') }, 'tok_a1');
    expect(unknown).toMatchObject({ status: 400, body: { errcode: 'M_UNKNOWN', error: 'Unknown session ID: nosuchsession' } });
  });

  it('expires sessions after sessionTtlMs (and on demand)', async () => {
    let now = 1_000_000;
    h = await harness(transport, { ...ALICE, sessionTtlMs: 60_000, now: () => now });
    const s1 = (await h.call('DELETE', `${V3}/devices/A2`, {}, 'tok_a1')).body.session;
    now += 59_999;
    expect((await h.call('DELETE', `${V3}/devices/A2`, { auth: { session: s1 } }, 'tok_a1')).status).toBe(401);
    now += 1;
    const expired = await h.call('DELETE', `${V3}/devices/A2`, { auth: passwordAuth('alice', 'secret', s1) }, 'tok_a1');
    expect(expired).toMatchObject({ status: 400, body: { errcode: 'M_UNKNOWN', error: `Unknown session ID: ${s1}` } });
    const s2 = (await h.call('DELETE', `${V3}/devices/A2`, {}, 'tok_a1')).body.session;
    expect(h.hs.expireSession(s2)).toBe(true);
    expect((await h.call('DELETE', `${V3}/devices/A2`, { auth: { session: s2 } }, 'tok_a1')).status).toBe(400);
  });

  it('needs an access token where the endpoint does: M_MISSING_TOKEN (no flows), M_UNKNOWN_TOKEN', async () => {
    h = await harness(transport, ALICE);
    const missing = await h.call('DELETE', `${V3}/devices/A2`, {});
    expect(missing).toMatchObject({ status: 401, body: { errcode: 'M_MISSING_TOKEN', error: 'Missing access token' } });
    expect(missing.body.flows).toBeUndefined();
    const bad = await h.call('POST', `${V3}/account/deactivate`, {}, 'not-a-token');
    expect(bad).toMatchObject({ status: 401, body: { errcode: 'M_UNKNOWN_TOKEN' } });
    const viaQuery = await h.call('GET', `${V3}/devices?access_token=tok_a1`);
    expect(viaQuery.status).toBe(200);
  });

  it('registration_token needs a session (M_MISSING_PARAM), counts uses on success', async () => {
    h = await harness(transport, { endpoints: { register: { flows: [['m.login.registration_token', 'm.login.dummy']] } }, registrationTokens: [{ token: 'once', usesAllowed: 1 }] });
    const noSession = await h.call('POST', `${V3}/register`, { username: 'x', auth: { type: 'm.login.registration_token', token: 'once' } });
    expect(noSession.body).toMatchObject({ errcode: 'M_MISSING_PARAM', error: 'Missing UIA session', completed: [] });
    expect(h.hs.registrationTokens.get('once')).toMatchObject({ pending: 0, completed: 0 });
  });

  it('answers 429 M_LIMIT_EXCEEDED with retry_after_ms and Retry-After for the scripted requests', async () => {
    h = await harness(transport, { rateLimits: [{ endpoint: 'POST /register', count: 2, retryAfterMs: 1500 }] });
    for (let i = 0; i < 2; i++) {
      const limited = await h.call('POST', `${V3}/register`, { username: 'x' });
      expect(limited.status).toBe(429);
      expect(limited.body).toEqual({ errcode: 'M_LIMIT_EXCEEDED', error: 'Too Many Requests', retry_after_ms: 1500 });
      expect(limited.headers.get('retry-after')).toBe('2');
    }
    expect((await h.call('POST', `${V3}/register`, { username: 'x' })).status).toBe(401);
    h.hs.rateLimitNext('/devices/{deviceId}', 1, 250);
    expect((await h.call('DELETE', `${V3}/devices/X`, {})).body.retry_after_ms).toBe(250);
    expect((await h.call('DELETE', `${V3}/devices/X`, {})).status).toBe(401);
  });

  it('answers CORS preflights and puts CORS headers on every response', async () => {
    h = await harness(transport);
    const pre = await h.open(`${h.base}${V3}/register`, { method: 'OPTIONS', headers: { Origin: 'http://127.0.0.1:5173', 'Access-Control-Request-Method': 'POST' } });
    expect(pre.status).toBe(200);
    expect(pre.headers.get('access-control-allow-origin')).toBe('*');
    expect(pre.headers.get('access-control-allow-methods')).toContain('POST');
    expect(pre.headers.get('access-control-allow-headers')).toMatch(/Authorization/);
    const res = await h.call('POST', `${V3}/register`, {});
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('access-control-expose-headers')).toMatch(/Retry-After/);
  });

  it('serves the r0 aliases, refuses bad JSON and unknown endpoints', async () => {
    h = await harness(transport, ALICE);
    expect((await h.call('GET', '/_matrix/client/r0/devices', undefined, 'tok_a1')).status).toBe(200);
    const notJson = await h.open(`${h.base}${V3}/register`, { method: 'POST', body: '{nope', headers: { 'Content-Type': 'application/json' } });
    expect(notJson).toMatchObject({ status: 400, body: { errcode: 'M_NOT_JSON' } });
    expect((await h.call('GET', `${V3}/nothing/here`)).body.errcode).toBe('M_UNRECOGNIZED');
    expect((await h.call('PUT', `${V3}/register`, {})).status).toBe(405);
  });

  it('delays responses by responseDelayMs', async () => {
    h = await harness(transport, { responseDelayMs: 60 });
    const t0 = Date.now();
    await h.call('GET', '/_matrix/client/versions');
    expect(Date.now() - t0).toBeGreaterThanOrEqual(55);
    h.hs.config.responseDelayMs = 0;
    const controller = new AbortController();
    h.hs.config.responseDelayMs = 200;
    const pending = h.open(`${h.base}/_matrix/client/versions`, { signal: controller.signal });
    setTimeout(() => controller.abort(), 10);
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
  });
});
