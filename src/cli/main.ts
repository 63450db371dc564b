/**
 * `matrix-uia`: the terminal client's entry point (the package's `bin`).
 *
 * Parses the command line, runs the command, and exits with its code (see docs/cli.md). Ctrl-C
 * outside a question cancels the negotiation cleanly (exit 130) instead of killing the process
 * mid-request; a second Ctrl-C exits at once. A closed pipe (`matrix-uia --help | head -1`) ends
 * the process quietly, as other command-line tools do, instead of with an EPIPE stack trace.
 *
 * No `#!` line here: the build (scripts/build.mjs) adds it to dist/cli.cjs as a banner, and a
 * second one would be a syntax error.
 */
import { CommanderError } from 'commander';
import { startEmbeddedHomeserver } from './embedded';
import { EXIT, UsageError } from './exit-codes';
import { buildProgram } from './program';
import { runCommand } from './run-command';
import { createTerminal } from './terminal';

/** Ends the process quietly when the reader of stdout/stderr has gone away (EPIPE). */
function exitOnClosedPipe(stream: NodeJS.WriteStream): void {
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(typeof process.exitCode === 'number' ? process.exitCode : EXIT.OK);
    throw e;
  });
}

/** All of stdin, for `--password-stdin`. */
async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) throw new UsageError('--password-stdin reads the password from a pipe, but stdin is a terminal (e.g. `pass show matrix | matrix-uia … --password-stdin`).');
  let text = '';
  for await (const chunk of process.stdin) text += typeof chunk === 'string' ? chunk : (chunk as Buffer).toString('utf8');
  return text;
}

async function main(argv: string[]): Promise<number> {
  let exitCode: number = EXIT.OK;
  const interrupt = new AbortController();
  const onSigint = () => {
    if (interrupt.signal.aborted) process.exit(EXIT.INTERRUPTED);
    interrupt.abort();
  };
  process.on('SIGINT', onSigint);
  const program = buildProgram(async (req) => {
    // --password-stdin: stdin is the password, never the user's keyboard.
    const term = createTerminal({ output: req.options.json ? process.stderr : process.stdout, noInput: !req.options.input || Boolean(req.options.passwordStdin) });
    exitCode = await runCommand(req, {
      term,
      stdout: process.stdout,
      env: process.env,
      startEmbedded: startEmbeddedHomeserver,
      readStdin,
      signal: interrupt.signal,
    });
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

exitOnClosedPipe(process.stdout);
exitOnClosedPipe(process.stderr);
main(process.argv).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`matrix-uia: internal error: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = EXIT.INTERNAL;
  },
);
