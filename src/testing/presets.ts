/**
 * Configurations matching the Synapse 1.67.0 servers of the recordings
 * (`test/fixtures/synapse-1.67.0-uia.json`): port 8008 open registration (dummy or email),
 * 8009 registration token required, 8010 recaptcha + terms. The quirks Synapse showed there are
 * switched on; everything else is the simulator's spec behaviour, which the recordings agree with.
 */
import type { HomeserverConfig, SynapseQuirks } from './config';

/** The three recorded server configurations. */
export type Synapse167Variant = 'open' | 'token' | 'stages';

/** The quirks Synapse 1.67.0 exhibits in the recordings. */
export const SYNAPSE_167_QUIRKS: Required<SynapseQuirks> = {
  unorderedStages: true,
  sessionBoundToPathOnly: true,
  fourOhOneWithoutFlowsWhileEmailPending: false,
  crossSigningAlwaysRequiresAuth: true,
};

/** An admin account the presets include (the recordings' admin API calls need one). */
export const SYNAPSE_PRESET_ADMIN = {
  /** Full Matrix id of the preset's admin user. */
  userId: '@admin:localhost',
  /** That user's password, for the password stage and login. */
  password: 'admin password',
} as const;

const REGISTER_FLOWS: Record<Synapse167Variant, string[][]> = {
  open: [['m.login.dummy'], ['m.login.email.identity']],
  token: [
    ['m.login.registration_token', 'm.login.dummy'],
    ['m.login.registration_token', 'm.login.email.identity'],
  ],
  stages: [
    ['m.login.recaptcha', 'm.login.terms', 'm.login.dummy'],
    ['m.login.recaptcha', 'm.login.terms', 'm.login.email.identity'],
  ],
};

/**
 * A config like the recorded Synapse 1.67.0 `variant`. `overrides` are merged on top (shallowly;
 * `synapseQuirks` key by key), e.g. `{ synapseQuirks: { unorderedStages: false } }`.
 */
export function synapse167Config(variant: Synapse167Variant, overrides: HomeserverConfig = {}): HomeserverConfig {
  const base: HomeserverConfig = {
    serverName: 'localhost',
    users: [{ userId: SYNAPSE_PRESET_ADMIN.userId, password: SYNAPSE_PRESET_ADMIN.password, admin: true }],
    endpoints: { register: { flows: REGISTER_FLOWS[variant] } },
    ...(variant === 'token' ? { registrationTokens: [{ token: 'testtoken' }] } : {}),
    ...(variant === 'stages'
      ? {
          recaptchaPublicKey: 'fake-public-key',
          termsPolicies: { privacy_policy: { version: '1.0', en: { name: 'Privacy Policy', url: '/_matrix/consent?v=1.0' } } },
        }
      : {}),
  };
  return { ...base, ...overrides, synapseQuirks: { ...SYNAPSE_167_QUIRKS, ...(overrides.synapseQuirks ?? {}) } };
}

/** The preset for a recorded port: 8008 → open, 8009 → token, 8010 → stages. */
export function synapsePreset(port: 8008 | 8009 | 8010 | number, overrides: HomeserverConfig = {}): HomeserverConfig {
  const variant: Record<number, Synapse167Variant> = { 8008: 'open', 8009: 'token', 8010: 'stages' };
  const v = variant[port];
  if (!v) throw new Error(`No Synapse 1.67.0 recording on port ${port} (known: 8008, 8009, 8010)`);
  return synapse167Config(v, overrides);
}
