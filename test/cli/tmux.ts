/**
 * Drives a real terminal program through tmux: a detached session is a pseudo-terminal, so the
 * program sees a TTY (raw mode, masked password input, spinners) exactly as a user's shell gives.
 *
 * Every test process has a tmux server of its own (a private socket), kept up for the whole file
 * by a keeper session. On the shared default server, a second `npm test` on the same machine (or
 * this file's next test, right after the previous one killed the last session) could connect
 * while the server was exiting: `new-session` failed with "server exited unexpectedly".
 */
import { execFileSync, type ExecFileSyncOptions } from 'node:child_process';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const TMUX = '/usr/bin/tmux';
/** This process's own tmux server. */
const SOCKET = join(tmpdir(), `matrix-uia-tmux-${process.pid}`);
let serverUp = false;

/** Runs a tmux command against this process's server (started without any user configuration). */
function tmux(args: string[], options: ExecFileSyncOptions = {}): string {
  return execFileSync(TMUX, ['-S', SOCKET, '-f', '/dev/null', ...args], { encoding: 'utf8', ...options, env: { ...process.env, TMUX: '' } }) as string;
}

/** A program running in its own tmux session. */
export class TmuxSession {
  private closed = false;
  constructor(readonly name: string) {}

  /** Starts `command` (a shell command line) in a 120×40 terminal; `env` is exported first. */
  static start(name: string, command: string, env: Record<string, string> = {}): TmuxSession {
    const exports = Object.entries(env)
      .map(([k, v]) => `export ${k}=${shellQuote(v)}; `)
      .join('');
    // `; echo ...` keeps the pane after the program ends and shows its exit code.
    const line = `${exports}${command}; echo "[exit $?]"; sleep 600`;
    if (!serverUp) {
      // Holds the server up between tests; bounded, so a process that dies leaves no server for long.
      tmux(['new-session', '-d', '-s', 'keeper', 'sleep 900']);
      serverUp = true;
    }
    tmux(['new-session', '-d', '-s', name, '-x', '120', '-y', '40', line]);
    return new TmuxSession(name);
  }

  /** Stops this process's tmux server and every session in it (the test file's `afterAll`). */
  static shutdown(): void {
    if (!serverUp) return;
    serverUp = false;
    try {
      tmux(['kill-server'], { stdio: 'ignore' });
    } catch {
      // already gone
    }
    rmSync(SOCKET, { force: true });
  }

  /** The visible screen (and scrollback) as text. */
  capture(): string {
    return tmux(['capture-pane', '-p', '-J', '-S', '-200', '-t', this.name]);
  }

  /** Types literal text. */
  type(text: string): void {
    tmux(['send-keys', '-t', this.name, '-l', text]);
  }

  /** Presses keys by tmux name (`Enter`, `C-c`). */
  press(...keys: string[]): void {
    tmux(['send-keys', '-t', this.name, ...keys]);
  }

  /**
   * Waits until the screen matches, polling `capture()`. Bounded: fails with the screen content
   * after `timeoutMs` so a hang is a readable failure, not a stuck test.
   */
  async waitFor(pattern: string | RegExp | ((screen: string) => boolean), timeoutMs = 45000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    const matches = typeof pattern === 'string' ? (s: string) => s.includes(pattern) : pattern instanceof RegExp ? (s: string) => pattern.test(s) : pattern;
    for (;;) {
      const screen = this.capture();
      if (matches(screen)) return screen;
      if (Date.now() > deadline) throw new Error(`Timed out waiting for ${String(pattern)}. Screen:\n${screen}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** The program's exit code, once it has ended. */
  async exitCode(timeoutMs = 45000): Promise<number> {
    const screen = await this.waitFor(/\[exit \d+\]/, timeoutMs);
    return Number(/\[exit (\d+)\]/.exec(screen)![1]);
  }

  kill(): void {
    if (this.closed) return;
    this.closed = true;
    try {
      tmux(['kill-session', '-t', this.name], { stdio: 'ignore' });
    } catch {
      // already gone
    }
  }
}

function shellQuote(v: string): string {
  return `'${v.replace(/'/g, `'\\''`)}'`;
}
