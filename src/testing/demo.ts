/**
 * The demo configuration `npm run homeserver` and the terminal client's embedded server use: one
 * account with two devices, a known access token, a bound email, an existing cross-signing key
 * (so a reset needs UIA) and a registration token. All of it is public demo data.
 */
import type { HomeserverConfig } from './config';

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
  /** Fixed access token of `deviceId`. */
  accessToken: 'syt_YWxpY2U_demoAccessTokenForAlice',
  /** Email address bound to the account. */
  email: 'alice@example.org',
  /** A registration token the demo server accepts (5 uses). */
  registrationToken: 'demo-token',
} as const;

/** A placeholder master key: a valid shape with a 32-byte key, so a real upload replaces it. */
const DEMO_MASTER_KEY = {
  user_id: DEMO_ACCOUNT.userId,
  usage: ['master'],
  keys: { 'ed25519:ZGVtb2RlbW9kZW1vZGVtb2RlbW9kZW1vZGVtb2RlbW8': 'ZGVtb2RlbW9kZW1vZGVtb2RlbW9kZW1vZGVtb2RlbW8' },
};

/** The demo config; `overrides` are merged on top (shallowly). */
export function demoConfig(overrides: HomeserverConfig = {}): HomeserverConfig {
  return {
    serverName: 'localhost',
    users: [
      {
        userId: DEMO_ACCOUNT.userId,
        password: DEMO_ACCOUNT.password,
        devices: [
          { deviceId: DEMO_ACCOUNT.deviceId, displayName: 'Laptop', accessToken: DEMO_ACCOUNT.accessToken },
          { deviceId: DEMO_ACCOUNT.otherDeviceId, displayName: 'Phone' },
        ],
        emails: [DEMO_ACCOUNT.email],
        crossSigningMasterKey: DEMO_MASTER_KEY,
      },
    ],
    registrationTokens: [{ token: DEMO_ACCOUNT.registrationToken, usesAllowed: 5 }],
    ...overrides,
  };
}
