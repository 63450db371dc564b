/**
 * The simulated homeserver the demo runs against: two seeded accounts, a registration flow with
 * four stages (registration token, terms, recaptcha on the fallback page, email), deactivation
 * through single sign-on (the SSO fallback page), and cross-signing resets approved on the
 * m.oauth page. All secrets here are demo data, printed on
 * the page on purpose.
 */
import { DEMO_ACCOUNT, DEMO_LEAVING_ACCOUNT, demoUsers, type HomeserverConfig } from '../src/testing';

/**
 * The demo accounts and token, shared with the page through `/demo/config.json`: the same set
 * as `npm run homeserver`, the terminal client and the tour (`matrix-uia/testing`'s demo data).
 */
export const DEMO_DATA = {
  demoUser: { userId: DEMO_ACCOUNT.userId, password: DEMO_ACCOUNT.password, accessToken: DEMO_ACCOUNT.accessToken, deviceId: DEMO_ACCOUNT.deviceId },
  leavingUser: {
    userId: DEMO_LEAVING_ACCOUNT.userId,
    password: DEMO_LEAVING_ACCOUNT.password,
    accessToken: DEMO_LEAVING_ACCOUNT.accessToken,
    deviceId: DEMO_LEAVING_ACCOUNT.deviceId,
  },
  registrationToken: DEMO_ACCOUNT.registrationToken,
} as const;

/** The simulator's configuration for the demo. */
export function demoHomeserverConfig(): HomeserverConfig {
  return {
    serverName: 'localhost',
    // The demo account has four devices, an email and an existing master key: replacing it is
    // what needs approval (spec v1.11+).
    users: demoUsers(),
    endpoints: {
      register: { flows: [['m.login.registration_token', 'm.login.terms', 'm.login.recaptcha', 'm.login.email.identity']] },
      // The leaving account signs in through single sign-on: its deactivation goes through the
      // homeserver's SSO fallback page.
      deactivate: { flows: [['m.login.sso']] },
      crossSigningUpload: { flows: [['m.oauth']] },
    },
    registrationTokens: [{ token: DEMO_DATA.registrationToken }],
  };
}
