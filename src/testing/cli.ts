/**
 * `npm run homeserver` (`tsx src/testing/cli.ts [--port N] [--quiet]`): starts the simulator
 * alone with the demo account, prints where it listens and how to sign in, logs each request
 * (secrets redacted), and stops on Ctrl-C (SIGINT) or SIGTERM.
 */
import { createHomeserver } from './homeserver';
import { DEMO_ACCOUNT, demoConfig } from './demo';

interface CliOptions {
  port: number;
  quiet: boolean;
}

function usage(): string {
  return 'Usage: homeserver [--port N] [--quiet]\n  --port N   listen on 127.0.0.1:N (default 8008; 0 picks a free port)\n  --quiet    do not log requests\n';
}

/** Parses `--port N`, `--port=N`, `--quiet`, `--help`. */
export function parseArgs(argv: readonly string[]): CliOptions | { help: true } | { error: string } {
  const out: CliOptions = { port: 8008, quiet: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--help' || arg === '-h') return { help: true };
    if (arg === '--quiet' || arg === '-q') out.quiet = true;
    else if (arg === '--port' || arg.startsWith('--port=')) {
      const value = arg.includes('=') ? arg.slice('--port='.length) : argv[++i];
      const port = Number(value);
      if (!Number.isInteger(port) || port < 0 || port > 65535) return { error: `Invalid port: ${value ?? '(missing)'}` };
      out.port = port;
    } else return { error: `Unknown argument: ${arg}` };
  }
  return out;
}

async function main(): Promise<void> {
  const opts = parseArgs(process.argv.slice(2));
  if ('help' in opts) {
    process.stdout.write(usage());
    return;
  }
  if ('error' in opts) {
    process.stderr.write(`${opts.error}\n${usage()}`);
    process.exitCode = 2;
    return;
  }
  const hs = createHomeserver(demoConfig());
  const { url, close } = await hs.listen(opts.port);
  if (!opts.quiet) hs.onRequest((e) => process.stdout.write(`${e.method} ${e.path} → ${e.status}\n`));
  process.stdout.write(
    [
      `Matrix homeserver simulator listening on ${url}`,
      `  demo account:       ${DEMO_ACCOUNT.userId}  password: ${DEMO_ACCOUNT.password}`,
      `  access token:       ${DEMO_ACCOUNT.accessToken}  (device ${DEMO_ACCOUNT.deviceId})`,
      `  registration token: ${DEMO_ACCOUNT.registrationToken}`,
      `  outbox (emails/SMS): ${url}/_simulator/outbox`,
      'Press Ctrl-C to stop.',
      '',
    ].join('\n'),
  );
  const stop = () => {
    void close().then(() => {
      process.stdout.write('Simulator stopped.\n');
      process.exit(0);
    });
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

void main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
