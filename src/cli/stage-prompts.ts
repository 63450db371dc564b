/**
 * The stage handlers of the terminal client: each UIA stage asked for in the terminal.
 *
 * Password and registration token are typed hidden (masked); terms are listed with their URLs
 * and a yes/no; the email stage shows a spinner while the chart polls, with keys to resend or
 * check now; fallback pages and m.oauth approval pages are printed with a wait (polling goes on
 * meanwhile). A refused answer is shown and asked again. Without a terminal, values come only
 * from options/environment and a missing one fails with {@link InputNeededError}.
 */
import { confirm, input, password } from '@inquirer/prompts';
import type { StageHandlers, StagePrompt } from '../api/run-uia';
import { pickPolicyTranslation } from '../decisions/terms';
import { InputNeededError } from './exit-codes';
import type { Terminal } from './terminal';

/**
 * Shortcuts offered when the homeserver is the embedded simulator: the user has no mailbox or
 * browser session for it, so the client can "click" for them.
 */
export interface SimulatorShortcuts {
  /** The validation link last sent to `email`, if any. */
  emailLink(email: string): string | null;
  /** Follows a validation link as the user's browser would. */
  clickEmailLink(link: string): Promise<void>;
  /** Completes the fallback page or approves the m.oauth page at `url`, as `userId` when given. */
  completeExternal(url: string, userId?: string): Promise<void>;
}

/** Values given in advance (options, environment). */
export interface StagePresets {
  /** The account password for `m.login.password` (first attempt only). */
  password?: string;
  /** Accept every policy of `m.login.terms` without asking. */
  acceptTerms?: boolean;
}

/** Options of {@link terminalStageHandlers}. */
export interface TerminalStageOptions {
  term: Terminal;
  presets?: StagePresets;
  simulator?: SimulatorShortcuts;
  /** Who the password is for, shown in the question. */
  userLabel?: string;
  /** Called when the user presses Ctrl-C outside a question (while waiting). */
  onInterrupt: () => void;
}

/** Builds the handlers `runUia` asks. */
export function terminalStageHandlers(o: TerminalStageOptions): StageHandlers {
  const { term, presets = {}, simulator } = o;
  const s = term.style;
  /** What the user last asked for during the email wait, to say what came of it. */
  let emailAction: 'check' | 'resend' | null = null;

  /**
   * Shows the server's complaint about the previous attempt, when it will be asked again. Without
   * a terminal it is not printed here: the run ends with it, and the final report prints it once.
   */
  const showRefusal = (p: StagePrompt) => {
    if (p.error && term.interactive) term.error(`${p.error.message} — please try again.`);
  };
  /** Refused and not allowed to ask: end with the server's complaint. */
  const cannotAsk = (p: StagePrompt, what: string): never => {
    if (p.error) throw p.error;
    throw new InputNeededError(`${what} is needed but there is no terminal to ask (see docs/cli.md for options and environment variables)`);
  };

  return {
    password: async (p) => {
      if (p.attempt === 1 && presets.password) return presets.password;
      await term.idle();
      showRefusal(p);
      if (!term.interactive) return cannotAsk(p, `The password of ${o.userLabel ?? 'your account'}`);
      return term.ask((ctx) => password({ message: `Password for ${o.userLabel ?? 'your account'}:`, mask: '*' }, ctx), p.signal);
    },

    registrationToken: async (p) => {
      await term.idle();
      showRefusal(p);
      if (!term.interactive) return cannotAsk(p, 'A registration token (--registration-token)');
      return term.ask((ctx) => password({ message: 'Registration token:', mask: '*' }, ctx), p.signal);
    },

    terms: async (p) => {
      await term.idle();
      term.line(s.bold('The server asks you to accept these policies:'));
      for (const policy of p.policies) {
        const t = pickPolicyTranslation(policy);
        term.line(`  • ${t ? `${s.bold(t.name)} ${s.dim(`(version ${policy.version})`)}\n    ${s.cyan(t.url)}` : policy.id}`);
      }
      if (presets.acceptTerms) {
        term.info('Accepted with --accept-terms.');
        return true;
      }
      if (!term.interactive) return cannotAsk(p, 'Acceptance of the terms (--accept-terms)');
      return term.ask((ctx) => confirm({ message: 'Do you accept these policies?', default: false }, ctx), p.signal);
    },

    emailAddress: async (p) => {
      await term.idle();
      if (!term.interactive) return cannotAsk(p, 'An email address (--email)');
      return term.ask((ctx) => input({ message: 'Email address:' }, ctx), p.signal);
    },

    emailSent: (p) => {
      void term.idle().then(() => {
        if (p.signal.aborted) return;
        showRefusal(p);
        // Back in the wait after the user's own check or resend: say what came of it.
        const action = emailAction;
        emailAction = null;
        if (action === 'check' && !p.error) term.warn('Checked: the link has not been opened yet. Still waiting.');
        else if (action === 'resend') term.info(`Another validation email was sent to ${s.bold(p.email ?? 'your address')}.`);
        else term.info(`A validation email was sent to ${s.bold(p.email ?? 'your address')}. Open the link in it to continue.`);
        const link = simulator && p.email ? simulator.emailLink(p.email) : null;
        if (link && !action) {
          term.line(`  ${s.dim('Embedded homeserver — the email contains this link:')}`);
          term.line(`  ${s.cyan(link)}`);
        }
        const keys = [term.interactive ? 'r resend' : null, term.interactive ? 'Enter check now' : null, link && term.interactive ? 'c click the link for me' : null, term.interactive ? 'Ctrl-C cancel' : null].filter(Boolean);
        const spin = term.spinner(`Waiting for the link to be opened…${keys.length ? s.dim(` (${keys.join(', ')})`) : ''}`);
        p.signal.addEventListener('abort', () => spin.stop(), { once: true });
        term.onKeys((key) => {
          if (key === '\u0003') o.onInterrupt();
          else if (key === 'r' || key === 'R') {
            emailAction = 'resend';
            spin.update('Sending another email…');
            p.resend();
          } else if (key === '\r' || key === '\n') {
            emailAction = 'check';
            spin.update('Checking now…');
            p.check();
          } else if ((key === 'c' || key === 'C') && link && simulator) {
            spin.update('Opening the link…');
            void simulator.clickEmailLink(link).then(
              () => p.check(),
              () => spin.update('Could not open the link; waiting…'),
            );
          }
        }, p.signal);
      });
    },

    msisdnCode: async (p) => {
      await term.idle();
      showRefusal(p);
      if (!term.interactive) return cannotAsk(p, 'The SMS code');
      return term.ask((ctx) => input({ message: `Code sent by SMS${p.msisdn ? ` to +${p.msisdn}` : ''}:`, validate: (v) => v.trim().length > 0 || 'Type the code' }, ctx), p.signal);
    },

    external: async (p) => {
      await term.idle();
      showRefusal(p);
      const what = p.kind === 'oauth' ? 'Approve this action on your account page' : `Complete ${s.bold(p.type)} in a browser`;
      term.info(`${what}:`);
      term.line(`  ${s.cyan(p.url)}`);
      if (!term.interactive) {
        // Nobody to press Enter: the chart's polling notices when the page is done.
        term.line(s.dim('  Waiting (checking automatically)…'));
        return new Promise<void>((resolve) => p.signal.addEventListener('abort', () => resolve(), { once: true }));
      }
      const hint = simulator ? ` or type ${s.bold('sim')} to let the embedded homeserver complete it` : '';
      for (;;) {
        const answer = await term.ask((ctx) => input({ message: `Press Enter when done${hint} (checking automatically meanwhile):` }, ctx), p.signal);
        if (simulator && answer.trim() === 'sim') {
          await simulator.completeExternal(p.url, o.userLabel);
          return;
        }
        if (answer.trim() === '') return;
      }
    },
  };
}
