/**
 * The `delegated` preset: a homeserver that delegates auth to an OAuth 2.0 server, answering as
 * Synapse with matrix-authentication-service (MAS) does (see routes-delegated.ts), with the demo
 * account (`DEMO_ACCOUNT`: its access token, two devices, an existing cross-signing key, a bound
 * email) so every operation has something to act on.
 */
import type { HomeserverConfig } from './config';
import { DEMO_ACCOUNT } from './demo';

/** A placeholder master key (a valid shape), so replacing the keys needs the reset approval. */
const MASTER_KEY = {
  user_id: DEMO_ACCOUNT.userId,
  usage: ['master'],
  keys: { 'ed25519:ZGVsZWdhdGVkZGVsZWdhdGVkZGVsZWdhdGVkZGVsZWc': 'ZGVsZWdhdGVkZGVsZWdhdGVkZGVsZWdhdGVkZGVsZWc' },
};

/**
 * A config for a server that delegates auth. `overrides` are merged on top (shallowly;
 * `delegatedAuth` key by key), e.g. `delegatedConfig({ delegatedAuth: { actions: 'unstable',
 * requireType: true, requireSession: true, approvalWindowMs: 60_000 } })`.
 */
export function delegatedConfig(overrides: HomeserverConfig = {}): HomeserverConfig {
  const base: HomeserverConfig = {
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
        crossSigningMasterKey: MASTER_KEY,
      },
    ],
  };
  return { ...base, ...overrides, delegatedAuth: { ...(overrides.delegatedAuth ?? {}) } };
}
