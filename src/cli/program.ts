/**
 * The command line of `matrix-uia`, parsed with commander: the commands, their options, and the
 * options every command shares. Parsing only: {@link CliRequest} says what to do, and
 * `run-command.ts` does it.
 */
import { Command, InvalidArgumentError, Option } from 'commander';
import { version } from '../../package.json';

/** The embedded simulator's configurations `--simulator` can start. */
export const SIMULATOR_PRESETS = ['demo', 'delegated'] as const;

/** A `--simulator` choice. */
export type SimulatorPreset = (typeof SIMULATOR_PRESETS)[number];

/** The commands. */
export type CliCommandName = 'change-password' | 'delete-device' | 'delete-devices' | 'deactivate' | 'register' | 'reset-cross-signing';

/** Options every command takes. */
export interface CommonOptions {
  homeserver?: string;
  /** `--simulator [preset]`: run against the embedded simulator (`true` means the default preset). */
  simulator?: SimulatorPreset | true;
  /** Read the account password from stdin. */
  passwordStdin?: boolean;
  user?: string;
  accessToken?: string;
  passwordLogin?: boolean;
  json?: boolean;
  input: boolean;
  verbose?: boolean;
  email?: string;
  phone?: string;
  country?: string;
  acceptTerms?: boolean;
  pollInterval?: number;
  /** `register`: show the new account's access token. */
  showToken?: boolean;
}

/** A parsed command line. */
export interface CliRequest {
  command: CliCommandName;
  /** Device ids for `delete-device(s)`. */
  deviceIds: string[];
  options: CommonOptions & {
    logoutDevices?: boolean;
    erase?: boolean;
    yes?: boolean;
    username?: string;
    registrationToken?: string;
    inhibitLogin?: boolean;
    deviceName?: string;
  };
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 50) throw new InvalidArgumentError('must be a whole number of milliseconds, at least 50');
  return n;
}

function httpUrl(value: string): string {
  try {
    const u = new URL(value);
    if (u.protocol === 'http:' || u.protocol === 'https:') return value;
  } catch {
    // fall through to the error below
  }
  throw new InvalidArgumentError('must be an http(s) URL, e.g. https://matrix.example.org');
}

/** Adds the options every command shares. */
function withCommonOptions(cmd: Command, { needsAccount }: { needsAccount: boolean }): Command {
  cmd
    .addOption(new Option('--homeserver <url>', 'homeserver base URL (required unless --simulator)').env('MATRIX_UIA_HOMESERVER').argParser(httpUrl))
    .addOption(
      new Option('--simulator [preset]', 'run against an embedded simulated homeserver on 127.0.0.1 instead (demo data, nothing real): demo (UIA, default) or delegated (OAuth 2.0 / next-generation auth)').choices(SIMULATOR_PRESETS),
    )
    .option('--json', 'print the result (or the error) as JSON on stdout; messages go to stderr')
    .option('--no-input', 'never ask anything: fail with exit code 2 when a value is missing')
    .option('--verbose', 'print each state change of the UIA chart')
    .option('--email <address>', 'validate this email address when the server offers an email stage')
    .option('--phone <number>', 'validate this phone number when the server offers an SMS stage')
    .option('--country <code>', 'two-letter country code of --phone', 'US')
    .option('--accept-terms', "accept the server's policies without asking (they are still printed)")
    .addOption(new Option('--poll-interval <ms>', 'how often to check an email link or browser page').argParser(positiveInt).default(2000));
  if (needsAccount) {
    cmd
      .option('--user <id>', 'your Matrix user id (@alice:example.org) or localpart')
      .addOption(new Option('--access-token <token>', 'access token of your session').env('MATRIX_UIA_ACCESS_TOKEN'))
      .option('--password-login', 'log in with --user and your password first (instead of --access-token)')
      .option('--password-stdin', 'read your current password from stdin (e.g. from a password manager), not from a prompt');
  }
  return cmd;
}

/**
 * Builds the program. `onCommand` receives each parsed command line; the action's promise is
 * awaited by `parseAsync`.
 */
export function buildProgram(onCommand: (req: CliRequest) => Promise<void>): Command {
  const program = new Command('matrix-uia')
    .description('Account operations that need Matrix User-Interactive Authentication, from a terminal.')
    .version(version, '-V, --version', 'print the version and exit')
    .showHelpAfterError('(run with --help for usage)')
    // Before the commands are added, so they inherit it: parse errors throw instead of exiting.
    .exitOverride()
    .addHelpText(
      'after',
      `
Passwords are never taken as arguments (other users can read the process list); prefer the
environment to --access-token for the same reason:
  MATRIX_UIA_PASSWORD       your current password (password stage, --password-login);
                            or pipe it: pass | matrix-uia … --password-stdin
  MATRIX_UIA_NEW_PASSWORD   the new password (change-password, register)
  MATRIX_UIA_ACCESS_TOKEN   same as --access-token
Commands need --homeserver URL; --simulator runs them against an embedded demo homeserver.
Exit codes: 0 ok, 2 usage, 3 no auth flow, 4 refused by the server, 5 network, 6 rate limited,
7 cancelled, 8 protocol error, 9 timed out, 10 authentication refused, 11 done on the server's
account page (OAuth 2.0 server: the URL is printed), 130 interrupted (Ctrl-C), 1 internal error.`,
    );

  const action =
    (command: CliCommandName) =>
    async (...args: unknown[]) => {
      const cmd = args[args.length - 1] as Command;
      const positional = args.slice(0, -2).flat().filter((a): a is string => typeof a === 'string');
      await onCommand({ command, deviceIds: positional, options: cmd.opts() as CliRequest['options'] });
    };

  withCommonOptions(program.command('change-password').description('change your password (or reset a forgotten one with --email and no login)'), { needsAccount: true })
    .option('--logout-devices', 'log out every other device')
    .action(action('change-password'));

  withCommonOptions(program.command('delete-device').description('delete (log out) one of your devices').argument('<device-id>'), { needsAccount: true }).action(
    action('delete-device'),
  );

  withCommonOptions(program.command('delete-devices').description('delete several devices at once').argument('<device-id...>'), { needsAccount: true }).action(
    action('delete-devices'),
  );

  withCommonOptions(program.command('deactivate').description('deactivate your account (irreversible)'), { needsAccount: true })
    .option('--erase', 'also ask the server to erase your messages')
    .option('--yes', 'do not ask for confirmation')
    .action(action('deactivate'));

  withCommonOptions(program.command('register').description('create an account'), { needsAccount: false })
    .option('--username <name>', 'the localpart you want (the server picks one without it)')
    .addOption(new Option('--registration-token <token>', 'registration token, if the server requires one').env('MATRIX_UIA_REGISTRATION_TOKEN'))
    .option('--inhibit-login', 'create the account without logging in')
    .option('--device-name <name>', 'display name of the new session', 'matrix-uia')
    .option('--show-token', "print the new session's access token")
    .action(action('register'));

  withCommonOptions(program.command('reset-cross-signing').description('replace your cross-signing keys with new ones'), { needsAccount: true })
    .option('--yes', 'do not ask for confirmation')
    .action(action('reset-cross-signing'));

  return program;
}
