/**
 * Every matrix-uia/fetch helper against the `delegated` preset over real HTTP on 127.0.0.1: the
 * account operations reject with AccountManagementRequiredError carrying the right URL before
 * any request to their endpoint (so no password, nor a new password, is ever sent), registration
 * rejects with OAuthRegistrationRequiredError naming the issuer, and the account page completes
 * the operation out of band, changing the simulator's state.
 */
import { AccountManagementRequiredError, OAuthRegistrationRequiredError } from '../../src';
import {
  addThreepid,
  changePassword,
  changePasswordCall,
  createMatrixClient,
  deactivateAccount,
  deleteDevice,
  deleteDevices,
  deleteDevicesCall,
  discoverAuthMetadata,
  endpointFunctions,
  register,
  requestEmailToken,
  toDelegatedError,
  type MatrixClient,
} from '../../src/fetch';
import { runUia } from '../../src';
import { generateCrossSigningKeys } from '../../src/cli/cross-signing-keys';
import { DEMO_ACCOUNT, delegatedConfig, startHomeserver, type HomeserverConfig, type StartedHomeserver } from '../../src/testing';

let running: StartedHomeserver[] = [];
afterEach(async () => {
  await Promise.all(running.map((s) => s.close()));
  running = [];
});

async function serve(config: HomeserverConfig = delegatedConfig()): Promise<StartedHomeserver> {
  const s = await startHomeserver(config);
  running.push(s);
  return s;
}

function alice(s: StartedHomeserver): MatrixClient {
  return createMatrixClient({ baseUrl: s.url, accessToken: DEMO_ACCOUNT.accessToken });
}

/** The requests the simulator answered, as `METHOD path status`. */
const paths = (s: StartedHomeserver) => s.server.requests.map((r) => `${r.method} ${r.path.split('?')[0]} ${r.status}`);

/** The password handler a test gives: it must never be asked on a delegated server. */
const neverAsked = jest.fn(() => DEMO_ACCOUNT.password);

async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  throw new Error('resolved');
}

beforeEach(() => neverAsked.mockClear());

const OPERATION_PATHS = ['/devices/', '/delete_devices', '/account/deactivate', '/account/password', '/account/3pid/add', '/register'];

describe('on a delegated server, before any password is asked for or sent', () => {
  test('regression: device deletion 404 on a delegated server (FluffyChat #1822, Cinny #2376): deleteDevice rejects with AccountManagementRequiredError, action=org.matrix.device_delete&device_id', async () => {
    const s = await serve();
    const e = await rejection(deleteDevice(alice(s), 'ALICE PHONE/1', { handlers: { password: neverAsked } }));
    expect(e).toBeInstanceOf(AccountManagementRequiredError);
    const err = e as AccountManagementRequiredError;
    expect(err.code).toBe('ACCOUNT_MANAGEMENT_REQUIRED');
    expect(err.action).toBe('org.matrix.device_delete');
    expect(err.url).toBe(`${s.url}/_simulator/account?action=org.matrix.device_delete&device_id=ALICE%20PHONE%2F1`);
    expect(neverAsked).not.toHaveBeenCalled();
    expect(paths(s).filter((p) => OPERATION_PATHS.some((o) => p.includes(o)))).toEqual([]);
    expect(paths(s)).toEqual(['GET /_matrix/client/versions 200', 'GET /_matrix/client/unstable/org.matrix.msc2965/auth_metadata 200']);
  });

  test('deleteDevices: one device → its page; several → the devices list', async () => {
    const s = await serve();
    const client = alice(s);
    const one = (await rejection(deleteDevices(client, ['ALICEPHONE'], { handlers: { password: neverAsked } }))) as AccountManagementRequiredError;
    expect(one.url).toBe(`${s.url}/_simulator/account?action=org.matrix.device_delete&device_id=ALICEPHONE`);
    const many = (await rejection(deleteDevices(client.withAccessToken(DEMO_ACCOUNT.accessToken), ['ALICEPHONE', 'ALICELAPTOP'], { handlers: { password: neverAsked } }))) as AccountManagementRequiredError;
    expect(many).toBeInstanceOf(AccountManagementRequiredError);
    expect(many.action).toBe('org.matrix.devices_list');
    expect(many.url).toBe(`${s.url}/_simulator/account?action=org.matrix.devices_list`);
    expect(neverAsked).not.toHaveBeenCalled();
    // Discovery is cached per client (and its withAccessToken copies): asked once for both calls.
    expect(paths(s).filter((p) => p.includes('auth_metadata'))).toHaveLength(1);
  });

  test('deactivateAccount: action=org.matrix.account_deactivate; MAS (which lacks it) → the account page, action null', async () => {
    const s = await serve();
    const e = (await rejection(deactivateAccount(alice(s), {}, { handlers: { password: neverAsked } }))) as AccountManagementRequiredError;
    expect([e.action, e.url]).toEqual(['org.matrix.account_deactivate', `${s.url}/_simulator/account?action=org.matrix.account_deactivate`]);
    const mas = await serve(delegatedConfig({ delegatedAuth: { actions: 'mas' } }));
    const m = (await rejection(deactivateAccount(alice(mas), {}, { handlers: { password: neverAsked } }))) as AccountManagementRequiredError;
    expect([m.action, m.url]).toEqual([null, `${mas.url}/_simulator/account`]);
    expect(mas.server.getUser(DEMO_ACCOUNT.userId)!.deactivated).toBe(false);
  });

  test('changePassword: the account page (no action exists), the new password never sent', async () => {
    const s = await serve();
    const e = (await rejection(changePassword(alice(s), { newPassword: 'new secret' }, { handlers: { password: neverAsked } }))) as AccountManagementRequiredError;
    expect([e.action, e.url]).toEqual([null, `${s.url}/_simulator/account`]);
    expect(JSON.stringify(s.server.requests)).not.toContain('new secret');
  });

  test('addThreepid: the profile page; requestEmailToken for it maps its 404 too', async () => {
    const s = await serve();
    const e = (await rejection(addThreepid(alice(s), { sid: 'x', clientSecret: 'secret' }, { handlers: { password: neverAsked } }))) as AccountManagementRequiredError;
    expect([e.action, e.url]).toEqual(['org.matrix.profile', `${s.url}/_simulator/account?action=org.matrix.profile`]);
    const t = await rejection(requestEmailToken(alice(s), '3pid', { email: 'a@example.org', clientSecret: 'secret', sendAttempt: 1 }));
    expect(t).toBeInstanceOf(AccountManagementRequiredError);
    expect((t as AccountManagementRequiredError).cause).toMatchObject({ httpStatus: 404, errcode: 'M_UNRECOGNIZED' });
  });

  test('register: OAuthRegistrationRequiredError naming the issuer, nothing sent to /register', async () => {
    const s = await serve();
    const client = createMatrixClient({ baseUrl: s.url });
    const e = await rejection(register(client, { username: 'bob', password: 'bob secret' }));
    expect(e).toBeInstanceOf(OAuthRegistrationRequiredError);
    expect((e as OAuthRegistrationRequiredError).code).toBe('OAUTH_REGISTRATION_REQUIRED');
    expect((e as OAuthRegistrationRequiredError).issuer).toBe(`${s.url}/_simulator/oauth2/`);
    expect(paths(s).some((p) => p.includes('/register'))).toBe(false);
  });
});

describe('the account page completes the operation out of band', () => {
  test('device delete: POST to the URL the error carries signs the device out', async () => {
    const s = await serve();
    const e = (await rejection(deleteDevice(alice(s), DEMO_ACCOUNT.otherDeviceId))) as AccountManagementRequiredError;
    const page = await fetch(e.url);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Sign out this device');
    const u = new URL(e.url);
    const res = await fetch(`${u.origin}${u.pathname}`, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: u.searchParams.toString() });
    expect(res.status).toBe(200);
    expect(s.server.getUser(DEMO_ACCOUNT.userId)!.devices.has(DEMO_ACCOUNT.otherDeviceId)).toBe(false);
    const list = await alice(s).request<{ devices: { device_id: string }[] }>('GET', '/_matrix/client/v3/devices');
    expect(list.devices.map((d) => d.device_id)).toEqual([DEMO_ACCOUNT.deviceId]);
  });
});

describe('an app that drives the chart itself (no discovery first)', () => {
  test('the 404 M_UNRECOGNIZED of the endpoint maps to AccountManagementRequiredError', async () => {
    const s = await serve();
    const client = alice(s);
    const call = deleteDevicesCall(['ALICEPHONE']);
    const e = await rejection(runUia({ ...endpointFunctions(client, call), handlers: { password: neverAsked } }));
    expect(e).toMatchObject({ code: 'ENDPOINT', httpStatus: 404 });
    const mapped = (await toDelegatedError(client, call.delegated!, e)) as AccountManagementRequiredError;
    expect(mapped).toBeInstanceOf(AccountManagementRequiredError);
    expect(mapped.url).toBe(`${s.url}/_simulator/account?action=org.matrix.device_delete&device_id=ALICEPHONE`);
    expect(mapped.cause).toBe(e);
  });

  test('changePasswordCall with authMetadata null (legacy claimed) still maps the refusal', async () => {
    const s = await serve();
    const e = await rejection(changePassword(alice(s), { newPassword: 'n' }, { authMetadata: null, handlers: { password: neverAsked } }));
    expect(e).toBeInstanceOf(AccountManagementRequiredError);
    expect(changePasswordCall({ newPassword: 'n' }).delegated).toEqual({ kind: 'accountManagement', action: null });
  });
});

test('discovery: metadata on the delegated preset, null on a legacy server', async () => {
  const d = await serve();
  const legacy = await serve({});
  const md = await discoverAuthMetadata(alice(d));
  expect(md).toMatchObject({ issuer: `${d.url}/_simulator/oauth2/`, account_management_uri: `${d.url}/_simulator/account` });
  expect(await discoverAuthMetadata(createMatrixClient({ baseUrl: legacy.url }))).toBeNull();
  expect(paths(legacy)).toEqual(['GET /_matrix/client/versions 200', 'GET /_matrix/client/unstable/org.matrix.msc2965/auth_metadata 404']);
});

describe('the account pages (out of band, as a person or a test completes them)', () => {
  const post = (s: StartedHomeserver, fields: Record<string, string>, json = false) =>
    fetch(`${s.url}/_simulator/account`, {
      method: 'POST',
      headers: json ? { 'Content-Type': 'application/json' } : { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: json ? JSON.stringify(fields) : new URLSearchParams(fields).toString(),
    });

  test('every action has a page; unstable names are served too; unknown actions are refused', async () => {
    const s = await serve();
    for (const [action, text] of [
      ['org.matrix.profile', DEMO_ACCOUNT.email],
      ['org.matrix.devices_list', DEMO_ACCOUNT.otherDeviceId],
      ['org.matrix.sessions_list', DEMO_ACCOUNT.otherDeviceId],
      [`org.matrix.device_view&device_id=${DEMO_ACCOUNT.otherDeviceId}`, 'Sign out this device'],
      [`org.matrix.session_end&device_id=${DEMO_ACCOUNT.otherDeviceId}`, 'Sign out this device'],
      ['org.matrix.account_deactivate', 'Deactivate account'],
      ['org.matrix.cross_signing_reset', 'Allow the reset'],
    ]) {
      const res = await fetch(`${s.url}/_simulator/account?action=${action}`);
      expect([action, res.status]).toEqual([action, 200]);
      expect(await res.text()).toContain(text);
    }
    expect((await fetch(`${s.url}/_simulator/account?action=org.example.nope`)).status).toBe(400);
  });

  test('deactivation on the page deactivates; the token stops working', async () => {
    const s = await serve();
    const res = await post(s, { action: 'org.matrix.account_deactivate' }, true);
    expect(await res.json()).toEqual({ done: true, action: 'org.matrix.account_deactivate', user_id: DEMO_ACCOUNT.userId });
    expect(s.server.getUser(DEMO_ACCOUNT.userId)!.deactivated).toBe(true);
    await expect(alice(s).request('GET', '/_matrix/client/v3/devices')).rejects.toMatchObject({ httpStatus: 401 });
  });

  test('several accounts: the page asks which; the POST needs user', async () => {
    const s = await serve(delegatedConfig({ users: [{ userId: '@a:localhost', password: 'x', devices: ['A1'] }, { userId: '@b:localhost', password: 'y', devices: ['B1'] }] }));
    expect(await (await fetch(`${s.url}/_simulator/account?action=org.matrix.cross_signing_reset`)).text()).toContain('Choose your account');
    expect((await post(s, { action: 'org.matrix.cross_signing_reset' }, true)).status).toBe(400);
    expect((await post(s, { action: 'org.matrix.cross_signing_reset', user: '@b:localhost' }, true)).status).toBe(200);
    // Without user, the reset approval is for whoever was just asked to approve one.
    const a = s.server.getUser('@a:localhost')!;
    a.crossSigning.master = generateCrossSigningKeys('@a:localhost').keys.master_key;
    const aClient = createMatrixClient({ baseUrl: s.url, accessToken: s.server.createAccessToken('@a:localhost', 'A1') });
    await expect(aClient.request('POST', '/_matrix/client/v3/keys/device_signing/upload', generateCrossSigningKeys('@a:localhost').keys)).rejects.toMatchObject({ httpStatus: 401 });
    expect(await (await post(s, { action: 'org.matrix.cross_signing_reset' }, true)).json()).toMatchObject({ done: true, user_id: '@a:localhost' });
    // The device's owner is found from device_id.
    expect((await post(s, { action: 'org.matrix.device_delete', device_id: 'B1' }, true)).status).toBe(200);
    expect(s.server.getUser('@b:localhost')!.devices.size).toBe(0);
  });

  test('hs.completeByUrl(error.url) does what the button does', async () => {
    const s = await serve();
    const e = (await rejection(deleteDevice(alice(s), DEMO_ACCOUNT.otherDeviceId))) as AccountManagementRequiredError;
    s.server.completeByUrl(e.url);
    expect(s.server.getUser(DEMO_ACCOUNT.userId)!.devices.has(DEMO_ACCOUNT.otherDeviceId)).toBe(false);
    expect(() => s.server.completeByUrl(e.url)).toThrow(/not signed in/);
  });

  test('capabilities: password and 3PID changes disabled; register/available and validity 404', async () => {
    const s = await serve();
    expect(await alice(s).request('GET', '/_matrix/client/v3/capabilities')).toEqual({ capabilities: { 'm.change_password': { enabled: false }, 'm.3pid_changes': { enabled: false } } });
    for (const path of ['/_matrix/client/v3/register/available?username=x', '/_matrix/client/v1/register/m.login.registration_token/validity?token=x']) {
      const res = await fetch(`${s.url}${path}`);
      expect([path, res.status, ((await res.json()) as { errcode: string }).errcode]).toEqual([path, 404, 'M_UNRECOGNIZED']);
    }
    // DELETE /devices/{id} checks the token first, as Synapse.
    expect((await fetch(`${s.url}/_matrix/client/v3/devices/X`, { method: 'DELETE' })).status).toBe(401);
  });

  test('stable discovery path when the server lists v1.15; unstable action names configurable', async () => {
    const s = await serve(delegatedConfig({ delegatedAuth: { advertiseV115: true, actions: 'unstable' } }));
    const e = (await rejection(deleteDevice(alice(s), 'D1'))) as AccountManagementRequiredError;
    expect(e.url).toBe(`${s.url}/_simulator/account?action=org.matrix.session_end&device_id=D1`);
    expect(paths(s)).toEqual(['GET /_matrix/client/versions 200', 'GET /_matrix/client/v1/auth_metadata 200']);
  });
});

describe('legacy servers: nothing changes but the discovery requests', () => {
  test('deleteDevice on the demo preset asks the password and deletes', async () => {
    const s = await serve({ ...delegatedConfig(), delegatedAuth: undefined });
    await deleteDevice(alice(s), DEMO_ACCOUNT.otherDeviceId, { handlers: { password: neverAsked } });
    expect(neverAsked).toHaveBeenCalledTimes(1);
    expect(paths(s)).toEqual([
      'GET /_matrix/client/versions 200',
      'GET /_matrix/client/unstable/org.matrix.msc2965/auth_metadata 404',
      `DELETE /_matrix/client/v3/devices/${DEMO_ACCOUNT.otherDeviceId} 401`,
      'GET /_matrix/client/v3/account/whoami 200',
      `DELETE /_matrix/client/v3/devices/${DEMO_ACCOUNT.otherDeviceId} 200`,
    ]);
  });
});
