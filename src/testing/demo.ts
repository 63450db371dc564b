/**
 * The demo data: the one set of accounts that the demo page (`npm start`), the terminal client's
 * embedded server, the tour (`npm run tour`) and `npm run homeserver` all use, so a person who
 * learnt `@alice:localhost` / `correct horse` in one place can use it in every other.
 *
 * - {@link DEMO_ACCOUNT}: the account most operations act on, with four devices (one with a
 *   known access token), a bound email and an existing cross-signing key (so a reset needs UIA).
 * - {@link DEMO_LEAVING_ACCOUNT}: a second account, to deactivate without losing the first.
 * - {@link DEMO_NEW_ACCOUNT}: the account the tour registers (it does not exist at start).
 * - `DEMO_ACCOUNT.registrationToken`: the registration token the demo servers accept.
 *
 * All of it is public demo data, printed on purpose.
 */
import type { HomeserverConfig, UserSeed } from './config';

/** The demo account. */
export const DEMO_ACCOUNT = {
  /** Alice's full Matrix id. */
  userId: '@alice:localhost',
  /** Alice's localpart, for login forms. */
  localpart: 'alice',
  /** Alice's password, for the password stage and login. */
  password: 'correct horse',
  /** The device the access token belongs to. */
  deviceId: 'ALICELAPTOP',
  /** A second device, to have something to delete. */
  otherDeviceId: 'ALICEPHONE',
  /** Every device the account starts with, the access token's first. */
  devices: [
    { deviceId: 'ALICELAPTOP', displayName: 'Laptop' },
    { deviceId: 'ALICEPHONE', displayName: 'Phone' },
    { deviceId: 'ALICETABLET', displayName: 'Tablet' },
    { deviceId: 'ALICEOLDPHONE', displayName: 'Old phone' },
  ],
  /** Fixed access token of `deviceId`. */
  accessToken: 'syt_YWxpY2U_demoAccessTokenForAlice',
  /** Email address bound to the account. */
  email: 'alice@example.org',
  /** A registration token the demo servers accept (5 uses on `npm run homeserver`). */
  registrationToken: 'demo-token',
} as const;

/** A second account, to deactivate (the demo page does it through single sign-on). */
export const DEMO_LEAVING_ACCOUNT = {
  /** Its full Matrix id. */
  userId: '@leaving:localhost',
  /** Its localpart. */
  localpart: 'leaving',
  /** Its password (where deactivation asks for the password stage). */
  password: 'leaving horse',
  /** The device the access token belongs to. */
  deviceId: 'LEAVINGLAPTOP',
  /** Fixed access token of `deviceId`. */
  accessToken: 'syt_bGVhdmluZw_demoAccessTokenForLeaving',
} as const;

/** The account the tour registers: it does not exist when a demo server starts. */
export const DEMO_NEW_ACCOUNT = {
  /** The username to register. */
  localpart: 'newcomer',
  /** Its full Matrix id once registered on a `localhost` demo server. */
  userId: '@newcomer:localhost',
  /** The password it registers with. */
  password: 'newcomer horse',
  /** The password the tour changes it to afterwards. */
  nextPassword: 'newcomer horse 2',
} as const;

/** A placeholder master key: a valid shape with a 32-byte key, so a real upload replaces it. */
const DEMO_MASTER_KEY = {
  user_id: DEMO_ACCOUNT.userId,
  usage: ['master'],
  keys: { 'ed25519:ZGVtb2RlbW9kZW1vZGVtb2RlbW9kZW1vZGVtb2RlbW8': 'ZGVtb2RlbW9kZW1vZGVtb2RlbW9kZW1vZGVtb2RlbW8' },
};

/** The seeds of {@link DEMO_ACCOUNT} and {@link DEMO_LEAVING_ACCOUNT}: fresh objects on each call. */
export function demoUsers(): UserSeed[] {
  return [
    {
      userId: DEMO_ACCOUNT.userId,
      password: DEMO_ACCOUNT.password,
      devices: DEMO_ACCOUNT.devices.map((d) => ({
        deviceId: d.deviceId,
        displayName: d.displayName,
        ...(d.deviceId === DEMO_ACCOUNT.deviceId ? { accessToken: DEMO_ACCOUNT.accessToken } : {}),
      })),
      emails: [DEMO_ACCOUNT.email],
      crossSigningMasterKey: { ...DEMO_MASTER_KEY, usage: [...DEMO_MASTER_KEY.usage], keys: { ...DEMO_MASTER_KEY.keys } },
    },
    {
      userId: DEMO_LEAVING_ACCOUNT.userId,
      password: DEMO_LEAVING_ACCOUNT.password,
      devices: [{ deviceId: DEMO_LEAVING_ACCOUNT.deviceId, displayName: 'Laptop', accessToken: DEMO_LEAVING_ACCOUNT.accessToken }],
    },
  ];
}

/** The demo config (the demo accounts and registration token); `overrides` are merged on top (shallowly). */
export function demoConfig(overrides: HomeserverConfig = {}): HomeserverConfig {
  return {
    serverName: 'localhost',
    users: demoUsers(),
    registrationTokens: [{ token: DEMO_ACCOUNT.registrationToken, usesAllowed: 5 }],
    ...overrides,
  };
}
