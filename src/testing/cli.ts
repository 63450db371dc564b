/**
 * `npm run homeserver` (`tsx src/testing/cli.ts [--preset NAME] [--port N] [--delay MS] [--quiet]`):
 * starts the simulator alone with the demo accounts and the chosen preset, prints where it
 * listens, how to sign in and which flows each endpoint offers, logs each request (secrets
 * redacted), and stops on Ctrl-C (SIGINT) or SIGTERM. `--help` lists the presets; the work is
 * done by src/testing/homeserver-cli.ts.
 */
import { runHomeserverCli } from './homeserver-cli';

// `npm run homeserver -- --help | head -1`: a closed pipe ends the program quietly.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(0);
  throw e;
});

async function main(): Promise<void> {
  const result = await runHomeserverCli(process.argv.slice(2), {
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
  });
  if ('exitCode' in result) {
    process.exitCode = result.exitCode;
    return;
  }
  const stop = () => {
    void result.close().then(() => {
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
