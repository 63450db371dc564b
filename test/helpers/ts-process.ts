/**
 * Running a TypeScript entry point (the CLI, the simulator's CLI) as a child process of its own.
 *
 * `node --import tsx <script>` rather than the `tsx` command: the command is a parent process that
 * relays signals to a second Node process running the script, and it gives that process 30 ms to
 * report a SIGINT back before it SIGKILLs it and exits 130 itself. On a loaded machine the report
 * is late, so a test sending Ctrl-C saw exit 130 and none of the program's own output (its
 * `--json` report). With the hook there is one process, and the signal reaches the program.
 */

/** Command and arguments that run `script` with `args`; spawn it with the repository root as cwd, where `--import tsx` finds the repo's tsx. */
export function tsCommand(script: string, args: string[] = []): [string, string[]] {
  return [process.execPath, ['--import', 'tsx', script, ...args]];
}
