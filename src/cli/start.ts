/**
 * The terminal tour of matrix-uia (`npm run tour`; it was `npm start` until the browser demo
 * took that script).
 *
 * Starts the embedded homeserver, then runs two negotiations through `matrix-uia/fetch`:
 * a registration (registration token, terms, dummy) and a password change (a wrong password
 * first, then the right one), printing every state change of the chart and of the open stage.
 * On a terminal, each answer is asked for (with the expected value suggested); without one
 * (CI, a pipe) the answers are scripted and the tour ends by itself with exit code 0.
 */
import { confirm, password } from '@inquirer/prompts';
import { changePassword, createMatrixClient, register } from '../fetch';
import type { StageHandlers } from '../api/run-uia';
import { pickPolicyTranslation } from '../decisions/terms';
import { DEMO_ACCOUNT, DEMO_NEW_ACCOUNT } from '../testing/demo';
import { startEmbeddedHomeserver } from './embedded';
import { EXIT, exitCodeFor } from './exit-codes';
import { createTerminal, type Terminal } from './terminal';
import { transitionLogger } from './transcript';

/** Lets the chart finish its transition (and the log its lines) before a question is printed. */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

/** The handlers of the tour: asked on a terminal, scripted otherwise. Every answer is narrated. */
function tourHandlers(term: Terminal, script: { registrationToken: string; password: string; wrongPassword: string }): StageHandlers {
  const s = term.style;
  const say = (text: string) => term.line(`    ${s.yellow('›')} ${text}`);
  return {
    registrationToken: async (p) => {
      await settle();
      if (p.error) say(`refused: ${p.error.message}`);
      if (term.interactive) return term.ask((ctx) => password({ message: `Registration token (the demo server's is "${script.registrationToken}"):`, mask: '*' }, ctx), p.signal);
      say(`typing the registration token ${s.dim('(hidden)')}`);
      return script.registrationToken;
    },
    terms: async (p) => {
      await settle();
      say('the server asks to accept:');
      for (const policy of p.policies) {
        const t = pickPolicyTranslation(policy);
        term.line(`        • ${s.bold(t.name)} ${s.dim(`v${policy.version}`)} ${s.cyan(t.url)}`);
      }
      if (term.interactive) return term.ask((ctx) => confirm({ message: 'Accept these policies?', default: true }, ctx), p.signal);
      say('accepting them');
      return true;
    },
    password: async (p) => {
      await settle();
      if (p.error) say(`${s.red('refused')}: ${p.error.message} — asked again`);
      if (term.interactive) {
        const hint = p.attempt === 1 ? `try a wrong one first, then "${script.password}"` : `the right one is "${script.password}"`;
        return term.ask((ctx) => password({ message: `Current password (${hint}):`, mask: '*' }, ctx), p.signal);
      }
      const wrong = p.attempt === 1;
      say(`typing ${wrong ? 'a wrong' : 'the right'} password ${s.dim('(hidden)')}`);
      return wrong ? script.wrongPassword : script.password;
    },
  };
}

async function tour(term: Terminal): Promise<void> {
  const s = term.style;
  term.line(s.bold('matrix-uia — User-Interactive Authentication as a statechart'));
  term.line(s.dim(term.interactive ? 'Interactive tour: you answer each stage.' : 'No terminal on stdin: the answers are scripted.'));
  term.line();
  const hs = await startEmbeddedHomeserver('demo');
  try {
    term.info(`Embedded demo homeserver (a simulator) listening at ${s.bold(hs.url)}`);
    const anonymous = createMatrixClient({ baseUrl: hs.url });
    const username = DEMO_NEW_ACCOUNT.localpart;
    const newPassword = DEMO_NEW_ACCOUNT.password;

    term.line();
    term.line(s.bold(`1. Register @${username} (registration token → terms → dummy)`));
    const reg = await register(
      anonymous,
      { username, password: newPassword, initialDeviceDisplayName: 'npm start' },
      { handlers: tourHandlers(term, { registrationToken: hs.registrationToken, password: newPassword, wrongPassword: 'not-it' }), onSnapshot: transitionLogger(term, '    ') },
    );
    term.success(`Registered ${s.bold(reg.user_id)} on device ${reg.device_id ?? '(none)'} ${s.dim('(access token kept, not printed)')}`);

    term.line();
    term.line(s.bold('2. Change the password (password stage: wrong, then right)'));
    const user = anonymous.withAccessToken(reg.access_token);
    await changePassword(
      user,
      { newPassword: DEMO_NEW_ACCOUNT.nextPassword, logoutDevices: false },
      { userId: reg.user_id, handlers: tourHandlers(term, { registrationToken: hs.registrationToken, password: newPassword, wrongPassword: 'not-it' }), onSnapshot: transitionLogger(term, '    ') },
    );
    term.success('Password changed.');
    term.line();
    term.line(`Next: ${s.bold('npx tsx src/cli/main.ts --help')}; every command runs against a fresh demo server with ${s.bold('--simulator')}, e.g. ${s.bold(`npx tsx src/cli/main.ts delete-device ${DEMO_ACCOUNT.otherDeviceId} --simulator`)}.`);
  } finally {
    await hs.close();
  }
}

const term = createTerminal();
tour(term).then(
  () => {
    process.exitCode = EXIT.OK;
  },
  (e: unknown) => {
    term.error(e instanceof Error ? e.message : String(e));
    process.exitCode = exitCodeFor(e);
  },
);
