/**
 * Regression (issue 14, item 9): the fetch client had no request timeout and no size limit. A
 * server sending one byte every 100 ms kept a request (and the negotiation) hanging forever; a
 * 50 MB body was read whole, and a 39 KB gzip that inflates to 40 MB was accepted. Now every
 * request, body included, must complete within `timeoutMs` (default 30 s; configurable per
 * client and per request) or rejects with a `TimeoutError`, and a body over `maxResponseBytes`
 * (default 1 MiB, counted after decompression) is not read further: a `MatrixHttpError` with
 * the answer's status, never a result.
 *
 * Real HTTP servers on 127.0.0.1. The trickling server never finishes: without the time limit the
 * test hangs (and fails on Jest's timeout); the verdict itself is the error's type, not a duration.
 */
import { gzipSync } from 'node:zlib';
import { runUia } from '../../src';
import { NetworkError, UiaError } from '../../src/errors/errors';
import { changePassword, createMatrixClient, DEFAULT_MAX_RESPONSE_BYTES, DEFAULT_TIMEOUT_MS, MatrixHttpError, uiaRequest } from '../../src/fetch';
import { json, listen, PASSWORD_401, type LoopbackServer } from './loopback-server';

let servers: LoopbackServer[] = [];
const timers: ReturnType<typeof setInterval>[] = [];
afterEach(async () => {
  timers.forEach(clearInterval);
  await Promise.all(servers.map((s) => s.close()));
  servers = [];
});
async function serve(answer: Parameters<typeof listen>[0]): Promise<LoopbackServer> {
  const s = await listen(answer);
  servers.push(s);
  return s;
}

/** Sends headers and then one byte every 100 ms, forever. */
const trickle: Parameters<typeof listen>[0] = (_req, res) => {
  res.writeHead(200, { 'Content-Type': 'application/json' });
  res.write('{');
  timers.push(setInterval(() => res.write(' '), 100));
};

describe('time limit', () => {
  test('the default is 30 s, and a client can set its own', () => {
    expect(DEFAULT_TIMEOUT_MS).toBe(30_000);
    expect(createMatrixClient({ baseUrl: 'http://127.0.0.1:1' }).timeoutMs).toBe(30_000);
    expect(createMatrixClient({ baseUrl: 'http://127.0.0.1:1', timeoutMs: 0 }).timeoutMs).toBe(Infinity);
    expect(() => createMatrixClient({ baseUrl: 'http://127.0.0.1:1', timeoutMs: -1 })).toThrow(TypeError);
  });

  test('a body trickling in a byte every 100 ms rejects with TimeoutError', async () => {
    const s = await serve(trickle);
    const e = await createMatrixClient({ baseUrl: s.url, timeoutMs: 300 }).request('GET', '/_matrix/client/v3/account/whoami').catch((x: unknown) => x);
    expect(e).toMatchObject({ name: 'TimeoutError', message: 'GET /_matrix/client/v3/account/whoami: no complete answer within 300 ms' });
  });

  test('a per-request limit wins over the client', async () => {
    const s = await serve(trickle);
    const client = createMatrixClient({ baseUrl: s.url, timeoutMs: 0 });
    await expect(client.request('GET', '/x', undefined, { timeoutMs: 200 })).rejects.toMatchObject({ name: 'TimeoutError' });
  });

  test('a negotiation against a trickling server ends with a NetworkError instead of hanging', async () => {
    const s = await serve(trickle);
    const e = await changePassword(createMatrixClient({ baseUrl: s.url, accessToken: 'tok', timeoutMs: 300 }), { newPassword: 'n' }, { userId: '@a:x', handlers: { password: () => 'p' } }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(NetworkError);
    expect((e as NetworkError).cause).toMatchObject({ name: 'TimeoutError' });
  });
});

describe('size limit', () => {
  const big = (bytes: number) => JSON.stringify({ filler: 'x'.repeat(bytes) });

  test('the default is 1 MiB', () => {
    expect(DEFAULT_MAX_RESPONSE_BYTES).toBe(1024 * 1024);
  });

  test('a 50 MB 200 is not read whole and is no result', async () => {
    const body = big(50 * 1024 * 1024);
    const s = await serve((_req, res) => json(res, 200, JSON.parse(body)));
    const e = await createMatrixClient({ baseUrl: s.url }).request('GET', '/x').catch((x: unknown) => x);
    expect(e).toBeInstanceOf(MatrixHttpError);
    expect(e).toMatchObject({ httpStatus: 200, data: undefined, message: `HTTP 200: the response body is larger than ${DEFAULT_MAX_RESPONSE_BYTES} bytes` });
  });

  test('a 40 MB body sent as a small gzip (no Content-Length) is stopped once it inflates past the limit', async () => {
    const gz = gzipSync(Buffer.from(big(40 * 1024 * 1024)));
    expect(gz.length).toBeLessThan(100 * 1024);
    const s = await serve((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' });
      res.end(gz);
    });
    await expect(createMatrixClient({ baseUrl: s.url }).request('GET', '/x')).rejects.toMatchObject({ name: 'MatrixHttpError', httpStatus: 200, data: undefined });
  });

  test('the limit is configurable, and a body under it is read', async () => {
    const s = await serve((_req, res) => json(res, 200, { ok: 'y'.repeat(2000) }));
    await expect(createMatrixClient({ baseUrl: s.url, maxResponseBytes: 1000 }).request('GET', '/x')).rejects.toMatchObject({ httpStatus: 200 });
    await expect(createMatrixClient({ baseUrl: s.url, maxResponseBytes: 4000 }).request('GET', '/x')).resolves.toEqual({ ok: 'y'.repeat(2000) });
  });

  test('an oversized 401 ends the negotiation with a typed error, not a network fault (no password is sent)', async () => {
    const s = await serve((_req, res) => json(res, 401, { ...PASSWORD_401, filler: 'z'.repeat(2 * 1024 * 1024) }));
    const password = jest.fn(() => 'p');
    const client = createMatrixClient({ baseUrl: s.url, accessToken: 'tok' });
    const e = await runUia({ request: uiaRequest(client, 'POST', '/_matrix/client/v3/account/password', {}), userId: '@a:x', handlers: { password } }).catch((x: unknown) => x);
    // A 401 without a usable body is no challenge: the chart ends with a protocol or endpoint error.
    expect(e).toBeInstanceOf(UiaError);
    expect(e).not.toBeInstanceOf(NetworkError);
    expect(['PROTOCOL', 'ENDPOINT']).toContain((e as UiaError).code);
    expect(password).not.toHaveBeenCalled();
    expect(s.seen).toHaveLength(1);
  });
});
