/**
 * A virtual clock for simulations: XState's `Clock` (`setTimeout`/`clearTimeout`), driven by
 * hand, so ten minutes of polling run in milliseconds.
 *
 * Unlike XState's `SimulatedClock`, it tells when the next timer is due, so a simulation can jump
 * from one timer to the next instead of stepping through every millisecond.
 */

interface Timer {
  id: number;
  due: number;
  fn: () => void;
}

/** Lets pending promise callbacks (a transport's answers) run before time moves on. */
export function flushMicrotasks(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** A clock whose time only moves when told. */
export class VirtualClock {
  private time = 0;
  private nextId = 1;
  private timers: Timer[] = [];

  /** Virtual milliseconds since the start. */
  now(): number {
    return this.time;
  }

  /** Schedules `fn` after `ms` virtual milliseconds. */
  setTimeout(fn: (...args: unknown[]) => void, ms: number): number {
    const id = this.nextId++;
    this.timers.push({ id, due: this.time + Math.max(0, ms), fn: () => fn() });
    return id;
  }

  /** Cancels a timer. */
  clearTimeout(id: unknown): void {
    this.timers = this.timers.filter((t) => t.id !== id);
  }

  /** When the next timer is due, or null when none is pending. */
  nextDue(): number | null {
    let best: number | null = null;
    for (const t of this.timers) if (best === null || t.due < best) best = t.due;
    return best;
  }

  /**
   * Runs every timer due up to `until` in order (earliest first, then in scheduling order),
   * letting the promise callbacks each one starts settle before the next, and ends at `until`.
   */
  async runUntil(until: number): Promise<void> {
    await flushMicrotasks();
    for (;;) {
      const due = this.nextDue();
      if (due === null || due > until) break;
      const timer = this.timers.filter((t) => t.due === due).sort((a, b) => a.id - b.id)[0]!;
      this.timers = this.timers.filter((t) => t !== timer);
      this.time = due;
      timer.fn();
      await flushMicrotasks();
    }
    this.time = until;
  }
}
