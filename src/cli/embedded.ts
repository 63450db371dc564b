/**
 * The embedded demo homeserver: the simulator from `matrix-uia/testing`, started on 127.0.0.1
 * for `--simulator` (and the tour), with its demo account, so every command can be tried at once.
 * Only on request: a command without `--homeserver` or `--simulator` is a usage error, so a
 * script can never mistake the simulator's success for a real one.
 *
 * `demo`: registration asks for the most stages a terminal handles: a registration token, the
 * terms and a dummy stage; or, with `--email`, the terms and an email validation.
 * `delegated`: the same account on a server that delegates auth to an OAuth 2.0 server (as
 * Synapse with matrix-authentication-service): device deletion, deactivation and password
 * changes are done on its account page, the cross-signing reset is approved there.
 */
import { ACCOUNT_MANAGEMENT_PATH, DEMO_ACCOUNT, delegatedConfig, demoConfig, startHomeserver, type Homeserver } from '../testing';
import type { SimulatorPreset } from './program';
import type { SimulatorShortcuts } from './stage-prompts';

/** A running embedded homeserver. */
export interface EmbeddedHomeserver {
  url: string;
  /** The demo account (its password is public demo data, shown as a hint). */
  demo: { userId: string; accessToken: string; passwordHint: string };
  /** Which `--simulator` preset runs. */
  preset: SimulatorPreset;
  /** A registration token the server accepts. */
  registrationToken: string;
  shortcuts: SimulatorShortcuts;
  /** The simulator itself. */
  server: Homeserver;
  close(): Promise<void>;
}

/** Registration flows of the embedded server. */
export const EMBEDDED_REGISTER_FLOWS: string[][] = [
  ['m.login.registration_token', 'm.login.terms', 'm.login.dummy'],
  ['m.login.terms', 'm.login.email.identity'],
];

/** Starts the embedded homeserver (`preset`, see `--simulator`) on a free port of 127.0.0.1. */
export async function startEmbeddedHomeserver(preset: SimulatorPreset): Promise<EmbeddedHomeserver> {
  const started = await startHomeserver(preset === 'delegated' ? delegatedConfig() : demoConfig({ endpoints: { register: { flows: EMBEDDED_REGISTER_FLOWS } } }));
  const hs = started.server;
  return {
    url: started.url,
    preset,
    demo: { userId: DEMO_ACCOUNT.userId, accessToken: DEMO_ACCOUNT.accessToken, passwordHint: `"${DEMO_ACCOUNT.password}"` },
    registrationToken: DEMO_ACCOUNT.registrationToken,
    server: hs,
    shortcuts: {
      emailLink: (email) => hs.outbox.latest(email)?.link ?? null,
      clickEmailLink: async (link) => void hs.clickEmailLink(link),
      completeExternal: async (url, userId) => {
        // The delegated server's account page: press its button (a JSON POST to the same URL),
        // as the account the command runs for (the page has no login; it serves several).
        const u = new URL(url);
        if (u.pathname === ACCOUNT_MANAGEMENT_PATH) {
          if (userId && !u.searchParams.has('user')) u.searchParams.set('user', userId);
          const res = await fetch(u, { method: 'POST', headers: { Accept: 'application/json' } });
          if (!res.ok) throw new Error(`the account page answered ${res.status}`);
          return;
        }
        hs.completeByUrl(url);
      },
    },
    close: () => started.close(),
  };
}
