/**
 * The `delegated` preset: a homeserver that delegates auth to an OAuth 2.0 server, answering as
 * Synapse with matrix-authentication-service (MAS) does (see routes-delegated.ts), with the demo
 * account (two devices, an existing cross-signing key, a bound email) so every operation has
 * something to act on.
 */
import type { HomeserverConfig } from './config';
import { demoConfig } from './demo';

/**
 * A config for a server that delegates auth. `overrides` are merged on top (shallowly;
 * `delegatedAuth` key by key), e.g. `delegatedConfig({ delegatedAuth: { actions: 'unstable',
 * requireType: true, requireSession: true, approvalWindowMs: 60_000 } })`.
 */
export function delegatedConfig(overrides: HomeserverConfig = {}): HomeserverConfig {
  const base = demoConfig({ registrationTokens: [] });
  return { ...base, ...overrides, delegatedAuth: { ...(overrides.delegatedAuth ?? {}) } };
}
