/**
 * What the demo server tells the page (`/demo/config.json`): where the simulated homeserver
 * listens and the demo accounts. All of it is demo data printed on the page on purpose.
 */

/** A seeded account the page acts as. */
export interface DemoAccount {
  userId: string;
  password: string;
  accessToken: string;
  /** The device the access token belongs to. */
  deviceId: string;
}

/** The page's configuration. */
export interface DemoConfig {
  /** The simulated homeserver (another origin than the page, as in real life). */
  homeserverUrl: string;
  /** The account most operations act on. */
  demoUser: DemoAccount;
  /** The account the deactivation closes. */
  leavingUser: DemoAccount;
  /** A registration token the server accepts. */
  registrationToken: string;
  /** Where the page reads the simulator's sent emails and SMS. */
  outboxUrl: string;
}

/** Loads the config from the demo server. */
export async function loadDemoConfig(): Promise<DemoConfig> {
  const res = await fetch('/demo/config.json');
  if (!res.ok) throw new Error(`demo config: HTTP ${res.status}`);
  return (await res.json()) as DemoConfig;
}
