/**
 * Runs one parsed command: picks the homeserver (`--homeserver`, or the embedded simulator with
 * `--simulator`; never silently), gets an access
 * token, asks for what the command needs, runs the negotiation through `matrix-uia/fetch`, and
 * reports the result or the error with its exit code.
 */
import { confirm, input, password } from '@inquirer/prompts';
import { AuthType } from '../auth-type';
import { AccountManagementRequiredError } from '../errors/delegated-errors';
import { AbortedError } from '../errors/errors';
import {
  changePassword,
  changePasswordCall,
  createMatrixClient,
  deactivateAccount,
  deactivateAccountCall,
  delegatedError,
  deleteDevice,
  deleteDeviceCall,
  deleteDevices,
  deleteDevicesCall,
  discoverAuthMetadata,
  registerCall,
  loginWithPassword,
  register,
  uploadCrossSigningKeys,
  whoami,
  type MatrixClient,
  type AuthMetadata,
  type DelegatedHandling,
  type RegisterResponse,
  type UiaHelperOptions,
} from '../fetch';
import { V3 } from '../fetch/paths';
import type { UiaInputs } from '../types';
import { generateCrossSigningKeys } from './cross-signing-keys';
import type { EmbeddedHomeserver } from './embedded';
import { EXIT, exitCodeFor, InputNeededError, NoSuchDeviceError, UsageError, type ExitCode } from './exit-codes';
import type { CliRequest, SimulatorPreset } from './program';
import { errorJson, hintFor, humanMessage, normalizeError } from './report';
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
  /** Starts the embedded homeserver (`--simulator`). */
  startEmbedded: (preset: SimulatorPreset) => Promise<EmbeddedHomeserver>;
  /** Reads all of stdin (`--password-stdin`); rejects when stdin is a terminal. */
  readStdin: () => Promise<string>;
  /** Aborted on SIGINT. */
  signal: AbortSignal;
}

/** Runs a command; resolves with the exit code (never rejects). */
export async function runCommand(req: CliRequest, deps: RunCommandDeps): Promise<ExitCode> {
  const { term, env } = deps;
  const o = req.options;
  const cancel = new AbortController();
  // Ctrl-C, as a signal (outside a question) or as a key (during the email wait).
  let interrupted = false;
  const interrupt = () => {
    interrupted = true;
    cancel.abort();
  };
  deps.signal.addEventListener('abort', interrupt, { once: true });
  let embedded: EmbeddedHomeserver | null = null;
  let loggedIn: MatrixClient | null = null;
  let deactivated = false;
  let baseUrl = o.homeserver;
  try {
    if (o.homeserver && o.simulator) throw new UsageError('Give either --homeserver or --simulator, not both.');
    if (!baseUrl && !o.simulator) {
      throw new UsageError(
        `${req.command} needs a homeserver: pass --homeserver URL (or set MATRIX_UIA_HOMESERVER). To try it against an embedded demo homeserver instead, pass --simulator.`,
      );
    }
    const stdinPassword = o.passwordStdin ? await readPasswordFromStdin(deps) : undefined;
    if (!baseUrl) {
      embedded = await deps.startEmbedded(o.simulator === true || !o.simulator ? 'demo' : o.simulator);
      baseUrl = embedded.url;
      const kind = embedded.preset === 'delegated' ? 'embedded demo homeserver with delegated auth (OAuth 2.0)' : 'embedded demo homeserver';
      term.info(`Using the ${term.style.bold(kind)} (a simulator, --simulator) at ${embedded.url}: nothing real is changed.`);
      if (req.command === 'register' && !o.registrationToken && !o.email && embedded.preset === 'demo') {
        term.info(`Its registration token is ${term.style.bold(embedded.registrationToken)} (public demo data).`);
      }
    }
    let client = createMatrixClient({ baseUrl });
    let userId = o.user;
    let loginPassword: string | undefined;
    const currentPassword = stdinPassword ?? (env.MATRIX_UIA_PASSWORD || undefined);

    if (req.command !== 'register') {
      if (o.accessToken || (embedded && !o.passwordLogin && !(req.command === 'change-password' && o.email))) {
        if (!o.accessToken && embedded) {
          term.info(`Using the demo account ${term.style.bold(embedded.demo.userId)} (its password is ${term.style.bold(embedded.demo.passwordHint)}).`);
        }
        client = client.withAccessToken(o.accessToken ?? embedded!.demo.accessToken);
        // Whose token it is: checks it before anything is asked, and names the account in the
        // password question.
        const me = await whoami(client, { signal: cancel.signal });
        if (o.user && !sameUser(o.user, me.user_id)) throw new UsageError(`--user ${o.user} is not the owner of the access token (${me.user_id}).`);
        userId = me.user_id;
      } else if (o.passwordLogin) {
        if (!o.user) throw new InputNeededError('--password-login needs --user');
        loginPassword = currentPassword ?? (await askSecret(term, `Password for ${o.user}:`, `The password of ${o.user} (MATRIX_UIA_PASSWORD or --password-stdin)`, cancel.signal));
        const login = await loginWithPassword(client, { user: o.user, password: loginPassword, initialDeviceDisplayName: 'matrix-uia' }, { signal: cancel.signal });
        client = client.withAccessToken(login.access_token);
        loggedIn = client;
        userId = login.user_id;
        term.success(`Logged in as ${login.user_id} (temporary device ${login.device_id}, logged out at the end).`);
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

    const presetPassword = currentPassword ?? loginPassword;
    const handlers = terminalStageHandlers({
      term,
      presets: { ...(presetPassword ? { password: presetPassword } : {}), ...(o.acceptTerms ? { acceptTerms: true } : {}) },
      ...(embedded ? { simulator: embedded.shortcuts } : {}),
      ...(userId ? { userLabel: userId } : {}),
      onInterrupt: interrupt,
    });
    // A server that delegates auth does some operations on its account page: find out before
    // anything is asked (a new password, a confirmation), as the helpers would before sending.
    let authMetadata: AuthMetadata | null | undefined;
    const failIfDelegated = async (handling: DelegatedHandling | undefined) => {
      authMetadata = await discoverAuthMetadata(client, { signal: cancel.signal });
      if (authMetadata && handling) throw delegatedError(authMetadata, handling);
    };
    const uia = <T>(): UiaHelperOptions<T> => ({
      handlers,
      ...(authMetadata !== undefined ? { authMetadata } : {}),
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
        await failIfDelegated(changePasswordCall({ newPassword: '' }).delegated);
        const newPassword = await askNewPassword(term, env, cancel.signal);
        result = await changePassword(client, { newPassword, ...(o.logoutDevices ? { logoutDevices: true } : { logoutDevices: false }) }, uia());
        summary = client.accessToken ? 'Password changed.' : 'Password reset. You can log in with the new password.';
        break;
      }
      case 'delete-device':
        await checkDevicesExist(client, req.deviceIds, userId, cancel.signal);
        await failIfDelegated(deleteDeviceCall(req.deviceIds[0]!).delegated);
        result = await deleteDevice(client, req.deviceIds[0]!, uia());
        summary = `Device ${req.deviceIds[0]} deleted.`;
        break;
      case 'delete-devices':
        await checkDevicesExist(client, req.deviceIds, userId, cancel.signal);
        await failIfDelegated(deleteDevicesCall(req.deviceIds).delegated);
        result = await deleteDevices(client, req.deviceIds, uia());
        summary = `${req.deviceIds.length} device(s) deleted: ${req.deviceIds.join(', ')}.`;
        break;
      case 'deactivate': {
        const who = userId ?? (await whoami(client, { signal: cancel.signal })).user_id;
        userId = who;
        await failIfDelegated(deactivateAccountCall({}).delegated);
        await confirmOrFail(term, o.yes, `Deactivate ${who}? This cannot be undone.`, cancel.signal);
        result = await deactivateAccount(client, o.erase ? { erase: true } : {}, { ...uia(), userId: who });
        deactivated = true;
        summary = `Account ${who} deactivated.`;
        break;
      }
      case 'register': {
        await failIfDelegated(registerCall().delegated);
        const username = o.username ?? (term.interactive ? (await term.ask((ctx) => input({ message: 'Username (empty: let the server choose):' }, ctx), cancel.signal)).trim() || undefined : undefined);
        const newPassword = await askNewPassword(term, env, cancel.signal);
        const res: RegisterResponse = await register(
          client,
          { ...(username ? { username } : {}), password: newPassword, initialDeviceDisplayName: o.deviceName ?? 'matrix-uia', ...(o.inhibitLogin ? { inhibitLogin: true } : {}) },
          uia<RegisterResponse>(),
        );
        result = o.showToken ? res : withoutTokens(res);
        summary = `Registered ${res.user_id}${res.device_id ? ` (device ${res.device_id})` : ''}.${res.access_token && !o.showToken ? ' Use --show-token to print its access token.' : ''}`;
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
    await term.idle();
    if (o.json) deps.stdout.write(`${JSON.stringify({ ok: true, command: req.command, result })}\n`);
    term.success(summary);
    return EXIT.OK;
  } catch (raw) {
    const e = normalizeError(raw, { interrupted });
    const code = exitCodeFor(e);
    const ctx = { ...(baseUrl ? { homeserver: baseUrl } : {}), operation: OPERATIONS[req.command](req.deviceIds) };
    await term.idle();
    term.error(humanMessage(e, code, ctx), ...[hintFor(code)].filter((h): h is string => Boolean(h)));
    if (o.json) deps.stdout.write(`${JSON.stringify({ ok: false, command: req.command, exitCode: code, error: errorJson(e, ctx) })}\n`);
    // The embedded server's account page lives only as long as this process: keep it up until
    // the user has been there.
    if (embedded && e instanceof AccountManagementRequiredError && term.interactive) {
      await term
        .ask((c) => input({ message: 'The embedded homeserver keeps running so you can open that page. Press Enter to stop it:' }, c), deps.signal)
        .catch(() => undefined);
    }
    return code;
  } finally {
    deps.signal.removeEventListener('abort', interrupt);
    // The session we opened for this run is ours to close (unless the account is gone).
    if (loggedIn && !deactivated) await loggedIn.request('POST', `${V3}/logout`, {}).catch(() => undefined);
    await embedded?.close();
  }
}

/** What each command does, for messages ("… is done on the account page"). */
const OPERATIONS: Record<CliRequest['command'], (deviceIds: string[]) => string> = {
  'change-password': () => 'changing the password',
  'delete-device': (ids) => `signing out the device ${ids[0]}`,
  'delete-devices': (ids) => `signing out the devices ${ids.join(', ')}`,
  deactivate: () => 'deactivating the account',
  register: () => 'registration',
  'reset-cross-signing': () => 'resetting cross-signing',
};

/** `--user` (a full id or a localpart) names `userId`. */
function sameUser(user: string, userId: string): boolean {
  return user.startsWith('@') ? user === userId : userId.slice(1).split(':')[0] === user;
}

/** The password piped on stdin: everything up to the first line break (as `docker login --password-stdin`). */
async function readPasswordFromStdin(deps: RunCommandDeps): Promise<string> {
  const text = await deps.readStdin();
  const pw = text.split(/\r?\n/)[0] ?? '';
  if (!pw) throw new UsageError('--password-stdin: nothing was read from stdin (pipe the password in, e.g. `pass show matrix | matrix-uia … --password-stdin`).');
  return pw;
}

/**
 * Fails before any password is asked when a device id is not one of the account's devices:
 * servers answer 200 `{}` to deleting an unknown device (Synapse 1.67 does), which would read
 * as success.
 */
async function checkDevicesExist(client: MatrixClient, deviceIds: readonly string[], userId: string | undefined, signal: AbortSignal): Promise<void> {
  const { devices } = await client.request<{ devices?: { device_id?: unknown }[] }>('GET', `${V3}/devices`, undefined, { signal });
  const known = new Set((devices ?? []).map((d) => d.device_id));
  const missing = deviceIds.filter((id) => !known.has(id));
  if (missing.length > 0) throw new NoSuchDeviceError(missing, userId);
}

/** Asks a hidden value, or fails when there is no terminal. */
async function askSecret(term: Terminal, message: string, what: string, signal: AbortSignal): Promise<string> {
  if (!term.interactive) throw new InputNeededError(`${what} is needed but there is no terminal to ask`);
  return term.ask((ctx) => password({ message, mask: '*', validate: (v) => v.length > 0 || 'Type something' }, ctx), signal);
}

/** The new password: MATRIX_UIA_NEW_PASSWORD, or typed twice. */
async function askNewPassword(term: Terminal, env: NodeJS.ProcessEnv, signal: AbortSignal): Promise<string> {
  if (env.MATRIX_UIA_NEW_PASSWORD) return env.MATRIX_UIA_NEW_PASSWORD;
  for (;;) {
    const first = await askSecret(term, 'New password:', 'The new password (MATRIX_UIA_NEW_PASSWORD)', signal);
    const again = await term.ask((ctx) => password({ message: 'New password again:', mask: '*' }, ctx), signal);
    if (first === again) return first;
    term.error('The passwords do not match. Try again.');
  }
}

async function confirmOrFail(term: Terminal, yes: boolean | undefined, message: string, signal: AbortSignal): Promise<void> {
  if (yes) return;
  if (!term.interactive) throw new InputNeededError('Confirmation is needed: pass --yes');
  if (!(await term.ask((ctx) => confirm({ message, default: false }, ctx), signal))) {
    throw new AbortedError('Not confirmed, nothing was changed');
  }
}

function withoutTokens(res: RegisterResponse): Omit<RegisterResponse, 'access_token' | 'refresh_token'> {
  const { access_token, refresh_token, ...rest } = res;
  void access_token;
  void refresh_token;
  return rest;
}

