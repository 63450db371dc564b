/**
 * The adapter's `UIAuthCallback` as `crypto.bootstrapCrossSigning({ authUploadDeviceSigningKeys })`
 * runs it: matrix-js-sdk's own OutgoingRequestProcessor (the code bootstrapCrossSigning hands the
 * callback to) builds `makeRequest(auth)`, which POSTs /_matrix/client/v3/keys/device_signing/upload
 * through a real MatrixClient's HTTP layer to the homeserver simulator on 127.0.0.1.
 *
 * Covers a key reset behind a password (a wrong one first), which must never show up in anything
 * observable (inspection, snapshots, the persisted snapshot, the SDK's and the console's logs, the
 * simulator's request log), a first upload that needs no UIA, and a reset on a server delegating
 * auth (m.oauth / org.matrix.cross_signing_reset approved on the account page).
 */
import { generateCrossSigningKeys } from '../../src/cli/cross-signing-keys';
import { createUIAuthCallback, type MatrixClientLike } from '../../src/matrix-js-sdk';
import type { UiaSnapshot } from '../../src/api/selectors';
import { sanitizedInspector } from '../../src/secrets/sanitize';
import { startHomeserver, type StartedHomeserver } from '../../src/testing';
import { loadSdk, type SdkClient } from './load-sdk';
import { loadSdkCrypto, type SdkUIAuthCallback } from './load-sdk-crypto';

const PASSWORD = 'Tr0ub4dor&3 cross-signing';
const WRONG = 'not-the-password-7f3a';
const UPLOAD_PATH = '/_matrix/client/v3/keys/device_signing/upload';

let hs: StartedHomeserver;

beforeAll(async () => {
  loadSdk();
  loadSdkCrypto();
  hs = await startHomeserver({ serverName: 'localhost' });
});

afterAll(async () => {
  await hs.close();
});

/** A fresh user (with an existing master key unless `firstUpload`) and a real client on their device. */
function login(localpart: string, firstUpload = false): { client: SdkClient; userId: string } {
  const userId = `@${localpart}:localhost`;
  const user = hs.server.addUser(userId, PASSWORD, [`${localpart.toUpperCase()}1`]);
  // The spec (v1.11+) asks for UIA only to replace existing keys: seed some to reset.
  if (!firstUpload) user.crossSigning.master = generateCrossSigningKeys(userId).keys.master_key;
  const accessToken = hs.server.createAccessToken(userId, `${localpart.toUpperCase()}1`);
  return { client: loadSdk().createClient({ baseUrl: hs.url, accessToken, userId, deviceId: `${localpart.toUpperCase()}1` }), userId };
}

function clientLike(client: SdkClient): MatrixClientLike {
  return {
    getHomeserverUrl: () => client.getHomeserverUrl(),
    getUserId: () => client.getUserId(),
    generateClientSecret: () => client.generateClientSecret(),
  };
}

/** What bootstrapCrossSigning does with new keys: the upload request, with the app's callback. */
function uploadAsBootstrapDoes(client: SdkClient, keys: object, authUploadDeviceSigningKeys: SdkUIAuthCallback): Promise<void> {
  const { OutgoingRequestProcessor, UploadSigningKeysRequest } = loadSdkCrypto();
  const http = (client as unknown as { http: { authedRequest(...args: unknown[]): Promise<unknown> } }).http;
  // The processor asks for a 60 s local timeout, whose timer matrix-js-sdk never clears: it would
  // hold the test process open for a minute. Everything else reaches the client as sent.
  const withoutLocalTimeout = {
    authedRequest: (method: unknown, path: unknown, query: unknown, body: unknown, opts: { localTimeoutMs?: number }) => {
      const { localTimeoutMs, ...rest } = opts;
      void localTimeoutMs;
      return http.authedRequest(method, path, query, body, rest);
    },
  };
  // The upload needs no Olm machine: only requests with an id are marked as sent.
  const processor = new OutgoingRequestProcessor(null, withoutLocalTimeout);
  return processor.makeOutgoingRequest(new UploadSigningKeysRequest(undefined, JSON.stringify(keys)), authUploadDeviceSigningKeys);
}

/** JSON of anything, cycles and functions dropped, errors with their fields. */
function dump(value: unknown): string {
  const seen = new WeakSet<object>();
  return JSON.stringify(value, (_k, v: unknown) => {
    if (typeof v === 'function') return undefined;
    if (typeof v !== 'object' || v === null) return v;
    if (seen.has(v)) return '[cycle]';
    seen.add(v);
    if (v instanceof Error) return { ...v, name: v.name, message: v.message };
    if (v instanceof Map) return [...v];
    return v;
  });
}

/** Everything written to the console while `run` runs, with both SDK bundles logging at trace level. */
async function capturingLogs<T>(run: () => Promise<T>): Promise<{ result: T; lines: string[] }> {
  const lines: string[] = [];
  const methods = ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const;
  // loglevel binds console methods when the level is set: spy first, then raise the level.
  const spies = methods.map((m) => jest.spyOn(console, m).mockImplementation((...args: unknown[]) => void lines.push(args.map((a) => (typeof a === 'string' ? a : dump(a))).join(' '))));
  const loggers = [loadSdk().logger, loadSdkCrypto().logger];
  for (const l of loggers) l.setLevel('trace', false);
  try {
    return { result: await run(), lines };
  } finally {
    for (const l of loggers) l.setLevel('silent', false);
    for (const s of spies) s.mockRestore();
  }
}

test('a key reset behind the password: a wrong one, then the right one; the password is never observable', async () => {
  const { client, userId } = login('xsreset');
  const { keys, masterPublicKey } = generateCrossSigningKeys(userId);
  const prompts: unknown[] = [];
  const inspected: unknown[] = [];
  const snapshots: unknown[] = [];
  let persisted: unknown;
  const before = hs.server.requests.length;

  const callback = createUIAuthCallback<unknown>({
    client: clientLike(client),
    password: (p) => {
      prompts.push([p.type, p.attempt, p.error?.message ?? null]);
      return p.attempt === 1 ? WRONG : PASSWORD;
    },
    options: {
      inspect: sanitizedInspector((e) => inspected.push({ type: e.type, event: (e as { event?: unknown }).event, snapshot: (e as { snapshot?: { context?: unknown; value?: unknown } }).snapshot?.context })),
      onSnapshot: (s: UiaSnapshot) => snapshots.push({ value: s.value, context: s.context, output: s.output }),
      onActor: (actor) => actor.subscribe((s) => {
        if (s.status === 'active') persisted = actor.getPersistedSnapshot();
      }),
    },
  });
  const { lines } = await capturingLogs(() => uploadAsBootstrapDoes(client, keys, callback as SdkUIAuthCallback));

  // The upload happened, with the new keys.
  expect(hs.server.getUser(userId)!.crossSigning.master).toEqual(keys.master_key);
  expect(Object.keys(hs.server.getUser(userId)!.crossSigning.master!.keys as object)).toEqual([`ed25519:${masterPublicKey}`]);
  expect(hs.server.getUser(userId)!.crossSigning.selfSigning).toEqual(keys.self_signing_key);
  expect(prompts).toEqual([
    ['m.login.password', 1, null],
    ['m.login.password', 2, expect.any(String)],
  ]);
  const log = hs.server.requests.slice(before);
  expect(log.map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual([`POST ${UPLOAD_PATH} 401`, `POST ${UPLOAD_PATH} 401`, `POST ${UPLOAD_PATH} 200`]);
  expect(log[2]!.body).toMatchObject({ auth: { type: 'm.login.password', identifier: { type: 'm.id.user', user: userId }, password: '[redacted]' } });

  // What we saw includes the events that carried the passwords (and the SDK's request lines)...
  const seen = { inspected: dump(inspected), snapshots: dump(snapshots), persisted: dump(persisted), logs: lines.join('\n'), requests: dump(log) };
  expect(seen.inspected).toContain('PASSWORD.SUBMIT');
  expect(seen.logs).toContain('device_signing/upload');
  expect(persisted).toBeDefined();
  // ...and neither password, anywhere.
  for (const [where, text] of Object.entries(seen)) {
    for (const secret of [PASSWORD, WRONG]) expect({ where, leaked: text.includes(secret) }).toEqual({ where, leaked: false });
  }
  client.stopClient();
});

test('a first upload needs no UIA: makeRequest(null) succeeds and no password is asked', async () => {
  const { client, userId } = login('xsfirst', true);
  const { keys } = generateCrossSigningKeys(userId);
  const password = jest.fn(() => PASSWORD);
  const before = hs.server.requests.length;
  await uploadAsBootstrapDoes(client, keys, createUIAuthCallback<unknown>({ client: clientLike(client), password }) as SdkUIAuthCallback);
  expect(hs.server.getUser(userId)!.crossSigning.master).toEqual(keys.master_key);
  expect(password).not.toHaveBeenCalled();
  expect(hs.server.requests.slice(before).map((r) => [r.path, r.status, (r.body as { auth?: unknown }).auth])).toEqual([[UPLOAD_PATH, 200, undefined]]);
  client.stopClient();
});

describe.each(['m.oauth', 'org.matrix.cross_signing_reset'])('a reset on a server delegating auth (%s)', (stageType) => {
  beforeEach(() => {
    hs.server.config.endpoints.crossSigningUpload.flows = [[stageType]];
  });
  afterEach(() => {
    hs.server.config.endpoints.crossSigningUpload.flows = [['m.login.password']];
  });

  test('the approval page is handed to `external`; once approved there, the upload goes through', async () => {
    const { client, userId } = login(stageType === 'm.oauth' ? 'xsoauth' : 'xsreset2');
    const { keys } = generateCrossSigningKeys(userId);
    const password = jest.fn(() => PASSWORD);
    const opened: unknown[] = [];
    const before = hs.server.requests.length;
    const callback = createUIAuthCallback<unknown>({
      client: clientLike(client),
      password,
      handlers: {
        external: ({ url, type, kind }) => {
          opened.push([type, kind, new URL(url).pathname]);
          hs.server.completeByUrl(url); // the user approves on the account page
        },
      },
      // Only the handler's answer may finish this stage.
      options: { polling: { intervalMs: 3_600_000 } },
    });
    await uploadAsBootstrapDoes(client, keys, callback as SdkUIAuthCallback);
    expect(hs.server.getUser(userId)!.crossSigning.master).toEqual(keys.master_key);
    expect(opened).toEqual([[stageType, 'oauth', '/_simulator/oauth/approve']]);
    expect(password).not.toHaveBeenCalled();
    const log = hs.server.requests.slice(before).filter((r) => r.path === UPLOAD_PATH);
    expect(log.map((r) => r.status)).toEqual([401, 200]);
    // The stage type goes along: spec-compliant servers check it (element-web #33344).
    expect((log[1]!.body as { auth?: unknown }).auth).toEqual({ type: stageType, session: expect.any(String) });
    client.stopClient();
  });

  test('an `external` handler that never resolves: polling notices the approval', async () => {
    const { client, userId } = login(stageType === 'm.oauth' ? 'xspoll' : 'xspoll2');
    const { keys } = generateCrossSigningKeys(userId);
    const callback = createUIAuthCallback<unknown>({
      client: clientLike(client),
      password: () => PASSWORD,
      handlers: {
        external: ({ url }) => {
          hs.server.completeByUrl(url);
          return new Promise<void>(() => {});
        },
      },
      options: { polling: { intervalMs: 5 } },
    });
    await uploadAsBootstrapDoes(client, keys, callback as SdkUIAuthCallback);
    expect(hs.server.getUser(userId)!.crossSigning.master).toEqual(keys.master_key);
    client.stopClient();
  });
});
