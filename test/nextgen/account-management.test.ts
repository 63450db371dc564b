/**
 * The pure decisions for servers that delegate auth: the account management URL for an action
 * (stable names preferred, unstable aliases only when only they are advertised, no action when
 * neither is, `device_id` percent-encoded), reading the auth metadata, and the discovery paths.
 */
import {
  accountManagementUrl,
  advertisedActionName,
  authMetadataPaths,
  isUnrecognizedEndpoint,
  meansNoAuthMetadata,
  parseAuthMetadata,
  supportsStableAuthMetadata,
  AUTH_METADATA_PATH,
  UNSTABLE_AUTH_METADATA_PATH,
} from '../../src';

const URI = 'https://account.example.org/account/';
const STABLE = ['org.matrix.profile', 'org.matrix.devices_list', 'org.matrix.device_view', 'org.matrix.device_delete', 'org.matrix.account_deactivate', 'org.matrix.cross_signing_reset'];
const UNSTABLE = ['org.matrix.profile', 'org.matrix.sessions_list', 'org.matrix.session_view', 'org.matrix.session_end', 'org.matrix.cross_signing_reset'];
const MAS = ['org.matrix.profile', 'org.matrix.devices_list', 'org.matrix.device_view', 'org.matrix.device_delete', 'org.matrix.cross_signing_reset', 'org.matrix.sessions_list', 'org.matrix.session_view', 'org.matrix.session_end'];

const md = (actions?: string[]) => ({ account_management_uri: URI, ...(actions ? { account_management_actions_supported: actions } : {}) });

describe('accountManagementUrl', () => {
  test('stable names advertised: the stable name, device_id added', () => {
    expect(accountManagementUrl(md(STABLE), 'org.matrix.device_delete', { deviceId: 'ABCDEF' })).toEqual({
      url: `${URI}?action=org.matrix.device_delete&device_id=ABCDEF`,
      action: 'org.matrix.device_delete',
    });
    expect(accountManagementUrl(md(STABLE), 'org.matrix.account_deactivate')).toEqual({ url: `${URI}?action=org.matrix.account_deactivate`, action: 'org.matrix.account_deactivate' });
  });

  test('both advertised (MAS >= 1.10): the stable name wins', () => {
    expect(accountManagementUrl(md(MAS), 'org.matrix.device_delete', { deviceId: 'D' })?.action).toBe('org.matrix.device_delete');
    expect(accountManagementUrl(md(MAS), 'org.matrix.devices_list')?.action).toBe('org.matrix.devices_list');
  });

  test('only the unstable alias advertised: the alias', () => {
    expect(accountManagementUrl(md(UNSTABLE), 'org.matrix.device_delete', { deviceId: 'D' })).toEqual({ url: `${URI}?action=org.matrix.session_end&device_id=D`, action: 'org.matrix.session_end' });
    expect(accountManagementUrl(md(UNSTABLE), 'org.matrix.device_view', { deviceId: 'D' })?.action).toBe('org.matrix.session_view');
    expect(accountManagementUrl(md(UNSTABLE), 'org.matrix.devices_list')?.action).toBe('org.matrix.sessions_list');
  });

  test('neither advertised: the page without an action (and without device_id)', () => {
    expect(accountManagementUrl(md(MAS), 'org.matrix.account_deactivate')).toEqual({ url: URI, action: null });
    expect(accountManagementUrl(md([]), 'org.matrix.device_delete', { deviceId: 'D' })).toEqual({ url: URI, action: null });
    expect(accountManagementUrl(md(['org.matrix.profile']), 'org.matrix.devices_list')).toEqual({ url: URI, action: null });
  });

  test('no list at all: the stable name (the server said nothing)', () => {
    expect(accountManagementUrl(md(), 'org.matrix.devices_list')?.action).toBe('org.matrix.devices_list');
  });

  test('action null: the page itself', () => {
    expect(accountManagementUrl(md(STABLE), null)).toEqual({ url: URI, action: null });
  });

  test('device_id is percent-encoded (spaces, slashes, &, =, #, unicode)', () => {
    const r = accountManagementUrl(md(STABLE), 'org.matrix.device_delete', { deviceId: 'a b/c&d=e#f+ü' })!;
    expect(r.url).toBe(`${URI}?action=org.matrix.device_delete&device_id=a%20b%2Fc%26d%3De%23f%2B%C3%BC`);
    expect(new URL(r.url).searchParams.get('device_id')).toBe('a b/c&d=e#f+ü');
  });

  test('device_id only for device actions', () => {
    expect(accountManagementUrl(md(STABLE), 'org.matrix.profile', { deviceId: 'D' })!.url).toBe(`${URI}?action=org.matrix.profile`);
  });

  test('a query and a fragment in the uri are kept', () => {
    const base = { account_management_uri: 'https://a.example/acc?lang=en#top', account_management_actions_supported: STABLE };
    expect(accountManagementUrl(base, 'org.matrix.device_view', { deviceId: 'X' })!.url).toBe('https://a.example/acc?lang=en&action=org.matrix.device_view&device_id=X#top');
    expect(accountManagementUrl({ account_management_uri: 'https://a.example/acc?' }, 'org.matrix.profile')!.url).toBe('https://a.example/acc?action=org.matrix.profile');
  });

  test('no (or no http/https) account_management_uri: null', () => {
    expect(accountManagementUrl(null, 'org.matrix.profile')).toBeNull();
    expect(accountManagementUrl({}, 'org.matrix.profile')).toBeNull();
    expect(accountManagementUrl({ account_management_uri: 'javascript:alert(1)' }, 'org.matrix.profile')).toBeNull();
    expect(accountManagementUrl({ account_management_uri: 'not a url' }, null)).toBeNull();
  });

  test('advertisedActionName without an alias (cross-signing reset) and an unknown list', () => {
    expect(advertisedActionName({ account_management_actions_supported: UNSTABLE }, 'org.matrix.cross_signing_reset')).toBe('org.matrix.cross_signing_reset');
    expect(advertisedActionName({ account_management_actions_supported: ['org.matrix.session_end'] }, 'org.matrix.account_deactivate')).toBeNull();
  });
});

describe('parseAuthMetadata', () => {
  test('keeps the issuer, the uri and the string actions; other fields untouched', () => {
    expect(parseAuthMetadata({ issuer: 'https://auth.example/', account_management_uri: URI, account_management_actions_supported: ['org.matrix.profile', 3, null], token_endpoint: 'https://auth.example/token' })).toEqual({
      issuer: 'https://auth.example/',
      account_management_uri: URI,
      account_management_actions_supported: ['org.matrix.profile'],
      token_endpoint: 'https://auth.example/token',
    });
  });
  test('drops a non-http uri; refuses a body without issuer', () => {
    expect(parseAuthMetadata({ issuer: 'https://auth.example/', account_management_uri: 'javascript:alert(1)' })).toEqual({ issuer: 'https://auth.example/' });
    for (const body of [null, [], 'x', {}, { issuer: '' }, { issuer: 3 }, { issuer: 'javascript:alert(1)' }, { issuer: 'not a url' }]) expect(parseAuthMetadata(body)).toBeNull();
  });
});

describe('discovery paths and answers', () => {
  test('v1.15+ listed: the stable path; not listed: the unstable one; unknown: both', () => {
    expect(supportsStableAuthMetadata(['v1.12', 'v1.15'])).toBe(true);
    expect(supportsStableAuthMetadata(['v1.16'])).toBe(true);
    expect(supportsStableAuthMetadata(['v2.0'])).toBe(true);
    expect(supportsStableAuthMetadata(['r0.6.1', 'v1.1', 'v1.12', 'v1.5'])).toBe(false);
    expect(authMetadataPaths(['v1.15'])).toEqual([AUTH_METADATA_PATH]);
    expect(authMetadataPaths(['v1.12'])).toEqual([UNSTABLE_AUTH_METADATA_PATH]);
    expect(authMetadataPaths(null)).toEqual([AUTH_METADATA_PATH, UNSTABLE_AUTH_METADATA_PATH]);
  });
  test('a 4xx but 429 means no metadata; 429 and 5xx are faults', () => {
    expect([404, 405, 400, 403].map(meansNoAuthMetadata)).toEqual([true, true, true, true]);
    expect([429, 500, 502].map(meansNoAuthMetadata)).toEqual([false, false, false]);
  });
  test('an unrecognized endpoint is 404/405 M_UNRECOGNIZED only', () => {
    expect(isUnrecognizedEndpoint(404, { errcode: 'M_UNRECOGNIZED' })).toBe(true);
    expect(isUnrecognizedEndpoint(405, { errcode: 'M_UNRECOGNIZED' })).toBe(true);
    expect(isUnrecognizedEndpoint(404, { errcode: 'M_NOT_FOUND' })).toBe(false);
    expect(isUnrecognizedEndpoint(400, { errcode: 'M_UNRECOGNIZED' })).toBe(false);
    expect(isUnrecognizedEndpoint(404, undefined)).toBe(false);
  });
});

describe('properties (fast-check, fixed seed)', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const fc = require('fast-check') as typeof import('fast-check');
  const SEED = 1313;
  test('any device id survives the URL: read back exactly, and the action and the uri query are intact', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 40 }), fc.constantFrom(STABLE, UNSTABLE, MAS), (deviceId, actions) => {
        const base = { account_management_uri: 'https://a.example/acc?lang=en#frag', account_management_actions_supported: actions };
        const r = accountManagementUrl(base, 'org.matrix.device_delete', { deviceId })!;
        const u = new URL(r.url);
        expect(u.searchParams.get('device_id')).toBe(deviceId);
        expect(u.searchParams.get('action')).toBe(r.action);
        expect(u.searchParams.get('lang')).toBe('en');
        expect(u.hash).toBe('#frag');
      }),
      { seed: SEED, numRuns: 300 },
    );
  });
});
