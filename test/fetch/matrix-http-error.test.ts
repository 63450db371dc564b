/**
 * MatrixHttpError parsing and the fetch client's handling of answers, with a hand-made `fetch`
 * (no server needed to check status, headers and body parsing).
 */
import { createMatrixClient, DEFAULT_MSISDN_SUBMIT_PATH, MatrixHttpError, parseRetryAfterHeader, submitMsisdnToken, type FetchLike } from '../../src/fetch';

/** A fetch answering one canned response and recording the request. */
function cannedFetch(status: number, body: string, headers: Record<string, string> = {}) {
  const calls: { url: string; init: RequestInit }[] = [];
  const fetch: FetchLike = async (url, init) => {
    calls.push({ url, init });
    return new Response(status === 204 ? null : body, { status, headers });
  };
  return { fetch, calls };
}

describe('parseRetryAfterHeader', () => {
  const now = Date.parse('2025-01-01T00:00:00Z');
  test.each([
    ['3', 3000],
    ['0', 0],
    [' 12 ', 12000],
    ['Wed, 01 Jan 2025 00:00:05 GMT', 5000],
    ['Tue, 31 Dec 2024 23:59:00 GMT', 0],
    ['', undefined],
    ['soon', undefined],
    ['-3', undefined],
    ['1.5', undefined],
  ])('%j → %j', (value, expected) => {
    expect(parseRetryAfterHeader(value, now)).toBe(expected);
  });
  test('absent header', () => {
    expect(parseRetryAfterHeader(null)).toBeUndefined();
    expect(parseRetryAfterHeader(undefined)).toBeUndefined();
  });
  test('an absurd wait is capped at a day', () => {
    expect(parseRetryAfterHeader('999999999', now)).toBe(24 * 60 * 60 * 1000);
  });
});

describe('MatrixHttpError', () => {
  test('reads errcode, error and retry_after_ms from a Matrix error body', () => {
    const e = new MatrixHttpError(429, { errcode: 'M_LIMIT_EXCEEDED', error: 'Too many requests', retry_after_ms: 1500 }, { retryAfterHeader: '9' });
    expect(e).toBeInstanceOf(Error);
    expect(e.name).toBe('MatrixHttpError');
    expect(e.httpStatus).toBe(429);
    expect(e.errcode).toBe('M_LIMIT_EXCEEDED');
    expect(e.error).toBe('Too many requests');
    // The body wins over the header: it is the Matrix-level answer.
    expect(e.retryAfterMs).toBe(1500);
    expect(e.message).toBe('HTTP 429 M_LIMIT_EXCEEDED: Too many requests');
  });
  test('falls back to the Retry-After header', () => {
    expect(new MatrixHttpError(429, { errcode: 'M_LIMIT_EXCEEDED' }, { retryAfterHeader: '2' }).retryAfterMs).toBe(2000);
    const now = Date.parse('2025-01-01T00:00:00Z');
    expect(new MatrixHttpError(503, {}, { retryAfterHeader: 'Wed, 01 Jan 2025 00:01:00 GMT', now }).retryAfterMs).toBe(60000);
  });
  test('ignores a retry_after_ms that is not a non-negative number', () => {
    expect(new MatrixHttpError(429, { retry_after_ms: '5' }).retryAfterMs).toBeUndefined();
    expect(new MatrixHttpError(429, { retry_after_ms: -1 }).retryAfterMs).toBeUndefined();
  });
  test('a body without a Matrix error', () => {
    const e = new MatrixHttpError(500, ['odd']);
    expect(e.errcode).toBeUndefined();
    expect(e.error).toBeUndefined();
    expect(e.data).toEqual(['odd']);
    expect(e.message).toBe('HTTP 500: request failed');
  });
  test('a non-JSON body says so', () => {
    const e = new MatrixHttpError(502, undefined, { contentType: 'text/html; charset=utf-8' });
    expect(e.data).toBeUndefined();
    expect(e.message).toBe('HTTP 502: the response body is not JSON (text/html)');
  });
});

describe('createMatrixClient', () => {
  test('sends JSON with the access token, query parameters and the base path kept', async () => {
    const f = cannedFetch(200, '{"ok":true}', { 'content-type': 'application/json' });
    const client = createMatrixClient({ baseUrl: 'http://hs.test/prefix/', accessToken: 'tok', fetch: f.fetch });
    await expect(client.request('POST', '/_matrix/client/v3/register', { a: 1 }, { query: { kind: 'user', skip: undefined } })).resolves.toEqual({ ok: true });
    const { url, init } = f.calls[0]!;
    expect(url).toBe('http://hs.test/prefix/_matrix/client/v3/register?kind=user');
    expect(init.method).toBe('POST');
    expect(init.body).toBe('{"a":1}');
    expect((init.headers as Record<string, string>).Authorization).toBe('Bearer tok');
    expect((init.headers as Record<string, string>)['Content-Type']).toBe('application/json');
  });
  test('auth: false sends no token; GET sends no body', async () => {
    const f = cannedFetch(200, '{}');
    const client = createMatrixClient({ baseUrl: 'http://hs.test', accessToken: 'tok', fetch: f.fetch });
    await client.request('GET', '/x', undefined, { auth: false });
    expect((f.calls[0]!.init.headers as Record<string, string>).Authorization).toBeUndefined();
    expect(f.calls[0]!.init.body).toBeUndefined();
  });
  test('an empty 2xx body is {}', async () => {
    const client = createMatrixClient({ baseUrl: 'http://hs.test', fetch: cannedFetch(204, '').fetch });
    await expect(client.request('DELETE', '/x', {})).resolves.toEqual({});
  });
  test('a non-2xx answer rejects with MatrixHttpError carrying the body and headers', async () => {
    const body = { errcode: 'M_LIMIT_EXCEEDED', error: 'Slow down' };
    const client = createMatrixClient({ baseUrl: 'http://hs.test', fetch: cannedFetch(429, JSON.stringify(body), { 'retry-after': '4', 'content-type': 'application/json' }).fetch });
    const e = await client.request('POST', '/x', {}).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(MatrixHttpError);
    expect(e).toMatchObject({ httpStatus: 429, errcode: 'M_LIMIT_EXCEEDED', error: 'Slow down', data: body, retryAfterMs: 4000 });
  });
  test('a non-JSON error page', async () => {
    const client = createMatrixClient({ baseUrl: 'http://hs.test', fetch: cannedFetch(502, '<html>Bad gateway</html>', { 'content-type': 'text/html' }).fetch });
    const e = (await client.request('GET', '/x').catch((x: unknown) => x)) as MatrixHttpError;
    expect(e.httpStatus).toBe(502);
    expect(e.data).toBeUndefined();
    expect(e.message).toContain('not JSON (text/html)');
  });
  test('a non-JSON 2xx body is an answer that cannot be used, not a result', async () => {
    const client = createMatrixClient({ baseUrl: 'http://hs.test', fetch: cannedFetch(200, 'hello', { 'content-type': 'text/plain' }).fetch });
    await expect(client.request('GET', '/x')).rejects.toMatchObject({ name: 'MatrixHttpError', httpStatus: 200, data: undefined, message: expect.stringContaining('not JSON (text/plain)') });
  });
  test('a network failure rejects with the fetch error itself', async () => {
    const boom = new TypeError('fetch failed');
    const client = createMatrixClient({ baseUrl: 'http://hs.test', fetch: async () => { throw boom; } });
    await expect(client.request('GET', '/x')).rejects.toBe(boom);
  });
  test('the signal reaches fetch', async () => {
    // The fetch gets one signal for the caller's and the time limit: aborting the caller's aborts it.
    const ac = new AbortController();
    let given: AbortSignal | undefined;
    const fetch: FetchLike = (_url, init) =>
      new Promise((_resolve, reject) => {
        given = init.signal!;
        given.addEventListener('abort', () => reject(given!.reason));
      });
    const pending = createMatrixClient({ baseUrl: 'http://hs.test', fetch }).request('GET', '/x', undefined, { signal: ac.signal });
    expect(given!.aborted).toBe(false);
    const stop = new Error('stop');
    ac.abort(stop);
    await expect(pending).rejects.toBe(stop);
  });
  test('rejects a base URL that is not http(s)', () => {
    expect(() => createMatrixClient({ baseUrl: 'ftp://hs.test' })).toThrow(TypeError);
  });
});

describe('submitMsisdnToken', () => {
  const params = { sid: 'S', clientSecret: 'secret', token: '123456' };
  test('posts to submit_url on its own host, without the access token', async () => {
    const f = cannedFetch(200, '{"success":true}');
    const client = createMatrixClient({ baseUrl: 'http://hs.test', accessToken: 'tok', fetch: f.fetch });
    await expect(submitMsisdnToken(client, { ...params, submitUrl: 'https://id.example/_matrix/identity/v2/validate/msisdn/submitToken' })).resolves.toBe(true);
    expect(f.calls[0]!.url).toBe('https://id.example/_matrix/identity/v2/validate/msisdn/submitToken');
    expect((f.calls[0]!.init.headers as Record<string, string>).Authorization).toBeUndefined();
    expect(JSON.parse(f.calls[0]!.init.body as string)).toEqual({ sid: 'S', client_secret: 'secret', token: '123456' });
  });
  test('without submit_url: the homeserver endpoint; a 4xx is a refused code', async () => {
    const f = cannedFetch(400, '{"errcode":"M_INVALID_PARAM","error":"Wrong code"}');
    const client = createMatrixClient({ baseUrl: 'http://hs.test', fetch: f.fetch });
    await expect(submitMsisdnToken(client, params)).resolves.toBe(false);
    expect(f.calls[0]!.url).toBe(`http://hs.test${DEFAULT_MSISDN_SUBMIT_PATH}`);
  });
  test('a 5xx or a javascript: submit_url is an error, not a refusal', async () => {
    const client = createMatrixClient({ baseUrl: 'http://hs.test', fetch: cannedFetch(502, 'down').fetch });
    await expect(submitMsisdnToken(client, params)).rejects.toBeInstanceOf(MatrixHttpError);
    await expect(submitMsisdnToken(client, { ...params, submitUrl: 'javascript:alert(1)' })).rejects.toThrow(TypeError);
  });
});
