/**
 * The terminal the client talks to: where messages go, whether the user can be asked, colours,
 * a spinner, and single-key input while waiting for an out-of-band stage.
 *
 * In `--json` mode every human-readable line (and every prompt) goes to stderr, so stdout carries
 * only the JSON result a script parses.
 */
import type { Context as PromptContext } from '@inquirer/type';

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
  /** Never ask anything (values must come from options or the environment). */
  noInput?: boolean;
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
  warn(text: string): void;
  error(text: string): void;
  /** Context for @inquirer/prompts: our streams and a signal that cancels the question. */
  promptContext(signal?: AbortSignal): PromptContext;
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

/** Creates the terminal over the process's streams (or the given ones). */
export function createTerminal(options: TerminalOptions = {}): Terminal {
  const input = options.input ?? process.stdin;
  const output = options.output ?? process.stdout;
  const interactive = !options.noInput && Boolean(input.isTTY) && Boolean(output.isTTY);
  const color = Boolean(output.isTTY) && !process.env.NO_COLOR;
  const style = makeStyles(color);
  const write = (s: string) => void output.write(s);
  // The spinner on screen, if any: other lines are printed above it, never through it.
  let active: { draw(): void } | null = null;
  const print = (s: string) => {
    if (active) write('\r\u001b[2K');
    write(s);
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
    warn: (text) => print(`${style.yellow('!')} ${text}\n`),
    error: (text) => print(`${style.red('✖')} ${text}\n`),
    promptContext: (signal) => ({ input, output, ...(signal ? { signal } : {}) }),
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
    },
  };
}
