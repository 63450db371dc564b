/**
 * `matrix-uia`: the terminal client's entry point (the package's `bin`).
 *
 * Parses the command line, runs the command, and exits with its code (see docs/cli.md). Ctrl-C
 * outside a question cancels the negotiation cleanly (exit 7) instead of killing the process
 * mid-request.
 *
 * No `#!` line here: the build (scripts/build.mjs) adds it to dist/cli.cjs as a banner, and a
 * second one would be a syntax error.
 */
import { CommanderError } from 'commander';
import { startEmbeddedHomeserver } from './embedded';
import { EXIT } from './exit-codes';
import { buildProgram } from './program';
import { runCommand } from './run-command';
import { createTerminal } from './terminal';

async function main(argv: string[]): Promise<number> {
  let exitCode: number = EXIT.OK;
  const interrupt = new AbortController();
  const onSigint = () => interrupt.abort();
  process.on('SIGINT', onSigint);
  const program = buildProgram(async (req) => {
    const term = createTerminal({ output: req.options.json ? process.stderr : process.stdout, noInput: !req.options.input });
    exitCode = await runCommand(req, { term, stdout: process.stdout, env: process.env, startEmbedded: startEmbeddedHomeserver, signal: interrupt.signal });
  });
  try {
    await program.parseAsync(argv);
  } catch (e) {
    if (e instanceof CommanderError) {
      // --help and --version end "with an error" of code 0 in commander's terms.
      return e.exitCode === 0 ? EXIT.OK : EXIT.USAGE;
    }
    throw e;
  } finally {
    process.off('SIGINT', onSigint);
  }
  return exitCode;
}

main(process.argv).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`matrix-uia: internal error: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = EXIT.INTERNAL;
  },
);
