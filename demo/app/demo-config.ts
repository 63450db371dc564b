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

/** The two simulated homeservers the page can talk to. */
export type DemoServerId = 'legacy' | 'delegated';

/** One simulated homeserver. */
export interface DemoServerInfo {
  id: DemoServerId;
  /** Its name on the page. */
  label: string;
  /** One sentence on how it handles account changes. */
  description: string;
  homeserverUrl: string;
  /** Where the page reads its sent emails and SMS. */
  outboxUrl: string;
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
  /** The servers to pick from: the legacy (UIA) one first, then the delegated (OAuth 2.0) one. */
  servers: DemoServerInfo[];
}

/** A device as the Demo data box lists it. */
export interface DemoDevice {
  deviceId: string;
  displayName: string | null;
}

/**
 * The demo accounts as they are now on the simulated homeserver (`/demo/state.json`), so the
 * Demo data box is never stale: after "Change password" it shows the new password, after a
 * deletion the remaining devices, after a deactivation that the account is closed.
 */
export interface DemoState {
  /** `deviceId` is the page's own device (its access token's); `null` password: none. */
  demoUser: { userId: string; deviceId: string; password: string | null; devices: DemoDevice[] };
  leavingUser: { userId: string; deactivated: boolean };
  registrationToken: string;
}

/** Loads the live state; `signal` aborts it. */
export async function loadDemoState(server: DemoServerId, signal?: AbortSignal): Promise<DemoState> {
  const res = await fetch(`/demo/state.json?server=${server}`, { cache: 'no-store', ...(signal ? { signal } : {}) });
  if (!res.ok) throw new Error(`demo state: HTTP ${res.status}`);
  return (await res.json()) as DemoState;
}

/** Puts the demo accounts back as they were at start (password, devices, the leaving account). */
export async function resetDemoState(server: DemoServerId): Promise<DemoState> {
  const res = await fetch(`/demo/reset?server=${server}`, { method: 'POST' });
  if (!res.ok) throw new Error(`demo reset: HTTP ${res.status}`);
  return (await res.json()) as DemoState;
}

/** Loads the config from the demo server. */
export async function loadDemoConfig(): Promise<DemoConfig> {
  const res = await fetch('/demo/config.json');
  if (!res.ok) throw new Error(`demo config: HTTP ${res.status}`);
  return (await res.json()) as DemoConfig;
}
