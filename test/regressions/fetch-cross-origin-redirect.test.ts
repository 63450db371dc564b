/**
 * Regression (issue 14, item 9): `matrix-uia/fetch` let `fetch` follow redirects. A 307/308 to
 * another origin re-sent the request body there (`auth.password`, `new_password`), and a 302 to
 * another origin turned the POST into a GET whose `200 {}` made `changePassword` resolve as if
 * the password had been changed. Now redirects are followed only to the same origin (307/308
 * with the body; 301/302/303 only for a GET), and any other redirect ends the negotiation with an
 * `EndpointError` carrying the redirect's status: never a success, and the body stays home.
 *
 * Two real HTTP servers on 127.0.0.1 (two ports: two origins).
 */
import { EndpointError } from '../../src/errors/errors';
import { changePassword, createMatrixClient, MatrixHttpError, whoami } from '../../src/fetch';
import { json, listen, PASSWORD_401, type LoopbackServer } from './loopback-server';

const USER = '@alice:localhost';
let servers: LoopbackServer[] = [];
afterEach(async () => {
  await Promise.all(servers.map((s) => s.close()));
  servers = [];
});

/** The other origin: answers everything `200 {}` and records what reached it. */
async function elsewhere(): Promise<LoopbackServer> {
  const s = await listen((_req, res) => json(res, 200, {}));
  servers.push(s);
  return s;
}

/** A homeserver that asks for the password, then redirects the submission with `status`. */
async function redirecting(status: number, location: (path: string) => string): Promise<LoopbackServer> {
  const s = await listen((req, res) => {
    if (req.path === '/_matrix/client/v3/account/password' && !req.body.includes('"auth"')) return json(res, 401, PASSWORD_401);
    if (req.path === '/_matrix/client/v3/account/password') {
      res.writeHead(status, { Location: location(req.path), 'Content-Length': '0' });
      return res.end();
    }
    json(res, 200, {});
  });
  servers.push(s);
  return s;
}

const change = (url: string) =>
  changePassword(createMatrixClient({ baseUrl: url, accessToken: 'tok' }), { newPassword: 'new secret', logoutDevices: false }, { userId: USER, authMetadata: null, handlers: { password: () => 'old secret' } }); // a legacy server, known in advance: no discovery requests in the counts

test.each([307, 308])('a %i to another origin is not followed: the password and new_password stay home', async (status) => {
  const other = await elsewhere();
  const hs = await redirecting(status, () => `${other.url}/steal`);
  const e = await change(hs.url).catch((x: unknown) => x);
  expect(e).toBeInstanceOf(EndpointError);
  expect(e).toMatchObject({ httpStatus: status });
  expect(other.seen).toEqual([]);
  expect(hs.seen).toHaveLength(2);
});

test.each([301, 302, 303])('a %i to another origin is no success (the POST does not become a GET there)', async (status) => {
  const other = await elsewhere();
  const hs = await redirecting(status, () => `${other.url}/fake-ok`);
  const e = await change(hs.url).catch((x: unknown) => x);
  expect(e).toBeInstanceOf(EndpointError);
  expect(e).toMatchObject({ httpStatus: status });
  expect(other.seen).toEqual([]);
});

test('a 302 on the same origin does not turn the POST into a GET either', async () => {
  const hs = await redirecting(302, () => '/elsewhere');
  await expect(change(hs.url)).rejects.toMatchObject({ name: 'EndpointError', httpStatus: 302 });
  expect(hs.seen.map((r) => r.path)).toEqual(['/_matrix/client/v3/account/password', '/_matrix/client/v3/account/password']);
});

test('a 307 on the same origin is followed with its body', async () => {
  const hs = await redirecting(307, () => '/_matrix/client/v3/account/password-moved');
  await expect(change(hs.url)).resolves.toEqual({});
  const moved = hs.seen.find((r) => r.path.endsWith('password-moved'))!;
  expect(JSON.parse(moved.body)).toMatchObject({ new_password: 'new secret', auth: { type: 'm.login.password', password: 'old secret', session: 'S1' } });
});

test('the error says where the redirect pointed', async () => {
  const other = await elsewhere();
  const hs = await listen((_req, res) => {
    res.writeHead(307, { Location: `${other.url}/x`, 'Content-Length': '0' });
    res.end();
  });
  servers.push(hs);
  const e = (await whoami(createMatrixClient({ baseUrl: hs.url, accessToken: 'tok' })).catch((x: unknown) => x)) as MatrixHttpError;
  expect(e).toBeInstanceOf(MatrixHttpError);
  expect(e.message).toBe(`HTTP 307: redirected to another origin (${other.url}); not followed`);
  expect(other.seen).toEqual([]);
});
