/**
 * Application services on a server that delegates auth (docs/guides/next-gen-auth.md): Synapse
 * lets an MSC4190 app service delete a device with `DELETE /devices/{id}` and no UIA. By default
 * the helper refuses before sending (the server delegates auth); with `authMetadata: null` it
 * sends the request, and a server that refuses it after all still maps to
 * AccountManagementRequiredError.
 */
import { AccountManagementRequiredError } from '../../src';
import { createMatrixClient, deleteDevice, type FetchLike } from '../../src/fetch';

const BASE = 'https://hs.example';
const METADATA = { issuer: 'https://auth.example/', account_management_uri: 'https://auth.example/account', account_management_actions_supported: ['org.matrix.device_delete'], authorization_endpoint: 'https://auth.example/auth', token_endpoint: 'https://auth.example/token', response_types_supported: ['code'], grant_types_supported: ['authorization_code'], response_modes_supported: ['query'], code_challenge_methods_supported: ['S256'] };

/** A delegated server whose DELETE /devices answers as `deleteAnswer` says; records each request. */
function server(deleteAnswer: { status: number; body: unknown }) {
  const seen: string[] = [];
  const fetch: FetchLike = async (input, init) => {
    const url = new URL(String(input));
    const method = init?.method ?? 'GET';
    seen.push(`${method} ${url.pathname}`);
    const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
    if (url.pathname === '/_matrix/client/versions') return json(200, { versions: ['v1.15'] });
    if (url.pathname === '/_matrix/client/v1/auth_metadata') return json(200, METADATA);
    if (method === 'DELETE' && url.pathname.startsWith('/_matrix/client/v3/devices/')) return json(deleteAnswer.status, deleteAnswer.body);
    return json(404, { errcode: 'M_UNRECOGNIZED', error: 'Unrecognized request' });
  };
  return { client: createMatrixClient({ baseUrl: BASE, accessToken: 'as_token', fetch }), seen };
}

const neverAsked = async (): Promise<string> => {
  throw new Error('no password is asked for');
};

test('by default the helper refuses before sending: no DELETE reaches the server', async () => {
  const { client, seen } = server({ status: 200, body: {} });
  await expect(deleteDevice(client, 'BRIDGED', { handlers: { password: neverAsked } })).rejects.toBeInstanceOf(AccountManagementRequiredError);
  expect(seen.filter((r) => r.startsWith('DELETE'))).toEqual([]);
});

test('with authMetadata: null an MSC4190 app service deletes the device (one request, no UIA)', async () => {
  const { client, seen } = server({ status: 200, body: {} });
  await expect(deleteDevice(client, 'BRIDGED', { authMetadata: null, handlers: { password: neverAsked } })).resolves.toEqual({});
  expect(seen).toEqual(['DELETE /_matrix/client/v3/devices/BRIDGED']);
});

test('with authMetadata: null, a server that refuses after all (404 M_UNRECOGNIZED) still gives AccountManagementRequiredError', async () => {
  const { client } = server({ status: 404, body: { errcode: 'M_UNRECOGNIZED', error: 'Unrecognized request' } });
  const e = await deleteDevice(client, 'BRIDGED', { authMetadata: null, handlers: { password: neverAsked } }).catch((x: unknown) => x);
  expect(e).toBeInstanceOf(AccountManagementRequiredError);
  expect((e as AccountManagementRequiredError).url).toBe('https://auth.example/account?action=org.matrix.device_delete&device_id=BRIDGED');
});
