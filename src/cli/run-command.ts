/**
 * Runs one parsed command: picks the homeserver (or starts the embedded one), gets an access
 * token, asks for what the command needs, runs the negotiation through `matrix-uia/fetch`, and
 * reports the result or the error with its exit code.
 */
import { confirm, input, password } from '@inquirer/prompts';
import { AuthType } from '../auth-type';
import { AbortedError } from '../errors';
import {
  changePassword,
  createMatrixClient,
  deactivateAccount,
  deleteDevice,
  deleteDevices,
  loginWithPassword,
  register,
  uploadCrossSigningKeys,
  whoami,
  type MatrixClient,
  type RegisterResponse,
  type UiaHelperOptions,
} from '../fetch';
import { V3 } from '../fetch/paths';
import type { UiaInputs } from '../types';
import { generateCrossSigningKeys } from './cross-signing-keys';
import type { EmbeddedHomeserver } from './embedded';
import { EXIT, exitCodeFor, InputNeededError, type ExitCode } from './exit-codes';
import type { CliRequest } from './program';
import { terminalStageHandlers } from './stage-prompts';
import type { Terminal } from './terminal';
import { transitionLogger } from './transcript';

/** Stages the terminal completes itself; any other (recaptcha, SSO, custom) opens its fallback page. */
export const TERMINAL_STAGES: readonly string[] = [
  AuthType.Password,
  AuthType.Terms,
  AuthType.Dummy,
  AuthType.Email,
  AuthType.Msisdn,
  AuthType.RegistrationToken,
  AuthType.UnstableRegistrationToken,
];

/** What a command run needs from its surroundings. */
export interface RunCommandDeps {
  /** Human output and prompts (stderr in `--json` mode). */
  term: Terminal;
  /** Where `--json` results go. */
  stdout: NodeJS.WritableStream;
  env: NodeJS.ProcessEnv;
  /** Starts the embedded homeserver (when no `--homeserver` is given). */
  startEmbedded: () => Promise<EmbeddedHomeserver>;
  /** Aborted on SIGINT. */
  signal: AbortSignal;
}

/** Runs a command; resolves with the exit code (never rejects). */
export async function runCommand(req: CliRequest, deps: RunCommandDeps): Promise<ExitCode> {
  const { term, env } = deps;
  const o = req.options;
  const cancel = new AbortController();
  const onAbort = () => cancel.abort();
  deps.signal.addEventListener('abort', onAbort, { once: true });
  let embedded: EmbeddedHomeserver | null = null;
  let loggedIn: MatrixClient | null = null;
  let deactivated = false;
  try {
    let baseUrl = o.homeserver;
    if (!baseUrl) {
      embedded = await deps.startEmbedded();
      baseUrl = embedded.url;
      term.warn(`No --homeserver given: started the ${term.style.bold('embedded demo homeserver')} (a simulator) at ${embedded.url}`);
      if (req.command === 'register' && !o.registrationToken && !o.email) {
        term.info(`Its registration token is ${term.style.bold(embedded.registrationToken)} (public demo data).`);
      }
    }
    let client = createMatrixClient({ baseUrl });
    let userId = o.user;
    let loginPassword: string | undefined;

    if (req.command !== 'register') {
      if (o.accessToken) {
        client = client.withAccessToken(o.accessToken);
      } else if (o.passwordLogin) {
        if (!o.user) throw new InputNeededError('--password-login needs --user');
        loginPassword = env.MATRIX_UIA_PASSWORD || (await askSecret(term, `Password for ${o.user}:`, 'Your password (MATRIX_UIA_PASSWORD)', cancel.signal));
        const login = await loginWithPassword(client, { user: o.user, password: loginPassword, initialDeviceDisplayName: 'matrix-uia' }, { signal: cancel.signal });
        client = client.withAccessToken(login.access_token);
        loggedIn = client;
        userId = login.user_id;
        term.success(`Logged in as ${login.user_id} (temporary session ${login.device_id}).`);
      } else if (embedded && !(req.command === 'change-password' && o.email)) {
        client = client.withAccessToken(embedded.demo.accessToken);
        userId = embedded.demo.userId;
        term.info(`Using the demo account ${term.style.bold(embedded.demo.userId)} (its password is ${term.style.bold(embedded.demo.passwordHint)}).`);
      } else if (!(req.command === 'change-password' && o.email)) {
        throw new InputNeededError(`${req.command} needs --access-token (or MATRIX_UIA_ACCESS_TOKEN) or --password-login with --user`);
      }
    }

    const inputs: UiaInputs = {};
    if (o.email) inputs.emailAddress = o.email;
    if (o.phone) {
      inputs.phoneNumber = o.phone;
      inputs.phoneCountry = (o.country ?? 'US').toUpperCase();
    }
    if (o.registrationToken) inputs.registrationToken = o.registrationToken;

    const presetPassword = env.MATRIX_UIA_PASSWORD || loginPassword;
    const handlers = terminalStageHandlers({
      term,
      presets: { ...(presetPassword ? { password: presetPassword } : {}), ...(o.acceptTerms ? { acceptTerms: true } : {}) },
      ...(embedded ? { simulator: embedded.shortcuts } : {}),
      ...(userId ? { userLabel: userId } : {}),
      onInterrupt: () => cancel.abort(),
    });
    const uia = <T>(): UiaHelperOptions<T> => ({
      handlers,
      inputs,
      supportedStages: [...TERMINAL_STAGES],
      polling: { intervalMs: o.pollInterval ?? 2000 },
      signal: cancel.signal,
      ...(userId ? { userId } : {}),
      ...(o.verbose ? { onSnapshot: transitionLogger(term) } : {}),
    });

    let result: unknown;
    let summary: string;
    switch (req.command) {
      case 'change-password': {
        const newPassword = await askNewPassword(term, env, cancel.signal);
        result = await changePassword(client, { newPassword, ...(o.logoutDevices ? { logoutDevices: true } : { logoutDevices: false }) }, uia());
        summary = client.accessToken ? 'Password changed.' : 'Password reset. You can log in with the new password.';
        break;
      }
      case 'delete-device':
        result = await deleteDevice(client, req.deviceIds[0]!, uia());
        summary = `Device ${req.deviceIds[0]} deleted.`;
        break;
      case 'delete-devices':
        result = await deleteDevices(client, req.deviceIds, uia());
        summary = `${req.deviceIds.length} device(s) deleted: ${req.deviceIds.join(', ')}.`;
        break;
      case 'deactivate': {
        const who = userId ?? (await whoami(client, { signal: cancel.signal })).user_id;
        userId = who;
        await confirmOrFail(term, o.yes, `Deactivate ${who}? This cannot be undone.`, cancel.signal);
        result = await deactivateAccount(client, o.erase ? { erase: true } : {}, { ...uia(), userId: who });
        deactivated = true;
        summary = `Account ${who} deactivated.`;
        break;
      }
      case 'register': {
        const username = o.username ?? (term.interactive ? (await input({ message: 'Username (empty: let the server choose):' }, term.promptContext(cancel.signal))).trim() || undefined : undefined);
        const newPassword = await askNewPassword(term, env, cancel.signal);
        const res: RegisterResponse = await register(
          client,
          { ...(username ? { username } : {}), password: newPassword, initialDeviceDisplayName: o.deviceName ?? 'matrix-uia', ...(o.inhibitLogin ? { inhibitLogin: true } : {}) },
          uia<RegisterResponse>(),
        );
        result = o.showToken ? res : withoutTokens(res);
        summary = `Registered ${res.user_id}${res.device_id ? ` (session ${res.device_id})` : ''}.${res.access_token && !o.showToken ? ' Use --show-token to print its access token.' : ''}`;
        if (o.showToken && res.access_token && !o.json) summary += `\n  access token: ${res.access_token}`;
        break;
      }
      case 'reset-cross-signing': {
        const who = userId && userId.startsWith('@') ? userId : (await whoami(client, { signal: cancel.signal })).user_id;
        await confirmOrFail(term, o.yes, `Replace the cross-signing keys of ${who}? Other sessions will need to be verified again.`, cancel.signal);
        const { keys, masterPublicKey } = generateCrossSigningKeys(who);
        await uploadCrossSigningKeys(client, keys, { ...uia(), userId: who });
        result = { master_key: masterPublicKey };
        summary = `Cross-signing keys replaced (new master key ${masterPublicKey}). The private keys were not kept: set up cross-signing again from your Matrix client.`;
        break;
      }
    }
    if (o.json) deps.stdout.write(`${JSON.stringify({ ok: true, command: req.command, result })}\n`);
    term.success(summary);
    return EXIT.OK;
  } catch (e) {
    const code = exitCodeFor(e);
    reportError(term, e, code);
    if (o.json) deps.stdout.write(`${JSON.stringify({ ok: false, command: req.command, exitCode: code, error: errorJson(e) })}\n`);
    return code;
  } finally {
    deps.signal.removeEventListener('abort', onAbort);
    // The session we opened for this run is ours to close (unless the account is gone).
    if (loggedIn && !deactivated) await loggedIn.request('POST', `${V3}/logout`, {}).catch(() => undefined);
    await embedded?.close();
  }
}

/** Asks a hidden value, or fails when there is no terminal. */
async function askSecret(term: Terminal, message: string, what: string, signal: AbortSignal): Promise<string> {
  if (!term.interactive) throw new InputNeededError(`${what} is needed but there is no terminal to ask`);
  return password({ message, mask: '*', validate: (v) => v.length > 0 || 'Type something' }, term.promptContext(signal));
}

/** The new password: MATRIX_UIA_NEW_PASSWORD, or typed twice. */
async function askNewPassword(term: Terminal, env: NodeJS.ProcessEnv, signal: AbortSignal): Promise<string> {
  if (env.MATRIX_UIA_NEW_PASSWORD) return env.MATRIX_UIA_NEW_PASSWORD;
  for (;;) {
    const first = await askSecret(term, 'New password:', 'The new password (MATRIX_UIA_NEW_PASSWORD)', signal);
    const again = await password({ message: 'New password again:', mask: '*' }, term.promptContext(signal));
    if (first === again) return first;
    term.error('The passwords do not match. Try again.');
  }
}

async function confirmOrFail(term: Terminal, yes: boolean | undefined, message: string, signal: AbortSignal): Promise<void> {
  if (yes) return;
  if (!term.interactive) throw new InputNeededError('Confirmation is needed: pass --yes');
  if (!(await confirm({ message, default: false }, term.promptContext(signal)))) {
    throw new AbortedError('Cancelled: not confirmed');
  }
}

function withoutTokens(res: RegisterResponse): Omit<RegisterResponse, 'access_token' | 'refresh_token'> {
  const { access_token, refresh_token, ...rest } = res;
  void access_token;
  void refresh_token;
  return rest;
}

/** A human explanation of an error, with a hint per kind. */
function reportError(term: Terminal, e: unknown, code: ExitCode): void {
  const message = e instanceof Error ? e.message : String(e);
  const hint: Partial<Record<ExitCode, string>> = {
    [EXIT.NO_AUTH_FLOW]: 'The server offers no way to authenticate that this client can complete with the options given (try --email or --phone).',
    [EXIT.NETWORK]: 'Is the homeserver URL right and the server reachable?',
    [EXIT.RATE_LIMITED]: 'The server is rate-limiting requests: wait a little and try again.',
    [EXIT.TIMEOUT]: 'Nothing happened on the page or link in time.',
    [EXIT.USAGE]: 'See matrix-uia --help and docs/cli.md.',
    [EXIT.INTERNAL]: 'This is a bug in matrix-uia: please report it.',
  };
  term.error(code === EXIT.CANCELLED ? `Cancelled. ${message === 'User-interactive authentication was cancelled' ? '' : message}`.trim() : message);
  if (hint[code]) term.line(term.style.dim(`  ${hint[code]}`));
}

/** The error as JSON for `--json` (built from typed fields only: never a credential). */
function errorJson(e: unknown): Record<string, unknown> {
  if (!(e instanceof Error)) return { name: 'Error', message: String(e) };
  const out: Record<string, unknown> = { name: e.name, message: e.message };
  const fields = e as unknown as Record<string, unknown>;
  for (const k of ['code', 'errcode', 'httpStatus', 'retryAfterMs', 'required_stages'] as const) {
    if (fields[k] !== undefined) out[k] = fields[k];
  }
  return out;
}
