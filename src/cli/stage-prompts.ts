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
import type { StageHandlers, StagePrompt } from '../run-uia';
import { pickPolicyTranslation } from '../terms';
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
  /** Completes the fallback page or approves the m.oauth page at `url`. */
  completeExternal(url: string): Promise<void>;
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

  /** Shows the server's complaint about the previous attempt. */
  const showRefusal = (p: StagePrompt) => {
    if (p.error) term.error(`${p.error.message}${term.interactive ? ' — please try again.' : ''}`);
  };
  /** Refused and not allowed to ask: end with the server's complaint. */
  const cannotAsk = (p: StagePrompt, what: string): never => {
    if (p.error) throw p.error;
    throw new InputNeededError(`${what} is needed but there is no terminal to ask (see docs/cli.md for options and environment variables)`);
  };

  return {
    password: async (p) => {
      if (p.attempt === 1 && presets.password) return presets.password;
      showRefusal(p);
      if (!term.interactive) return cannotAsk(p, 'The account password');
      return password({ message: `Password${o.userLabel ? ` for ${o.userLabel}` : ''}:`, mask: '*' }, term.promptContext(p.signal));
    },

    registrationToken: async (p) => {
      showRefusal(p);
      if (!term.interactive) return cannotAsk(p, 'A registration token (--registration-token)');
      return password({ message: 'Registration token:', mask: '*' }, term.promptContext(p.signal));
    },

    terms: async (p) => {
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
      return confirm({ message: 'Do you accept these policies?', default: false }, term.promptContext(p.signal));
    },

    emailAddress: async (p) => {
      if (!term.interactive) return cannotAsk(p, 'An email address (--email)');
      return input({ message: 'Email address:' }, term.promptContext(p.signal));
    },

    emailSent: (p) => {
      showRefusal(p);
      term.info(`A validation email was sent to ${s.bold(p.email ?? 'your address')}. Open the link in it to continue.`);
      const link = simulator && p.email ? simulator.emailLink(p.email) : null;
      if (link) {
        term.line(`  ${s.dim('Embedded homeserver — the email contains this link:')}`);
        term.line(`  ${s.cyan(link)}`);
      }
      const keys = [term.interactive ? 'r resend' : null, term.interactive ? 'Enter check now' : null, link && term.interactive ? 'c click the link for me' : null, term.interactive ? 'Ctrl-C cancel' : null].filter(Boolean);
      const spin = term.spinner(`Waiting for the link to be opened…${keys.length ? s.dim(` (${keys.join(', ')})`) : ''}`);
      p.signal.addEventListener('abort', () => spin.stop(), { once: true });
      term.onKeys((key) => {
        if (key === '\u0003') o.onInterrupt();
        else if (key === 'r' || key === 'R') {
          spin.update('Sending another email…');
          p.resend();
        } else if (key === '\r' || key === '\n') {
          spin.update('Checking…');
          p.check();
        } else if ((key === 'c' || key === 'C') && link && simulator) {
          spin.update('Opening the link…');
          void simulator.clickEmailLink(link).then(() => p.check(), () => spin.update('Could not open the link; waiting…'));
        }
      }, p.signal);
    },

    msisdnCode: async (p) => {
      showRefusal(p);
      if (!term.interactive) return cannotAsk(p, 'The SMS code');
      return input({ message: `Code sent by SMS${p.msisdn ? ` to +${p.msisdn}` : ''}:`, validate: (v) => v.trim().length > 0 || 'Type the code' }, term.promptContext(p.signal));
    },

    external: async (p) => {
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
        const answer = await input({ message: `Press Enter when done${hint} (checking automatically meanwhile):` }, term.promptContext(p.signal));
        if (simulator && answer.trim() === 'sim') {
          await simulator.completeExternal(p.url);
          return;
        }
        if (answer.trim() === '') return;
      }
    },
  };
}
