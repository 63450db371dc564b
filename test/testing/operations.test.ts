/**
 * Every UIA operation end to end, as an app would drive it, over real HTTP and in-process:
 * password change (wrong then right), device deletion (one, several), deactivation, registration
 * (dummy; registration token + terms + dummy; recaptcha through its fallback page + email link
 * from the outbox noticed by polling; SMS code through submit_url), cross-signing upload (password,
 * m.oauth approval), SSO through the fallback page's HTML form, forgotten password, adding an email.
 */
import { harness, passwordAuth, postForm, TRANSPORTS, V3, type Harness } from './support';

const ALICE = {
  users: [{ userId: '@alice:localhost', password: 'secret', devices: [{ deviceId: 'A1', accessToken: 'tok_a1' }, 'A2', 'A3', 'A4'], emails: ['alice@example.org'] }],
};

/** A valid cross-signing master key for `userId` (32-byte key, value `fill`). */
function masterKey(userId: string, fill: number) {
  const k = Buffer.alloc(32, fill).toString('base64').replace(/=+$/, '');
  return { user_id: userId, usage: ['master'], keys: { [`ed25519:${k}`]: k } };
}

describe.each(TRANSPORTS)('operations (%s)', (transport) => {
  let h: Harness;
  afterEach(async () => h.close());

  it('changes a password after a wrong then a right password; logout_devices signs out the others', async () => {
    h = await harness(transport, ALICE);
    const body = { new_password: 'new secret' };
    const first = await h.call('POST', `${V3}/account/password`, body, 'tok_a1');
    const session = first.body.session;
    const wrong = await h.call('POST', `${V3}/account/password`, { ...body, auth: passwordAuth('alice', 'bad', session) }, 'tok_a1');
    expect(wrong.body).toMatchObject({ errcode: 'M_FORBIDDEN', completed: [], session });
    const right = await h.call('POST', `${V3}/account/password`, { ...body, auth: passwordAuth('alice', 'secret', session) }, 'tok_a1');
    expect(right).toMatchObject({ status: 200, body: {} });
    expect([...h.hs.getUser('alice')!.devices.keys()]).toEqual(['A1']);
    expect((await h.call('POST', `${V3}/login`, { type: 'm.login.password', identifier: { type: 'm.id.user', user: 'alice' }, password: 'secret' })).status).toBe(403);
    const login = await h.call('POST', `${V3}/login`, { type: 'm.login.password', user: '@alice:localhost', password: 'new secret', device_id: 'NEW' });
    expect(login.body).toMatchObject({ user_id: '@alice:localhost', device_id: 'NEW', home_server: 'localhost', well_known: { 'm.homeserver': { base_url: `${h.base}/` } } });
    const byEmail = await h.call('POST', `${V3}/login`, { type: 'm.login.password', identifier: { type: 'm.id.thirdparty', medium: 'email', address: 'ALICE@example.org' }, password: 'new secret' });
    expect(byEmail.status).toBe(200);
  });

  it('keeps the other devices with logout_devices: false', async () => {
    h = await harness(transport, ALICE);
    const session = (await h.call('POST', `${V3}/account/password`, { new_password: 'n', logout_devices: false }, 'tok_a1')).body.session;
    await h.call('POST', `${V3}/account/password`, { new_password: 'n', logout_devices: false, auth: passwordAuth('alice', 'secret', session) }, 'tok_a1');
    expect(h.hs.getUser('alice')!.devices.size).toBe(4);
  });

  it('deletes one device, then several; their tokens stop working', async () => {
    h = await harness(transport, ALICE);
    const a2 = h.hs.createAccessToken('@alice:localhost', 'A2');
    const s1 = (await h.call('DELETE', `${V3}/devices/A2`, undefined, 'tok_a1')).body.session;
    expect((await h.call('DELETE', `${V3}/devices/A2`, { auth: passwordAuth('alice', 'secret', s1) }, 'tok_a1')).status).toBe(200);
    expect((await h.call('GET', `${V3}/devices`, undefined, a2)).body.errcode).toBe('M_UNKNOWN_TOKEN');
    const s2 = (await h.call('POST', `${V3}/delete_devices`, { devices: ['A3', 'A4'] }, 'tok_a1')).body.session;
    expect((await h.call('POST', `${V3}/delete_devices`, { devices: ['A3', 'A4'], auth: passwordAuth('alice', 'secret', s2) }, 'tok_a1')).status).toBe(200);
    const list = await h.call('GET', `${V3}/devices`, undefined, 'tok_a1');
    expect(list.body.devices.map((d: { device_id: string }) => d.device_id)).toEqual(['A1']);
  });

  it('deactivates an account', async () => {
    h = await harness(transport, ALICE);
    const session = (await h.call('POST', `${V3}/account/deactivate`, {}, 'tok_a1')).body.session;
    const done = await h.call('POST', `${V3}/account/deactivate`, { auth: passwordAuth('alice', 'secret', session) }, 'tok_a1');
    expect(done.body).toEqual({ id_server_unbind_result: 'success' });
    expect((await h.call('GET', `${V3}/devices`, undefined, 'tok_a1')).status).toBe(401);
    const login = await h.call('POST', `${V3}/login`, { type: 'm.login.password', identifier: { type: 'm.id.user', user: 'alice' }, password: 'secret' });
    expect(login.body).toEqual({ errcode: 'M_USER_DEACTIVATED', error: 'This account has been deactivated' });
  });

  it('registers with m.login.dummy; inhibit_login; refuses guests and taken usernames', async () => {
    h = await harness(transport, ALICE);
    const req = { username: 'Dan', password: 'pw', inhibit_login: true };
    const session = (await h.call('POST', `${V3}/register`, req)).body.session;
    const done = await h.call('POST', `${V3}/register`, { ...req, auth: { type: 'm.login.dummy', session } });
    expect(done.body).toEqual({ user_id: '@dan:localhost', home_server: 'localhost' });
    const withLogin = await h.call('POST', `${V3}/register`, { username: 'erin', password: 'pw', auth: { type: 'm.login.dummy' } });
    expect(withLogin.body).toMatchObject({ user_id: '@erin:localhost', access_token: expect.any(String), device_id: expect.any(String) });
    expect((await h.call('GET', `${V3}/account/whoami`, undefined, withLogin.body.access_token)).body.user_id).toBe('@erin:localhost');
    expect((await h.call('POST', `${V3}/register?kind=guest`, {})).body).toEqual({ errcode: 'M_GUEST_ACCESS_FORBIDDEN', error: 'Guest access is disabled' });
    expect((await h.call('POST', `${V3}/register`, { username: 'alice', password: 'x' })).body).toEqual({ errcode: 'M_USER_IN_USE', error: 'User ID already taken.' });
    expect((await h.call('GET', `${V3}/register/available?username=alice`)).body.errcode).toBe('M_USER_IN_USE');
  });

  it('registers with a registration token + terms + dummy; the token has one use', async () => {
    h = await harness(transport, {
      endpoints: { register: { flows: [['m.login.registration_token', 'm.login.terms', 'm.login.dummy']] } },
      registrationTokens: [{ token: 'once', usesAllowed: 1 }],
    });
    const validity = (t: string) => h.call('GET', `/_matrix/client/v1/register/m.login.registration_token/validity?token=${t}`);
    expect((await validity('once')).body).toEqual({ valid: true });
    expect((await validity('nope')).body).toEqual({ valid: false });
    const req = { username: 'fay', password: 'pw' };
    const first = await h.call('POST', `${V3}/register`, req);
    const session = first.body.session;
    expect(first.body.params['m.login.terms'].policies.privacy_policy).toMatchObject({ version: '1.0', en: { name: 'Privacy Policy', url: `${h.base}/_simulator/policy?name=privacy_policy&v=1.0` } });
    expect((await h.open(first.body.params['m.login.terms'].policies.privacy_policy.en.url)).status).toBe(200);
    const bad = await h.call('POST', `${V3}/register`, { ...req, auth: { type: 'm.login.registration_token', token: 'nope', session } });
    expect(bad.body).toMatchObject({ errcode: 'M_UNAUTHORIZED', error: 'Invalid registration token' });
    await h.call('POST', `${V3}/register`, { ...req, auth: { type: 'm.login.registration_token', token: 'once', session } });
    expect(h.hs.registrationTokens.get('once')).toMatchObject({ pending: 1, completed: 0 });
    expect((await validity('once')).body.valid).toBe(false);
    await h.call('POST', `${V3}/register`, { ...req, auth: { type: 'm.login.terms', session } });
    const done = await h.call('POST', `${V3}/register`, { ...req, auth: { type: 'm.login.dummy', session } });
    expect(done.status).toBe(200);
    expect(h.hs.registrationTokens.get('once')).toMatchObject({ pending: 0, completed: 1 });
  });

  it('registers with recaptcha through its fallback page and an email link from the outbox, noticed by polling', async () => {
    h = await harness(transport, { endpoints: { register: { flows: [['m.login.recaptcha', 'm.login.email.identity']] } }, recaptchaPublicKey: 'pk' });
    const req = { username: 'gus', password: 'pw' };
    const first = await h.call('POST', `${V3}/register`, req);
    const session: string = first.body.session;
    expect(first.body.params).toEqual({ 'm.login.recaptcha': { public_key: 'pk' } });

    const pageUrl = `${h.base}${V3}/auth/m.login.recaptcha/fallback/web?session=${session}`;
    expect((await h.open(pageUrl)).text).toContain('name="response"');
    const refused = await postForm(h, pageUrl, { session, response: 'invalid' });
    expect(refused.text).toContain('Captcha authentication failed');
    const done = await postForm(h, pageUrl, { session, response: 'I am human' });
    expect(done.text).toContain('window.opener.postMessage("authDone", "*")');
    expect((await h.call('POST', `${V3}/register`, { ...req, auth: { session } })).body.completed).toEqual(['m.login.recaptcha']);

    const nextMail = h.hs.outbox.next('gus@example.org');
    const sid = (await h.call('POST', `${V3}/register/email/requestToken`, { client_secret: 'cs1', email: 'gus@example.org', send_attempt: 1 })).body.sid;
    const mail = await nextMail;
    expect(mail).toMatchObject({ medium: 'email', address: 'gus@example.org', sid, client_secret: 'cs1', purpose: 'register' });
    // The same send_attempt sends nothing new; a higher one resends.
    await h.call('POST', `${V3}/register/email/requestToken`, { client_secret: 'cs1', email: 'gus@example.org', send_attempt: 1 });
    expect(h.hs.outbox.filter('gus@example.org')).toHaveLength(1);

    const auth = { type: 'm.login.email.identity', threepid_creds: { sid, client_secret: 'cs1' }, session };
    const pending = await h.call('POST', `${V3}/register`, { ...req, auth });
    expect(pending.body).toMatchObject({ errcode: 'M_UNAUTHORIZED', error: 'Unable to get validated threepid', completed: ['m.login.recaptcha'] });
    const fromHttp = await h.call('GET', `/_simulator/outbox?address=gus@example.org`);
    expect(fromHttp.body.messages[0].link).toBe(mail.link);
    expect((await h.open(mail.link)).status).toBe(200); // the user clicks
    const polled = await h.call('POST', `${V3}/register`, { ...req, auth: { session } });
    expect(polled.body).toMatchObject({ user_id: '@gus:localhost' });
    const threepids = await h.call('GET', `${V3}/account/3pid`, undefined, polled.body.access_token);
    expect(threepids.body.threepids).toEqual([{ medium: 'email', address: 'gus@example.org', validated_at: expect.any(Number), added_at: expect.any(Number) }]);
  });

  it('registers with an SMS code posted to submit_url', async () => {
    h = await harness(transport, { endpoints: { register: { flows: [['m.login.msisdn']] } } });
    const req = { username: 'hal', password: 'pw' };
    const session = (await h.call('POST', `${V3}/register`, req)).body.session;
    const token = await h.call('POST', `${V3}/register/msisdn/requestToken`, { client_secret: 'cs2', country: 'GB', phone_number: '07700 900123', send_attempt: 1 });
    expect(token.body).toEqual({ sid: expect.any(String), submit_url: `${h.base}/_simulator/3pid/submit_token` });
    const sms = h.hs.outbox.latest('447700900123')!;
    expect(sms.code).toMatch(/^\d{6}$/);
    expect((await h.open(token.body.submit_url, { method: 'POST', body: JSON.stringify({ sid: token.body.sid, client_secret: 'cs2', token: '000000x' }) })).body).toEqual({ success: false });
    expect((await h.open(token.body.submit_url, { method: 'POST', body: JSON.stringify({ sid: token.body.sid, client_secret: 'cs2', token: sms.code }) })).body).toEqual({ success: true });
    const done = await h.call('POST', `${V3}/register`, { ...req, auth: { type: 'm.login.msisdn', threepid_creds: { sid: token.body.sid, client_secret: 'cs2' }, session } });
    expect(done.status).toBe(200);
    expect(h.hs.getUser('hal')!.threepids[0]).toMatchObject({ medium: 'msisdn', address: '447700900123' });
  });

  it('uploads cross-signing keys with a password (replacing an existing master key)', async () => {
    h = await harness(transport, { users: [{ ...ALICE.users[0]!, crossSigningMasterKey: masterKey('@alice:localhost', 1) }] });
    const body = { master_key: masterKey('@alice:localhost', 2) };
    const first = await h.call('POST', `${V3}/keys/device_signing/upload`, body, 'tok_a1');
    expect(first.status).toBe(401);
    const done = await h.call('POST', `${V3}/keys/device_signing/upload`, { ...body, auth: passwordAuth('alice', 'secret', first.body.session) }, 'tok_a1');
    expect(done.status).toBe(200);
    expect(h.hs.getUser('alice')!.crossSigning.master).toEqual(body.master_key);
    const invalid = { master_key: { ...masterKey('@alice:localhost', 3), keys: { 'ed25519:AAAA': 'AAAA' } } };
    const s = (await h.call('POST', `${V3}/keys/device_signing/upload`, invalid, 'tok_a1')).body.session;
    const refused = await h.call('POST', `${V3}/keys/device_signing/upload`, { ...invalid, auth: passwordAuth('alice', 'secret', s) }, 'tok_a1');
    expect(refused.body).toEqual({ errcode: 'M_INVALID_PARAM', error: 'Invalid master key' });
  });

  it.each(['m.oauth', 'org.matrix.cross_signing_reset'])('uploads cross-signing keys after %s approval', async (stage) => {
    h = await harness(transport, { ...ALICE, synapseQuirks: { crossSigningAlwaysRequiresAuth: true }, endpoints: { crossSigningUpload: { flows: [[stage]] } } });
    const body = { master_key: masterKey('@alice:localhost', 4) };
    const first = await h.call('POST', `${V3}/keys/device_signing/upload`, body, 'tok_a1');
    const session: string = first.body.session;
    const url: string = first.body.params[stage].url;
    expect(url).toBe(`${h.base}/_simulator/oauth/approve?session=${session}`);
    expect((await h.call('POST', `${V3}/keys/device_signing/upload`, { ...body, auth: { type: stage, session } }, 'tok_a1')).body.completed).toEqual([]);
    // Opening the page only asks (issue 16): the user's click on its button approves.
    const asked = await h.open(url);
    expect(asked.status).toBe(200);
    expect(asked.text).toMatch(/<form method="post"[^>]*>[\s\S]*<button type="submit">Approve<\/button>/);
    expect((await h.call('POST', `${V3}/keys/device_signing/upload`, { ...body, auth: { session } }, 'tok_a1')).status).toBe(401);
    const approved = await postForm(h, url, {});
    expect(approved.text).toContain('Request approved');
    expect((await h.call('POST', `${V3}/keys/device_signing/upload`, { ...body, auth: { session } }, 'tok_a1')).status).toBe(200);
  });

  it('deletes a device after SSO through the fallback page HTML form', async () => {
    h = await harness(transport, { ...ALICE, endpoints: { deleteDevice: { flows: [['m.login.sso']] } } });
    const session: string = (await h.call('DELETE', `${V3}/devices/A2`, {}, 'tok_a1')).body.session;
    const pageUrl = `${h.base}${V3}/auth/m.login.sso/fallback/web?session=${encodeURIComponent(session)}`;
    const page = await h.open(pageUrl);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    const action = /<form method="post" action="([^"]+)"/.exec(page.text)![1]!.replace(/&amp;/g, '&');
    expect(action).toBe(`/_matrix/client/v3/auth/m.login.sso/fallback/web?session=${session}`);
    const done = await postForm(h, h.base + action, { session });
    expect(done.text).toContain('if (window.onAuthDone) window.onAuthDone(); else if (window.opener && window.opener.postMessage) window.opener.postMessage("authDone", "*");');
    expect((await h.call('DELETE', `${V3}/devices/A2`, { auth: { session } }, 'tok_a1')).status).toBe(200);
  });

  it('resets a forgotten password through an email link (no access token)', async () => {
    h = await harness(transport, ALICE);
    const body = { new_password: 'reset', logout_devices: true };
    const first = await h.call('POST', `${V3}/account/password`, body);
    expect(first.body.flows).toEqual([{ stages: ['m.login.email.identity'] }]);
    expect((await h.call('POST', `${V3}/account/password/email/requestToken`, { client_secret: 'x', email: 'nobody@example.org', send_attempt: 1 })).body).toEqual({
      errcode: 'M_THREEPID_NOT_FOUND',
      error: 'Email not found',
    });
    const sid = (await h.call('POST', `${V3}/account/password/email/requestToken`, { client_secret: 'rs', email: 'alice@example.org', send_attempt: 1 })).body.sid;
    h.hs.clickEmailLink('alice@example.org');
    const done = await h.call('POST', `${V3}/account/password`, { ...body, auth: { type: 'm.login.email.identity', threepid_creds: { sid, client_secret: 'rs' }, session: first.body.session } });
    expect(done.status).toBe(200);
    expect(h.hs.getUser('alice')!.password).toBe('reset');
    expect(h.hs.getUser('alice')!.devices.size).toBe(0);
  });

  it('adds an email to an account (requestToken, link, password UIA)', async () => {
    h = await harness(transport, ALICE);
    const sid = (await h.call('POST', `${V3}/account/3pid/email/requestToken`, { client_secret: 'ad', email: 'second@example.org', send_attempt: 1 }, 'tok_a1')).body.sid;
    const early = await h.call('POST', `${V3}/account/3pid/add`, { sid, client_secret: 'ad', auth: passwordAuth('alice', 'secret') }, 'tok_a1');
    expect(early.body).toEqual({ errcode: 'M_THREEPID_AUTH_FAILED', error: 'Failed to auth 3pid' });
    h.hs.clickEmailLink(sid);
    const first = await h.call('POST', `${V3}/account/3pid/add`, { sid, client_secret: 'ad' }, 'tok_a1');
    expect((await h.call('POST', `${V3}/account/3pid/add`, { sid, client_secret: 'ad', auth: passwordAuth('alice', 'secret', first.body.session) }, 'tok_a1')).status).toBe(200);
    const list = await h.call('GET', `${V3}/account/3pid`, undefined, 'tok_a1');
    expect(list.body.threepids.map((t: { address: string }) => t.address)).toEqual(['alice@example.org', 'second@example.org']);
    expect((await h.call('POST', `${V3}/register/email/requestToken`, { client_secret: 'z', email: 'second@example.org', send_attempt: 1 })).body.errcode).toBe('M_THREEPID_IN_USE');
  });
});
