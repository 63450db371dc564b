/**
 * Regression (issue 14, item 10): a 2xx whose body is not JSON (an HTML page from a proxy, a
 * truncated body) made the fetch client throw a plain `Error`, which the chart took for a network
 * fault: the password stage was shown again, and runUia asked for the password and sent it again
 * (6 requests in 3 s in the report). It is an answer, not a network fault: the fetch client now
 * rejects with a `MatrixHttpError` of that status, and the negotiation ends with an
 * `EndpointError` after one submission.
 *
 * A real HTTP server on 127.0.0.1: the first request gets the password challenge, the submission
 * a `200 text/html`.
 */
import { EndpointError } from '../../src/errors/errors';
import { changePassword, createMatrixClient } from '../../src/fetch';
import { json, listen, PASSWORD_401, type LoopbackServer } from './loopback-server';

let server: LoopbackServer | null = null;
afterEach(async () => {
  await server?.close();
  server = null;
});

test.each([
  ['an HTML page', 'text/html', '<html><body>Welcome</body></html>'],
  ['a truncated JSON body', 'application/json', '{"user_id": "@al'],
])('a 200 with %s ends the negotiation after one submission', async (_what, type, body) => {
  server = await listen((req, res) => {
    if (!req.body.includes('"auth"')) return json(res, 401, PASSWORD_401);
    res.writeHead(200, { 'Content-Type': type, 'Content-Length': String(Buffer.byteLength(body)) });
    res.end(body);
  });
  const asked: number[] = [];
  const e = await changePassword(createMatrixClient({ baseUrl: server.url, accessToken: 'tok' }), { newPassword: 'n' }, {
    userId: '@alice:localhost',
    handlers: {
      password: (p) => {
        asked.push(p.attempt);
        // A third ask would be the loop itself: end it so a regression fails instead of hanging.
        if (p.attempt > 2) throw new Error('asked again');
        return 'secret';
      },
    },
  }).catch((x: unknown) => x);
  expect(e).toBeInstanceOf(EndpointError);
  expect(e).toMatchObject({ httpStatus: 200, data: undefined });
  expect(asked).toEqual([1]);
  expect(server.seen.filter((r) => r.body.includes('"password":"secret"'))).toHaveLength(1);
});
