/**
 * The simulator's request log (src/testing/request-log.ts) redacts with the core's rule
 * (`isSecretKey`, src/secrets/sanitize.ts): body keys, query parameters (the email link's
 * `client_secret` and `token`) and secret route parameters, in `hs.requests` and in what
 * `npm run homeserver` prints.
 */
import { isSecretKey } from '../../src/secrets/sanitize';
import { createHomeserver, demoConfig, DEMO_ACCOUNT, isRedactedKey, redact } from '../../src/testing';
import { redactPath } from '../../src/testing/request-log';
import { ROUTES } from '../../src/testing/dispatch';

const V3 = '/_matrix/client/v3';

test('the key rule is the core one: every key it calls a secret is redacted, no other', () => {
  const keys = ['password', 'new_password', 'newPassword', 'token', 'access_token', 'refresh_token', 'login_token', 'id_access_token', 'registrationToken', 'client_secret', 'clientSecret', 'response', 'code', 'sid', 'session', 'type', 'user', 'medium', 'address', 'device_id', 'send_attempt', 'kind'];
  for (const k of keys) expect([k, isRedactedKey(k)]).toEqual([k, isSecretKey(k)]);
  expect(keys.filter(isRedactedKey)).toEqual(['password', 'new_password', 'newPassword', 'token', 'access_token', 'refresh_token', 'login_token', 'id_access_token', 'registrationToken', 'client_secret', 'clientSecret', 'response', 'code']);
});

test('redact: a deep copy with secret values replaced wherever they sit, the rest kept', () => {
  const body = {
    refresh_token: 'rt',
    auth: { type: 'm.login.password', identifier: { type: 'm.id.user', user: 'alice' }, password: 'pw', session: 'S' },
    threepid_creds: [{ sid: 'sid1', client_secret: 'cs' }],
    login_token: 'lt',
    empty: null,
  };
  expect(redact(body)).toEqual({
    refresh_token: '[redacted]',
    auth: { type: 'm.login.password', identifier: { type: 'm.id.user', user: 'alice' }, password: '[redacted]', session: 'S' },
    threepid_creds: [{ sid: 'sid1', client_secret: '[redacted]' }],
    login_token: '[redacted]',
    empty: null,
  });
  expect(body.auth.password).toBe('pw');
  expect(redact('text')).toBe('text');
  expect(redact(undefined)).toBeUndefined();
});

describe('redactPath', () => {
  it('redacts secret query parameters, keeps the others, their order and encoding', () => {
    expect(redactPath('/_simulator/3pid/submit_token?sid=abc&client_secret=s3cr%2Ft&token=123456')).toBe('/_simulator/3pid/submit_token?sid=abc&client_secret=[redacted]&token=[redacted]');
    expect(redactPath(`${V3}/account/whoami?access_token=syt_x&refresh_token=r&kind=user`)).toBe(`${V3}/account/whoami?access_token=[redacted]&refresh_token=[redacted]&kind=user`);
    // An encoded key is still a key; a parameter without a value has nothing to hide.
    expect(redactPath('/x?client%5Fsecret=v&token&a=%ZZ')).toBe('/x?client%5Fsecret=[redacted]&token&a=%ZZ');
    expect(redactPath('/x')).toBe('/x');
    expect(redactPath('/x?')).toBe('/x?');
  });

  it("redacts a route's path parameters named like a secret, for that route's method only", () => {
    expect(redactPath('/_synapse/admin/v1/registration_tokens/abcd?x=1', ROUTES, 'GET')).toBe('/_synapse/admin/v1/registration_tokens/[redacted]?x=1');
    expect(redactPath('/_synapse/admin/v1/registration_tokens/new', ROUTES, 'POST')).toBe('/_synapse/admin/v1/registration_tokens/new');
    expect(redactPath(`${V3}/devices/ALICEPHONE`, ROUTES, 'DELETE')).toBe(`${V3}/devices/ALICEPHONE`);
    // Without routes only the query is looked at.
    expect(redactPath('/_synapse/admin/v1/registration_tokens/abcd')).toBe('/_synapse/admin/v1/registration_tokens/abcd');
  });
});

test('hs.requests: the email link, the validity check and the admin API log no secret', async () => {
  const hs = createHomeserver(demoConfig({ users: [...(demoConfig().users ?? []), { userId: '@root:localhost', password: 'root horse', admin: true, devices: [{ deviceId: 'R', accessToken: 'root-token-1' }] }] }));
  const res = await hs.handle({
    method: 'POST',
    path: `${V3}/register/email/requestToken`,
    body: { email: 'new@example.org', client_secret: 'client-secret-xyz', send_attempt: 1 },
  });
  expect(res.status).toBe(200);
  const mail = hs.outbox.latest('new@example.org')!;
  const link = new URL(mail.link);
  expect((await hs.handle({ method: 'GET', path: link.pathname + link.search })).status).toBe(200);
  await hs.handle({ method: 'GET', path: `/_matrix/client/v1/register/m.login.registration_token/validity?token=${DEMO_ACCOUNT.registrationToken}` });
  await hs.handle({ method: 'GET', path: `/_synapse/admin/v1/registration_tokens/${DEMO_ACCOUNT.registrationToken}?access_token=root-token-1` });
  await hs.handle({ method: 'POST', path: `${V3}/refresh`, body: { refresh_token: 'refresh-secret-1' } });

  const log = JSON.stringify(hs.requests);
  for (const secret of ['client-secret-xyz', mail.code, DEMO_ACCOUNT.registrationToken, 'root-token-1', 'refresh-secret-1']) expect(log).not.toContain(secret);
  expect(hs.requests.map((r) => r.path)).toEqual([
    `${V3}/register/email/requestToken`,
    `/_simulator/3pid/submit_token?sid=${mail.sid}&client_secret=[redacted]&token=[redacted]`,
    '/_matrix/client/v1/register/m.login.registration_token/validity?token=[redacted]',
    '/_synapse/admin/v1/registration_tokens/[redacted]?access_token=[redacted]',
    `${V3}/refresh`,
  ]);
  expect(hs.requests[0]!.body).toEqual({ email: 'new@example.org', client_secret: '[redacted]', send_attempt: 1 });
  expect(hs.requests[3]!.status).toBe(200);
  expect(hs.requests[4]!.body).toEqual({ refresh_token: '[redacted]' });
});

test('GET /favicon.ico is answered (no 404 in a browser console), HEAD too', async () => {
  const hs = createHomeserver();
  const res = await hs.fetch('http://hs.test/favicon.ico');
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toBe('image/svg+xml');
  expect(await res.text()).toMatch(/^<svg /);
  expect((await hs.handle({ method: 'HEAD', path: '/favicon.ico' })).status).toBe(200);
});
