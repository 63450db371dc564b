/**
 * The terminal the client talks to: where messages go, whether the user can be asked, colours,
 * a spinner, and single-key input while waiting for an out-of-band stage.
 *
 * In `--json` mode every human-readable line (and every prompt) goes to stderr, so stdout carries
 * only the JSON result a script parses. Errors and warnings always go to stderr.
 *
 * Questions are asked one at a time ({@link Terminal.ask}): a question starts only once the
 * previous one has finished, cleanup included. @inquirer closes its readline a few microtasks
 * after a question is cut short (an out-of-band stage completed by polling while "Press Enter
 * when done" was showing), and closing it pauses stdin; a question started in between would be
 * left with a paused stdin, Node would find nothing left to wait for and begin to exit, and
 * @inquirer would report that as the user force-closing the prompt.
 */
import type { Context as PromptContext } from '@inquirer/type';
import { AbortedError } from '../errors/errors';

/** ANSI styles, or identity functions when colour is off. */
export interface Styles {
  bold(s: string): string;
  dim(s: string): string;
  red(s: string): string;
  green(s: string): string;
  yellow(s: string): string;
  cyan(s: string): string;
}

/** Options of {@link createTerminal}. */
export interface TerminalOptions {
  input?: NodeJS.ReadStream;
  /** Human output; default stdout. */
  output?: NodeJS.WriteStream;
  /** Errors and warnings; default stderr. */
  errorOutput?: NodeJS.WriteStream;
  /** Never ask anything (values must come from options or the environment). */
  noInput?: boolean;
  /** The environment, for `FORCE_COLOR` / `NO_COLOR`; default `process.env`. */
  env?: NodeJS.ProcessEnv;
}

/**
 * The user pressed Ctrl-C during a question or a wait. An {@link AbortedError} (its `name` and
 * `code` are the documented ones) marked so the client exits with 130, as shells expect.
 */
export class InterruptedError extends AbortedError {
  /** Always true: tells an interrupt from another cancellation (terms declined). */
  readonly interrupted = true;
  constructor() {
    super('Interrupted (Ctrl-C)');
  }
}

/** True for an error that came from the user pressing Ctrl-C. */
export function isInterrupt(e: unknown): boolean {
  return e instanceof InterruptedError || (e instanceof Error && e.name === 'ExitPromptError' && /SIGINT/.test(e.message));
}

/**
 * Whether to colour output, following the FORCE_COLOR and NO_COLOR conventions (force-color.org,
 * no-color.org) as Node does: `FORCE_COLOR` set to anything but `0`/`false` forces colour (it
 * wins over NO_COLOR), `FORCE_COLOR=0` turns it off, a non-empty `NO_COLOR` turns it off;
 * otherwise colour when the output is a terminal (and not `TERM=dumb`).
 */
export function colorEnabled(env: NodeJS.ProcessEnv, isTTY: boolean): boolean {
  const force = env.FORCE_COLOR;
  if (force !== undefined) return !(force === '0' || force.toLowerCase() === 'false');
  if (env.NO_COLOR) return false;
  return isTTY && env.TERM !== 'dumb';
}

/** A running spinner. */
export interface Spinner {
  /** Replaces the text after the spinner. */
  update(text: string): void;
  /** Stops it and clears its line; prints `final` instead when given. */
  stop(final?: string): void;
}

/** The terminal, as the commands use it. */
export interface Terminal {
  readonly input: NodeJS.ReadStream;
  readonly output: NodeJS.WriteStream;
  /** True when the user can be asked (stdin and the output are terminals and input is allowed). */
  readonly interactive: boolean;
  readonly style: Styles;
  /** Prints a line. */
  line(text?: string): void;
  info(text: string): void;
  success(text: string): void;
  /** A warning, on stderr. */
  warn(text: string): void;
  /** An error, on stderr; each of `details` on a dimmed line below it. */
  error(text: string, ...details: string[]): void;
  /**
   * Asks one question with @inquirer/prompts: `prompt` receives the context (our streams and
   * `signal`). It starts only after the previous question (or key wait) has fully finished.
   * Ctrl-C rejects with {@link InterruptedError}; `signal` aborting rejects with an
   * {@link AbortedError}.
   */
  ask<T>(prompt: (context: PromptContext) => Promise<T>, signal?: AbortSignal): Promise<T>;
  /**
   * Resolves once no question or key wait holds the terminal (and their cleanup has run), so
   * lines printed next start below a question that was cut short, not on its line.
   */
  idle(): Promise<void>;
  /** A spinner (a plain line when the output is not a terminal). */
  spinner(text: string): Spinner;
  /**
   * Calls `onKey` for each key pressed until `signal` aborts (raw mode; Ctrl-C is passed as
   * `"\u0003"`). Does nothing when not interactive.
   */
  onKeys(onKey: (key: string) => void, signal: AbortSignal): void;
}

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

function makeStyles(enabled: boolean): Styles {
  const wrap = (open: number, close: number) => (s: string) => (enabled ? `\u001b[${open}m${s}\u001b[${close}m` : s);
  return { bold: wrap(1, 22), dim: wrap(2, 22), red: wrap(31, 39), green: wrap(32, 39), yellow: wrap(33, 39), cyan: wrap(36, 39) };
}

/** Resolves after `previous` settles and one more turn, so whatever its cleanup scheduled has run. */
async function idleAfter(previous: Promise<unknown>): Promise<void> {
  await previous.catch(() => undefined);
  await new Promise<void>((resolve) => setImmediate(resolve));
}

/** Creates the terminal over the process's streams (or the given ones). */
export function createTerminal(options: TerminalOptions = {}): Terminal {
  const input = options.input ?? process.stdin;
  const output = options.output ?? process.stdout;
  const interactive = !options.noInput && Boolean(input.isTTY) && Boolean(output.isTTY);
  const errorOutput = options.errorOutput ?? process.stderr;
  const style = makeStyles(colorEnabled(options.env ?? process.env, Boolean(output.isTTY)));
  const write = (s: string) => void output.write(s);
  // The last question or key wait; the next one starts after it has settled.
  let busy: Promise<unknown> = Promise.resolve();
  // The spinner on screen, if any: other lines are printed above it, never through it.
  let active: { draw(): void } | null = null;
  const print = (s: string, to: NodeJS.WritableStream = output) => {
    if (active) write('\r\u001b[2K');
    to.write(s);
    active?.draw();
  };

  return {
    input,
    output,
    interactive,
    style,
    line: (text = '') => print(`${text}\n`),
    info: (text) => print(`${style.cyan('ℹ')} ${text}\n`),
    success: (text) => print(`${style.green('✔')} ${text}\n`),
    warn: (text) => print(`${style.yellow('!')} ${text}\n`, errorOutput),
    error: (text, ...details) => print(`${style.red('✖')} ${text}\n${details.map((d) => `${style.dim(`  ${d}`)}\n`).join('')}`, errorOutput),
    idle: () => idleAfter(busy),
    ask<T>(prompt: (context: PromptContext) => Promise<T>, signal?: AbortSignal): Promise<T> {
      const previous = busy;
      const asked = (async () => {
        await idleAfter(previous);
        if (signal?.aborted) throw new AbortedError();
        try {
          return await prompt({ input, output, ...(signal ? { signal } : {}) });
        } catch (e) {
          if (isInterrupt(e)) throw e instanceof InterruptedError ? e : new InterruptedError();
          if (e instanceof Error && e.name === 'AbortPromptError') throw new AbortedError();
          throw e;
        }
      })();
      busy = asked.catch(() => undefined);
      return asked;
    },
    spinner(text) {
      if (!output.isTTY) {
        write(`… ${text}\n`);
        return { update: () => undefined, stop: (final) => void (final && write(`${final}\n`)) };
      }
      let current = text;
      let frame = 0;
      const draw = () => write(`\r\u001b[2K${style.cyan(FRAMES[frame++ % FRAMES.length]!)} ${current}`);
      const me = { draw };
      active = me;
      draw();
      const timer = setInterval(draw, 80);
      let stopped = false;
      return {
        update: (t) => {
          current = t;
          if (!stopped) draw();
        },
        stop: (final) => {
          if (stopped) return;
          stopped = true;
          clearInterval(timer);
          if (active === me) active = null;
          write('\r\u001b[2K');
          if (final) write(`${final}\n`);
        },
      };
    },
    onKeys(onKey, signal) {
      if (!interactive || signal.aborted) return;
      const previous = busy;
      // The key wait holds the terminal like a question: the next question waits for its end.
      const ended = new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
      busy = ended;
      void idleAfter(previous).then(() => {
        if (signal.aborted) return;
        const wasRaw = input.isRaw;
        input.setRawMode(true);
        input.resume();
        const listener = (data: Buffer) => {
          for (const ch of data.toString('utf8')) onKey(ch);
        };
        input.on('data', listener);
        signal.addEventListener(
          'abort',
          () => {
            input.off('data', listener);
            input.setRawMode(wasRaw);
            input.pause();
          },
          { once: true },
        );
      });
    },
  };
}
