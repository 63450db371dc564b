/**
 * The embedded demo homeserver: the simulator from `matrix-uia/testing`, started on 127.0.0.1
 * for `--simulator` (and the tour), with its demo account, so every command can be tried at once.
 * Only on request: a command without `--homeserver` or `--simulator` is a usage error, so a
 * script can never mistake the simulator's success for a real one.
 *
 * Registration asks for the most stages a terminal handles: a registration token, the terms and
 * a dummy stage; or, with `--email`, the terms and an email validation.
 */
import { DEMO_ACCOUNT, demoConfig, startHomeserver, type Homeserver } from '../testing';
import type { SimulatorPreset } from './program';
import type { SimulatorShortcuts } from './stage-prompts';

/** A running embedded homeserver. */
export interface EmbeddedHomeserver {
  url: string;
  /** The demo account (its password is public demo data, shown as a hint). */
  demo: { userId: string; accessToken: string; passwordHint: string };
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
  void preset; // one preset so far: 'demo'
  const started = await startHomeserver(demoConfig({ endpoints: { register: { flows: EMBEDDED_REGISTER_FLOWS } } }));
  const hs = started.server;
  return {
    url: started.url,
    demo: { userId: DEMO_ACCOUNT.userId, accessToken: DEMO_ACCOUNT.accessToken, passwordHint: `"${DEMO_ACCOUNT.password}"` },
    registrationToken: DEMO_ACCOUNT.registrationToken,
    server: hs,
    shortcuts: {
      emailLink: (email) => hs.outbox.latest(email)?.link ?? null,
      clickEmailLink: async (link) => void hs.clickEmailLink(link),
      completeExternal: async (url) => hs.completeByUrl(url),
    },
    close: () => started.close(),
  };
}
