/**
 * Drives a real terminal program through tmux: a detached session is a pseudo-terminal, so the
 * program sees a TTY (raw mode, masked password input, spinners) exactly as a user's shell gives.
 */
import { execFileSync } from 'node:child_process';

const TMUX = '/usr/bin/tmux';

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
    execFileSync(TMUX, ['new-session', '-d', '-s', name, '-x', '120', '-y', '40', line], { env: { ...process.env, TMUX: '' } });
    return new TmuxSession(name);
  }

  /** The visible screen (and scrollback) as text. */
  capture(): string {
    return execFileSync(TMUX, ['capture-pane', '-p', '-J', '-S', '-200', '-t', this.name], { encoding: 'utf8' });
  }

  /** Types literal text. */
  type(text: string): void {
    execFileSync(TMUX, ['send-keys', '-t', this.name, '-l', text]);
  }

  /** Presses keys by tmux name (`Enter`, `C-c`). */
  press(...keys: string[]): void {
    execFileSync(TMUX, ['send-keys', '-t', this.name, ...keys]);
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
      execFileSync(TMUX, ['kill-session', '-t', this.name], { stdio: 'ignore' });
    } catch {
      // already gone
    }
  }
}

function shellQuote(v: string): string {
  return `'${v.replace(/'/g, `'\\''`)}'`;
}
