/**
 * What `npm run homeserver` does, apart from the process wiring in src/testing/cli.ts: read the
 * arguments, build the chosen preset (src/testing/homeserver-presets.ts), listen on 127.0.0.1,
 * print how to use the server (accounts, tokens, flows per endpoint, the outbox), and log each
 * request with its secrets redacted. Kept apart so tests run it in-process for every preset.
 */
import type { EndpointId, ResolvedConfig, UserSeed } from './config';
import { ACCOUNT_MANAGEMENT_PATH } from './delegated';
import { createHomeserver, type Homeserver } from './homeserver';
import { findPreset, HOMESERVER_PRESETS, type HomeserverPreset } from './homeserver-presets';

/** The parsed command line. */
export interface HomeserverCliOptions {
  /** Port on 127.0.0.1; 0 picks a free one. */
  port: number;
  /** The preset's name. */
  preset: string;
  /** No request log. */
  quiet: boolean;
  /** Every answer waits this long first, in ms (to see loading states). */
  delayMs: number;
}

/** The default port, the one Synapse listens on. */
export const DEFAULT_PORT = 8008;

/** What `parseHomeserverArgs` returns. */
export type ParsedHomeserverArgs = HomeserverCliOptions | { help: true } | { error: string };

/** The `--help` text, presets included. */
export function homeserverUsage(): string {
  const width = Math.max(...HOMESERVER_PRESETS.map((p) => p.name.length));
  const presets = HOMESERVER_PRESETS.map((p, i) => `  ${p.name.padEnd(width)}  ${p.summary}${i === 0 ? ' (the default)' : ''}\n  ${' '.repeat(width)}  ${p.guide ? `guides: ${p.guide}` : ''}`.trimEnd());
  return [
    'Usage: npm run homeserver -- [--preset NAME] [--port N] [--delay MS] [--quiet]',
    '',
    'Starts the Matrix homeserver simulator (matrix-uia/testing) on 127.0.0.1 with the demo',
    'accounts, prints how to sign in and which UIA flows each endpoint offers, and logs each',
    'request (secrets redacted). Ctrl-C stops it.',
    '',
    'Options:',
    `  --preset NAME  the server setup (default "${HOMESERVER_PRESETS[0]!.name}"; see below)`,
    `  --port N       listen on 127.0.0.1:N (default ${DEFAULT_PORT}; 0 picks a free port)`,
    '  --delay MS     every answer waits MS milliseconds first (to see loading states)',
    '  --quiet, -q    do not log requests',
    '  --help, -h     this text',
    '',
    'Presets (each has the demo accounts; the guides are in docs/guides/):',
    ...presets,
    '',
  ].join('\n');
}

function takeValue(argv: readonly string[], i: number, name: string): { value: string | undefined; next: number } {
  const arg = argv[i]!;
  if (arg.startsWith(`${name}=`)) return { value: arg.slice(name.length + 1), next: i };
  const value = argv[i + 1];
  return { value: value === undefined || value.startsWith('--') ? undefined : value, next: value === undefined || value.startsWith('--') ? i : i + 1 };
}

/** Parses `--preset NAME`, `--port N`, `--delay MS` (also as `--name=value`), `--quiet`, `--help`. */
export function parseHomeserverArgs(argv: readonly string[]): ParsedHomeserverArgs {
  const out: HomeserverCliOptions = { port: DEFAULT_PORT, preset: HOMESERVER_PRESETS[0]!.name, quiet: false, delayMs: 0 };
  let presetGiven = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--help' || arg === '-h') return { help: true };
    if (arg === '--quiet' || arg === '-q') {
      out.quiet = true;
      continue;
    }
    const name = ['--port', '--preset', '--delay'].find((n) => arg === n || arg.startsWith(`${n}=`));
    if (!name) return { error: `Unknown argument: ${arg}` };
    const { value, next } = takeValue(argv, i, name);
    i = next;
    if (value === undefined || value === '') return { error: `${name} needs a value` };
    if (name === '--port') {
      const port = Number(value);
      if (!/^\d+$/.test(value) || port > 65535) return { error: `Invalid port: ${value} (0 to 65535; 0 picks a free port)` };
      out.port = port;
    } else if (name === '--delay') {
      const ms = Number(value);
      if (!/^\d+$/.test(value) || ms > 600_000) return { error: `Invalid delay: ${value} (milliseconds, 0 to 600000)` };
      out.delayMs = ms;
    } else {
      if (presetGiven) return { error: `--preset given twice (${out.preset}, ${value}): presets do not combine, pick one` };
      if (!findPreset(value)) return { error: `Unknown preset: ${value} (known: ${HOMESERVER_PRESETS.map((p) => p.name).join(', ')})` };
      presetGiven = true;
      out.preset = value;
    }
  }
  return out;
}

/** How each UIA endpoint is called, for the flows table. */
const ENDPOINT_LABELS: Record<EndpointId, string> = {
  register: 'POST /register',
  passwordChange: 'POST /account/password (signed in)',
  passwordReset: 'POST /account/password (forgotten)',
  deactivate: 'POST /account/deactivate',
  deleteDevice: 'DELETE /devices/{deviceId}',
  deleteDevices: 'POST /delete_devices',
  crossSigningUpload: 'POST /keys/device_signing/upload',
  addThreepid: 'POST /account/3pid/add',
};

function flowsText(flows: string[][]): string {
  if (flows.length === 0) return 'no UIA';
  return flows.map((f) => f.join(' → ')).join('  or  ');
}

function accountLines(users: readonly UserSeed[]): string[] {
  const lines: string[] = [];
  for (const u of users) {
    const devices = (u.devices ?? []).map((d) => (typeof d === 'string' ? { deviceId: d } : d));
    const withToken = devices.find((d) => 'accessToken' in d && d.accessToken);
    const others = devices.filter((d) => d !== withToken).map((d) => d.deviceId);
    lines.push(`  ${u.userId}  password: ${u.password}${u.admin ? '  (admin)' : ''}`);
    if (withToken && 'accessToken' in withToken) lines.push(`      access token: ${withToken.accessToken}  (device ${withToken.deviceId})`);
    if (others.length > 0) lines.push(`      other devices: ${others.join(', ')}`);
    const threepids = [...(u.emails ?? []), ...(u.msisdns ?? []).map((m) => `+${m}`)];
    if (threepids.length > 0) lines.push(`      bound: ${threepids.join(', ')}`);
  }
  return lines;
}

/** The text printed once the server listens. */
export function homeserverBanner(preset: HomeserverPreset, url: string, server: Homeserver, users: readonly UserSeed[]): string {
  const config: ResolvedConfig = server.config;
  const labelWidth = Math.max(...Object.values(ENDPOINT_LABELS).map((l) => l.length));
  const tokens = server.registrationTokens.list().map((t) => `${t.token}${t.uses_allowed === null ? '' : ` (${t.uses_allowed} uses)`}`);
  const quirks = Object.entries(config.synapseQuirks).filter(([, on]) => on).map(([k]) => k);
  const main = users.find((u) => (u.devices ?? []).some((d) => typeof d !== 'string' && d.accessToken));
  const mainToken = main?.devices?.map((d) => (typeof d === 'string' ? undefined : d.accessToken)).find(Boolean);
  return [
    `Matrix homeserver simulator listening on ${url}`,
    `  preset "${preset.name}": ${preset.summary}`,
    ...(quirks.length > 0 ? [`  Synapse quirks on: ${quirks.join(', ')}`] : []),
    '',
    'Accounts:',
    ...accountLines(users),
    `Registration token${tokens.length === 1 ? '' : 's'}: ${tokens.length > 0 ? tokens.join(', ') : 'none'}`,
    '',
    ...(config.delegatedAuth
      ? [
          'Auth is delegated to an OAuth 2.0 server (as Synapse with MAS):',
          `  auth metadata:       ${url}/_matrix/client/v1/auth_metadata`,
          `  account pages:       ${url}${ACCOUNT_MANAGEMENT_PATH} (sign out devices, deactivate, allow a cross-signing reset)`,
          '  POST /register: 403; password change, deactivation, deleting devices: 404 M_UNRECOGNIZED (use the account pages)',
          '  replacing cross-signing keys: m.oauth (org.matrix.cross_signing_reset), approved on the account page',
        ]
      : ['UIA flows:', ...(Object.keys(ENDPOINT_LABELS) as EndpointId[]).map((id) => `  ${ENDPOINT_LABELS[id].padEnd(labelWidth)}  ${flowsText(config.endpoints[id].flows)}`)]),
    '',
    `Outbox (emails and SMS): ${url}/_simulator/outbox`,
    ...(main && mainToken
      ? [`Try: MATRIX_UIA_ACCESS_TOKEN=${mainToken} npm run cli -- change-password --homeserver ${url} --user ${main.userId}`, `     npm run cli -- register --homeserver ${url}`]
      : []),
    'Press Ctrl-C to stop.',
    '',
  ].join('\n');
}

/** Where the command writes. */
export interface HomeserverCliIo {
  /** Normal output (banner, request log). */
  out(text: string): void;
  /** Errors. */
  err(text: string): void;
}

/** A started `npm run homeserver`. */
export interface RunningHomeserverCli {
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** The simulator (tests play the user with it). */
  server: Homeserver;
  /** The preset it runs. */
  preset: HomeserverPreset;
  /** Stops listening. */
  close(): Promise<void>;
}

/** Why a listen failed, in words, with what to do instead. */
export function listenFailure(err: unknown, port: number): string {
  const code = (err as { code?: unknown } | null)?.code;
  if (code === 'EADDRINUSE') {
    return `Port ${port} on 127.0.0.1 is already in use (another simulator or homeserver is listening there).\nStart with --port 0 to pick a free port, or choose another with --port N.`;
  }
  if (code === 'EACCES') return `Not allowed to listen on port ${port} of 127.0.0.1 (ports below 1024 need privileges).\nStart with --port 0 to pick a free port.`;
  return `Could not listen on 127.0.0.1:${port}: ${err instanceof Error ? err.message : String(err)}`;
}

/**
 * Runs the command: on success the server listens and the banner is printed; otherwise the
 * exit code (0 after `--help`, 2 for bad arguments, 1 when the port cannot be listened on).
 */
export async function runHomeserverCli(argv: readonly string[], io: HomeserverCliIo): Promise<RunningHomeserverCli | { exitCode: number }> {
  const opts = parseHomeserverArgs(argv);
  if ('help' in opts) {
    io.out(homeserverUsage());
    return { exitCode: 0 };
  }
  if ('error' in opts) {
    io.err(`${opts.error}\n\n${homeserverUsage()}`);
    return { exitCode: 2 };
  }
  const preset = findPreset(opts.preset)!;
  const config = preset.config();
  if (opts.delayMs > 0) config.responseDelayMs = opts.delayMs;
  const server = createHomeserver(config);
  let listening;
  try {
    listening = await server.listen(opts.port);
  } catch (e) {
    io.err(`${listenFailure(e, opts.port)}\n`);
    return { exitCode: 1 };
  }
  if (!opts.quiet) server.onRequest((e) => io.out(`${e.method} ${e.path} → ${e.status}\n`));
  io.out(homeserverBanner(preset, listening.url, server, config.users ?? []));
  return { url: listening.url, server, preset, close: () => listening.close() };
}
