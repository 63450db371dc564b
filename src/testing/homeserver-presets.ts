/**
 * The server setups `npm run homeserver -- --preset NAME` offers: one per situation a guide
 * describes, so each guide can be tried by hand against a client (the `matrix-uia` terminal
 * client, the browser, curl). Every preset has the demo accounts (src/testing/demo.ts), so the
 * same user id, password and access token work whatever the setup; the presets differ only in
 * the flows the UIA endpoints offer (and, for the Synapse ones, in the quirks switched on).
 *
 * Presets are data plus a config builder, kept apart from the command line so tests can start
 * each one in-process and check its flows.
 */
import type { EndpointId, HomeserverConfig } from './config';
import { demoConfig, demoUsers } from './demo';
import { SYNAPSE_PRESET_ADMIN, synapse167Config, type Synapse167Variant } from './presets';
import { delegatedConfig } from './presets-delegated';

/** A named server setup. */
export interface HomeserverPreset {
  /** What `--preset` takes. */
  name: string;
  /** One line for `--help`: what the server asks for. */
  summary: string;
  /** The guide (under docs/guides/) this setup lets one try, if any. */
  guide?: string;
  /** Builds a fresh config (new objects on every call). */
  config(): HomeserverConfig;
}

/** The demo user's phone number in the `msisdn` preset (a UK drama number: never a real line). */
export const DEMO_MSISDN = '447700900123';

const EMAIL = 'm.login.email.identity';

/** The demo config with some endpoints' flows replaced. */
function withFlows(flows: Partial<Record<EndpointId, string[][]>>, extra: HomeserverConfig = {}): HomeserverConfig {
  const endpoints: HomeserverConfig['endpoints'] = {};
  for (const [id, f] of Object.entries(flows) as [EndpointId, string[][]][]) endpoints[id] = { flows: f.map((flow) => [...flow]) };
  return demoConfig({ endpoints, ...extra });
}

/** The three Synapse 1.67.0 recordings' setups, with the demo accounts added. */
function synapse(variant: Synapse167Variant): HomeserverConfig {
  return synapse167Config(variant, {
    users: [{ userId: SYNAPSE_PRESET_ADMIN.userId, password: SYNAPSE_PRESET_ADMIN.password, admin: true }, ...demoUsers()],
    // The token variant keeps the recordings' token ('testtoken'); the others need none.
    registrationTokens: variant === 'token' ? [{ token: 'testtoken' }] : [],
  });
}

/** Every preset, in the order `--help` lists them. The first is the default. */
export const HOMESERVER_PRESETS: readonly HomeserverPreset[] = [
  {
    name: 'default',
    summary: 'open registration (dummy, or an email); the password for everything else',
    guide: 'change-password.md, delete-devices.md, drive-by-hand.md, errors.md, inspector.md',
    config: () => demoConfig(),
  },
  {
    name: 'token',
    summary: 'registration needs a registration token (then dummy, or an email)',
    guide: 'register.md',
    config: () =>
      withFlows({
        register: [
          ['m.login.registration_token', 'm.login.dummy'],
          ['m.login.registration_token', EMAIL],
        ],
      }),
  },
  {
    name: 'terms',
    summary: 'registration asks to accept the terms (then dummy, or an email)',
    guide: 'register.md, testing-your-screens.md',
    config: () =>
      withFlows({
        register: [
          ['m.login.terms', 'm.login.dummy'],
          ['m.login.terms', EMAIL],
        ],
      }),
  },
  {
    name: 'recaptcha',
    summary: 'registration asks for a captcha (then dummy, or an email); the fallback page accepts anything but "invalid"',
    guide: 'register.md, browser-fallback-sso-oauth.md',
    config: () =>
      withFlows({
        register: [
          ['m.login.recaptcha', 'm.login.dummy'],
          ['m.login.recaptcha', EMAIL],
        ],
      }),
  },
  {
    name: 'email',
    summary: 'registration and a forgotten password need an email link (read it from the outbox)',
    guide: 'email-and-msisdn.md, resume.md',
    config: () => withFlows({ register: [[EMAIL]], passwordReset: [[EMAIL]] }),
  },
  {
    name: 'msisdn',
    summary: `registration and a forgotten password need an SMS code (the demo account has +${DEMO_MSISDN})`,
    guide: 'email-and-msisdn.md',
    config: () => {
      const config = withFlows({ register: [['m.login.msisdn']], passwordReset: [['m.login.msisdn']] });
      config.users![0]!.msisdns = [DEMO_MSISDN];
      return config;
    },
  },
  {
    name: 'all-stages',
    summary: 'registration token, recaptcha, terms and email in one flow; SSO to deactivate; m.oauth to reset cross-signing',
    guide: 'register.md, browser-fallback-sso-oauth.md, cross-signing.md',
    config: () =>
      withFlows({
        register: [['m.login.registration_token', 'm.login.recaptcha', 'm.login.terms', EMAIL]],
        deactivate: [['m.login.sso']],
        crossSigningUpload: [['m.oauth']],
      }),
  },
  {
    name: 'sso',
    summary: 'single sign-on (m.login.sso, on the fallback page) to delete devices, deactivate and reset cross-signing',
    guide: 'delete-devices.md, browser-fallback-sso-oauth.md',
    config: () => withFlows({ deleteDevice: [['m.login.sso']], deleteDevices: [['m.login.sso']], deactivate: [['m.login.sso']], crossSigningUpload: [['m.login.sso']] }),
  },
  {
    name: 'oauth',
    summary: 'replacing the cross-signing keys needs approval on the account page (m.oauth)',
    guide: 'cross-signing.md, browser-fallback-sso-oauth.md',
    config: () => withFlows({ crossSigningUpload: [['m.oauth']] }),
  },
  {
    name: 'delegated',
    summary: 'auth delegated to an OAuth 2.0 server (Synapse with MAS): account pages instead of UIA, m.oauth for cross-signing resets',
    guide: 'next-gen-auth.md, cross-signing.md',
    config: () => delegatedConfig({ users: demoUsers() }),
  },
  {
    name: 'synapse-1.67',
    summary: "like the recorded Synapse 1.67.0 with open registration (its quirks on; admin '@admin:localhost')",
    guide: 'register.md',
    config: () => synapse('open'),
  },
  {
    name: 'synapse-1.67-token',
    summary: "like the recorded Synapse 1.67.0 requiring the registration token 'testtoken'",
    guide: 'register.md',
    config: () => synapse('token'),
  },
  {
    name: 'synapse-1.67-stages',
    summary: 'like the recorded Synapse 1.67.0 with recaptcha and terms',
    guide: 'register.md',
    config: () => synapse('stages'),
  },
];

/** The preset called `name`, or `undefined`. */
export function findPreset(name: string): HomeserverPreset | undefined {
  return HOMESERVER_PRESETS.find((p) => p.name === name);
}
