/**
 * `discoverAuthMetadata` of matrix-uia/fetch against scripted answers: which paths it asks,
 * what counts as a legacy server, what is a fault, and the cache (per homeserver and fetch,
 * shared by `withAccessToken` copies; faults not cached; a caller's abort only stops that caller).
 */
import { AbortedError, EndpointError, NetworkError } from '../../src';
import { createMatrixClient, discoverAuthMetadata, forgetAuthMetadata, rememberAuthMetadata, type FetchLike } from '../../src/fetch';

const BASE = 'https://hs.example';
const METADATA = { issuer: 'https://auth.example/', account_management_uri: 'https://auth.example/account', account_management_actions_supported: ['org.matrix.profile'] };

type Reply = { status: number; body?: unknown } | 'network' | (() => Promise<Response>);

/** A fetch answering by path; records the paths asked. */
function scriptedFetch(replies: Record<string, Reply>): FetchLike & { asked: string[] } {
  const asked: string[] = [];
  const f = (async (input: string) => {
    const path = new URL(input).pathname;
    asked.push(path);
    const r = replies[path] ?? { status: 404, body: { errcode: 'M_UNRECOGNIZED', error: 'Unrecognized request' } };
    if (r === 'network') throw new TypeError('fetch failed');
    if (typeof r === 'function') return r();
    return new Response(r.body === undefined ? '' : JSON.stringify(r.body), { status: r.status, headers: { 'Content-Type': 'application/json' } });
  }) as unknown as FetchLike & { asked: string[] };
  f.asked = asked;
  return f;
}

const VERSIONS_OLD = { status: 200, body: { versions: ['v1.11', 'v1.12'] } };
const VERSIONS_NEW = { status: 200, body: { versions: ['v1.12', 'v1.15'] } };

test('a server listing v1.15: the stable path only', async () => {
  const f = scriptedFetch({ '/_matrix/client/versions': VERSIONS_NEW, '/_matrix/client/v1/auth_metadata': { status: 200, body: METADATA } });
  expect(await discoverAuthMetadata(createMatrixClient({ baseUrl: BASE, fetch: f }))).toEqual(METADATA);
  expect(f.asked).toEqual(['/_matrix/client/versions', '/_matrix/client/v1/auth_metadata']);
});

test('a server without v1.15 (Synapse lists up to v1.12): the unstable path', async () => {
  const f = scriptedFetch({ '/_matrix/client/versions': VERSIONS_OLD, '/_matrix/client/unstable/org.matrix.msc2965/auth_metadata': { status: 200, body: METADATA } });
  expect(await discoverAuthMetadata(createMatrixClient({ baseUrl: BASE, fetch: f }))).toEqual(METADATA);
  expect(f.asked).toEqual(['/_matrix/client/versions', '/_matrix/client/unstable/org.matrix.msc2965/auth_metadata']);
});

test('/versions unreadable: both paths, stable first', async () => {
  const f = scriptedFetch({ '/_matrix/client/versions': { status: 404, body: {} }, '/_matrix/client/unstable/org.matrix.msc2965/auth_metadata': { status: 200, body: METADATA } });
  expect(await discoverAuthMetadata(createMatrixClient({ baseUrl: BASE, fetch: f }))).toEqual(METADATA);
  expect(f.asked).toEqual(['/_matrix/client/versions', '/_matrix/client/v1/auth_metadata', '/_matrix/client/unstable/org.matrix.msc2965/auth_metadata']);
});

test.each([
  ['404 M_UNRECOGNIZED', { status: 404, body: { errcode: 'M_UNRECOGNIZED' } }],
  ['405 M_UNRECOGNIZED', { status: 405, body: { errcode: 'M_UNRECOGNIZED' } }],
  ['a proxy 404 without JSON', () => Promise.resolve(new Response('<html>not found</html>', { status: 404, headers: { 'Content-Type': 'text/html' } }))],
  ['200 that is no metadata', { status: 200, body: { hello: 1 } }],
] as const)('legacy server (%s): null, cached', async (_l, reply) => {
  const f = scriptedFetch({ '/_matrix/client/versions': VERSIONS_NEW, '/_matrix/client/v1/auth_metadata': reply as Reply });
  const client = createMatrixClient({ baseUrl: BASE, fetch: f });
  expect(await discoverAuthMetadata(client)).toBeNull();
  expect(await discoverAuthMetadata(client.withAccessToken('tok'))).toBeNull();
  expect(f.asked).toHaveLength(2);
});

test('faults are typed and not cached: network → NetworkError, 5xx/429 → EndpointError', async () => {
  let n = 0;
  const f = scriptedFetch({
    '/_matrix/client/versions': VERSIONS_NEW,
    '/_matrix/client/v1/auth_metadata': () => {
      n++;
      if (n === 1) return Promise.reject(new TypeError('fetch failed'));
      if (n === 2) return Promise.resolve(new Response('{"errcode":"M_UNKNOWN"}', { status: 502 }));
      if (n === 3) return Promise.resolve(new Response('{"errcode":"M_LIMIT_EXCEEDED"}', { status: 429 }));
      return Promise.resolve(new Response(JSON.stringify(METADATA), { status: 200 }));
    },
  });
  const client = createMatrixClient({ baseUrl: BASE, fetch: f });
  await expect(discoverAuthMetadata(client)).rejects.toBeInstanceOf(NetworkError);
  await expect(discoverAuthMetadata(client)).rejects.toBeInstanceOf(EndpointError);
  await expect(discoverAuthMetadata(client)).rejects.toMatchObject({ httpStatus: 429 });
  expect(await discoverAuthMetadata(client)).toEqual(METADATA);
  expect(await discoverAuthMetadata(client)).toEqual(METADATA);
  expect(n).toBe(4);
});

test('cached per homeserver: another base URL asks again; refresh and forget ask again', async () => {
  const f = scriptedFetch({ '/_matrix/client/versions': VERSIONS_NEW, '/_matrix/client/v1/auth_metadata': { status: 200, body: METADATA } });
  const a = createMatrixClient({ baseUrl: BASE, fetch: f });
  await discoverAuthMetadata(a);
  await discoverAuthMetadata(createMatrixClient({ baseUrl: 'https://other.example', fetch: f }));
  expect(f.asked).toHaveLength(4);
  await discoverAuthMetadata(a, { refresh: true });
  expect(f.asked).toHaveLength(6);
  forgetAuthMetadata(a);
  await discoverAuthMetadata(a);
  expect(f.asked).toHaveLength(8);
  rememberAuthMetadata(a, null);
  expect(await discoverAuthMetadata(a)).toBeNull();
  expect(f.asked).toHaveLength(8);
});

test("concurrent callers share one discovery; one caller's abort stops only that caller", async () => {
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const f = scriptedFetch({
    '/_matrix/client/versions': VERSIONS_NEW,
    '/_matrix/client/v1/auth_metadata': async () => {
      await gate;
      return new Response(JSON.stringify(METADATA), { status: 200 });
    },
  });
  const client = createMatrixClient({ baseUrl: BASE, fetch: f });
  const ac = new AbortController();
  const first = discoverAuthMetadata(client, { signal: ac.signal });
  const second = discoverAuthMetadata(client);
  ac.abort();
  await expect(first).rejects.toBeInstanceOf(AbortedError);
  release();
  expect(await second).toEqual(METADATA);
  expect(f.asked.filter((p) => p.includes('auth_metadata'))).toHaveLength(1);
});
