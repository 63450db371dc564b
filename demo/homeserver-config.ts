/**
 * The simulated homeserver the demo runs against: two seeded accounts, a registration flow with
 * four stages (registration token, terms, recaptcha on the fallback page, email), deactivation
 * through single sign-on (the SSO fallback page), and cross-signing resets approved on the
 * m.oauth page. All secrets here are demo data, printed on
 * the page on purpose.
 */
import { DEMO_ACCOUNT, DEMO_LEAVING_ACCOUNT, demoUsers, type Homeserver, type HomeserverConfig } from '../src/testing';
import type { DemoState } from './app/demo-config';

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

/** The demo accounts as they are now on `hs` (what `/demo/state.json` answers). */
export function demoState(hs: Homeserver): DemoState {
  const { demoUser, leavingUser } = DEMO_DATA;
  const demo = hs.getUser(demoUser.userId);
  const leaving = hs.getUser(leavingUser.userId);
  return {
    demoUser: {
      userId: demoUser.userId,
      deviceId: demoUser.deviceId,
      password: demo?.password ?? null,
      devices: demo ? [...demo.devices.values()].map((d) => ({ deviceId: d.deviceId, displayName: d.displayName })) : [],
    },
    leavingUser: { userId: leavingUser.userId, deactivated: !leaving || leaving.deactivated },
    registrationToken: DEMO_DATA.registrationToken,
  };
}

/**
 * Puts the seeded accounts back as {@link demoHomeserverConfig} made them: passwords, devices
 * and their fixed access tokens, emails, the existing cross-signing key, and the leaving account
 * active again. Accounts registered meanwhile stay.
 */
export function resetDemoAccounts(hs: Homeserver): void {
  for (const u of demoHomeserverConfig().users ?? []) {
    const user = hs.addUser(u.userId, u.password, u.devices ?? []);
    for (const email of u.emails ?? []) hs.users.bindThreepid(user.userId, 'email', email, Date.now());
    if (u.crossSigningMasterKey) user.crossSigning.master = u.crossSigningMasterKey;
  }
}
