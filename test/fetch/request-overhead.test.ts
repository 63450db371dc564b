/**
 * What the fetch client and the endpoint helpers still do after their per-request work was cut
 * (issue 15, loopback): the caller's signal without a time limit, the content type in the error
 * for a body that is not JSON, and a discovery answer in hand used without asking again.
 * An injected `fetch` records what it is given; no network.
 */
import { changePassword, createMatrixClient, forgetAuthMetadata, rememberAuthMetadata, type FetchLike } from '../../src/fetch';
import { knownAuthMetadata } from '../../src/fetch/discovery';

function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json', ...headers } });
}

describe('the caller signal', () => {
  test('without a time limit the caller signal is the fetch signal, and aborting it rejects with its reason', async () => {
    const seen: (AbortSignal | null | undefined)[] = [];
    const fetch: FetchLike = (_url, init) => {
      seen.push(init.signal);
      return new Promise((_, reject) => init.signal!.addEventListener('abort', () => reject(init.signal!.reason)));
    };
    const client = createMatrixClient({ baseUrl: 'http://hs.test', fetch, timeoutMs: 0 });
    const ac = new AbortController();
    const pending = client.request('GET', '/_matrix/client/v3/account/whoami', undefined, { signal: ac.signal });
    ac.abort(new Error('stop'));
    await expect(pending).rejects.toThrow('stop');
    expect(seen[0]).toBe(ac.signal);
  });

  test('without a time limit and without a signal the fetch gets no signal', async () => {
    let signal: AbortSignal | null | undefined = null;
    const fetch: FetchLike = async (_url, init) => {
      signal = init.signal;
      return json(200, { ok: true });
    };
    await expect(createMatrixClient({ baseUrl: 'http://hs.test', fetch, timeoutMs: 0 }).request('GET', '/x')).resolves.toEqual({ ok: true });
    expect(signal).toBeUndefined();
  });

  test('with a time limit, the caller signal still aborts the fetch (through the client own controller)', async () => {
    let given: AbortSignal | null | undefined;
    const fetch: FetchLike = (_url, init) => {
      given = init.signal;
      return new Promise((_, reject) => init.signal!.addEventListener('abort', () => reject(init.signal!.reason)));
    };
    const ac = new AbortController();
    const pending = createMatrixClient({ baseUrl: 'http://hs.test', fetch }).request('GET', '/x', undefined, { signal: ac.signal });
    ac.abort(new Error('gone'));
    await expect(pending).rejects.toThrow('gone');
    expect(given).not.toBe(ac.signal);
    expect(given!.aborted).toBe(true);
  });
});

describe('answers the client cannot use', () => {
  test('a 2xx that is not JSON names its content type', async () => {
    const fetch: FetchLike = async () => new Response('<html></html>', { status: 200, headers: { 'Content-Type': 'text/html; charset=utf-8' } });
    await expect(createMatrixClient({ baseUrl: 'http://hs.test', fetch }).request('GET', '/x')).rejects.toMatchObject({
      name: 'MatrixHttpError',
      httpStatus: 200,
      data: undefined,
      message: 'HTTP 200: the response body is not JSON (text/html)',
    });
  });

  test('a 401 carries its body, its Retry-After, and no stack trace', async () => {
    const fetch: FetchLike = async () => json(401, { session: 's', flows: [{ stages: ['m.login.password'] }], params: {} }, { 'Retry-After': '3' });
    const e = (await createMatrixClient({ baseUrl: 'http://hs.test', fetch }).request('POST', '/x', {}).catch((x: unknown) => x)) as { httpStatus: number; data: unknown; retryAfterMs: number; stack?: string };
    expect(e).toMatchObject({ httpStatus: 401, data: { session: 's' }, retryAfterMs: 3000 });
    expect(String(e.stack)).not.toContain('request-overhead.test');
  });

  test('a body over the limit with a Content-Length is not read', async () => {
    const fetch: FetchLike = async () => new Response('{"a":"' + 'x'.repeat(100) + '"}', { status: 200, headers: { 'Content-Type': 'application/json', 'Content-Length': '108' } });
    await expect(createMatrixClient({ baseUrl: 'http://hs.test', fetch, maxResponseBytes: 50 }).request('GET', '/x')).rejects.toMatchObject({ httpStatus: 200, data: undefined });
  });
});

describe('discovery answer in hand', () => {
  test('knownAuthMetadata reads a resolved discovery, and an endpoint helper then asks nothing more', async () => {
    const paths: string[] = [];
    const fetch: FetchLike = async (url, init) => {
      const path = new URL(url).pathname;
      paths.push(`${init.method} ${path}`);
      if (path === '/_matrix/client/versions') return json(200, { versions: ['v1.11'] });
      if (path.endsWith('/auth_metadata')) return json(404, { errcode: 'M_UNRECOGNIZED', error: 'no' });
      const body = JSON.parse(String(init.body)) as { auth?: unknown };
      return body.auth ? json(200, {}) : json(401, { session: 's', flows: [{ stages: ['m.login.password'] }], params: {} });
    };
    const client = createMatrixClient({ baseUrl: 'http://hs.test', accessToken: 'tok', fetch });
    expect(knownAuthMetadata(client)).toBeUndefined();
    const run = () => changePassword(client, { newPassword: 'n' }, { userId: '@a:hs.test', handlers: { password: () => 'p' } });
    await expect(run()).resolves.toEqual({});
    expect(knownAuthMetadata(client)).toBeNull();
    paths.length = 0;
    await expect(run()).resolves.toEqual({});
    expect(paths).toEqual(['POST /_matrix/client/v3/account/password', 'POST /_matrix/client/v3/account/password']);
    forgetAuthMetadata(client);
    expect(knownAuthMetadata(client)).toBeUndefined();
    rememberAuthMetadata(client, null);
    expect(knownAuthMetadata(client)).toBeNull();
  });
});
