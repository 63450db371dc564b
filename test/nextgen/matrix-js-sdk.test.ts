/**
 * matrix-uia/matrix-js-sdk on a server that delegates auth, with a real matrix-js-sdk client
 * over HTTP against the `delegated` preset on 127.0.0.1:
 *
 * - discovery and the URL builder from the client's homeserver URL;
 * - the SDK's own `deleteMultipleDevices` gets 404 M_UNRECOGNIZED, mapped to
 *   AccountManagementRequiredError; `checkDelegatedAuth` says so before the call;
 * - `createUIAuthCallback` completes the MAS-style cross-signing reset (session "dummy", msg,
 *   both flows) as bootstrapCrossSigning runs it, through matrix-js-sdk's OutgoingRequestProcessor.
 */
import { generateCrossSigningKeys } from '../../src/cli/cross-signing-keys';
import {
  AccountManagementRequiredError,
  accountManagementUrl,
  checkDelegatedAuth,
  createUIAuthCallback,
  delegatedErrorFromSdk,
  discoverAuthMetadata,
  type MatrixClientLike,
} from '../../src/matrix-js-sdk';
import { DEMO_ACCOUNT, delegatedConfig, startHomeserver, type StartedHomeserver } from '../../src/testing';
import { loadSdk, type SdkClient } from '../compat/load-sdk';
import { loadSdkCrypto, type SdkUIAuthCallback } from '../compat/load-sdk-crypto';

const UPLOAD_PATH = '/_matrix/client/v3/keys/device_signing/upload';
let hs: StartedHomeserver;

beforeAll(async () => {
  loadSdk();
  loadSdkCrypto();
});
beforeEach(async () => {
  hs = await startHomeserver(delegatedConfig({ delegatedAuth: { actions: 'mas' } }));
});
afterEach(async () => {
  await hs.close();
});

function sdkClient(): SdkClient {
  return loadSdk().createClient({ baseUrl: hs.url, accessToken: DEMO_ACCOUNT.accessToken, userId: DEMO_ACCOUNT.userId, deviceId: DEMO_ACCOUNT.deviceId });
}

function clientLike(client: SdkClient): MatrixClientLike {
  return { getHomeserverUrl: () => client.getHomeserverUrl(), getUserId: () => client.getUserId(), generateClientSecret: () => client.generateClientSecret() };
}

/** What bootstrapCrossSigning does with new keys (see test/compat/ui-auth-callback-cross-signing.test.ts). */
function uploadAsBootstrapDoes(client: SdkClient, keys: object, callback: SdkUIAuthCallback): Promise<void> {
  const { OutgoingRequestProcessor, UploadSigningKeysRequest } = loadSdkCrypto();
  const http = (client as unknown as { http: { authedRequest(...args: unknown[]): Promise<unknown> } }).http;
  const withoutLocalTimeout = {
    authedRequest: (method: unknown, path: unknown, query: unknown, body: unknown, opts: { localTimeoutMs?: number }) => {
      const { localTimeoutMs, ...rest } = opts;
      void localTimeoutMs;
      return http.authedRequest(method, path, query, body, rest);
    },
  };
  return new OutgoingRequestProcessor(null, withoutLocalTimeout).makeOutgoingRequest(new UploadSigningKeysRequest(undefined, JSON.stringify(keys)), callback);
}

test('discovery and the URL builder from the client (MAS actions: the stable device name)', async () => {
  const client = sdkClient();
  const md = await discoverAuthMetadata(clientLike(client));
  expect(md?.issuer).toBe(`${hs.url}/_simulator/oauth2/`);
  expect(accountManagementUrl(md, 'org.matrix.device_delete', { deviceId: DEMO_ACCOUNT.otherDeviceId })?.url).toBe(
    `${hs.url}/_simulator/account?action=org.matrix.device_delete&device_id=${DEMO_ACCOUNT.otherDeviceId}`,
  );
  client.stopClient();
});

test("regression: the SDK's device deletion gets 404 M_UNRECOGNIZED; mapped to the account page, and checkDelegatedAuth says so first", async () => {
  const client = sdkClient();
  const handling = { kind: 'accountManagement', action: 'org.matrix.device_delete', deviceId: DEMO_ACCOUNT.otherDeviceId } as const;
  const before = await checkDelegatedAuth(clientLike(client), handling);
  expect(before).toBeInstanceOf(AccountManagementRequiredError);
  const sdkError = await client.deleteMultipleDevices([DEMO_ACCOUNT.otherDeviceId]).catch((e: unknown) => e);
  expect(sdkError).toMatchObject({ httpStatus: 404, errcode: 'M_UNRECOGNIZED' });
  const mapped = (await delegatedErrorFromSdk(clientLike(client), handling, sdkError)) as AccountManagementRequiredError;
  expect(mapped).toBeInstanceOf(AccountManagementRequiredError);
  expect(mapped.url).toBe((before as AccountManagementRequiredError).url);
  expect(mapped.cause).toBe(sdkError);
  client.stopClient();
});

test('createUIAuthCallback completes the MAS-style cross-signing reset (approved on the account page)', async () => {
  const client = sdkClient();
  const { keys } = generateCrossSigningKeys(DEMO_ACCOUNT.userId);
  const password = jest.fn(() => 'never');
  const opened: string[] = [];
  const callback = createUIAuthCallback<unknown>({
    client: clientLike(client),
    password,
    handlers: {
      external: async ({ url, type }) => {
        opened.push(`${type} ${url}`);
        const u = new URL(url);
        await fetch(`${u.origin}${u.pathname}`, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: u.searchParams.toString() });
      },
    },
  });
  await uploadAsBootstrapDoes(client, keys, callback as SdkUIAuthCallback);
  expect(password).not.toHaveBeenCalled();
  expect(opened).toEqual([`m.oauth ${hs.url}/_simulator/account?action=org.matrix.cross_signing_reset`]);
  expect(hs.server.getUser(DEMO_ACCOUNT.userId)!.crossSigning.master).toEqual(keys.master_key);
  const log = hs.server.requests.filter((r) => r.path === UPLOAD_PATH);
  expect(log.map((r) => r.status)).toEqual([401, 200]);
  expect((log[1]!.body as { auth?: unknown }).auth).toEqual({ type: 'm.oauth', session: 'dummy' });
  client.stopClient();
});
