/**
 * CPU: completed negotiations per second in one process, over the in-process endpoint.
 *
 * Each round runs `negotiations` negotiations per client one after another (each awaited, as
 * one user at a time would), after a warm-up of every client. The clients take turns in blocks
 * of 1,000 so that all see the same machine load, and time is this process's CPU time
 * (`process.cpuUsage`, user + system, GC threads included) rather than wall time, which other
 * processes on a shared machine would inflate. The figure is the median of the rounds' rates.
 */
import type { Library } from './libraries';
import { scenario, type Scenario } from './scenarios';
import { createUiaEndpoint } from './uia-endpoint';

/** One client's figures in one scenario. */
export interface CpuFigure {
  library: Library;
  /** Median negotiations per CPU-second. */
  rate: number;
  /** Every round's rate, for the curious. */
  rounds: number[];
}

/** One scenario's figures. */
export interface CpuRow {
  scenario: Scenario;
  negotiations: number;
  rounds: number;
  figures: CpuFigure[];
}

/** Settings of the CPU measurement. */
export interface CpuSettings {
  negotiations: number;
  rounds: number;
  warmup: number;
}

/** The default: 10,000 negotiations per client and round, three rounds, 2,000 warm-up negotiations. */
export const DEFAULT_CPU: CpuSettings = { negotiations: 10_000, rounds: 3, warmup: 2_000 };

/** The median of a list of numbers. */
export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Negotiations per block: the clients take turns at this granularity. */
const BLOCK = 1_000;

const gc = (globalThis as { gc?: () => void }).gc;

/**
 * Collects the garbage left by the block before, outside any timed block (bench/measure.ts runs
 * with `--expose-gc`). Without it, the collection of one client's garbage could fall into the next
 * client's block: each client in turn paid for the one before it (the minimal chart, first in
 * every turn, for matrix-js-sdk 37). A client's own garbage is still collected in its own block.
 */
export function collectBetweenBlocks(): void {
  gc?.();
}

/** Runs `n` negotiations of `s` one after another; the CPU seconds they took. */
async function cpuSeconds(s: Scenario, lib: Library, n: number): Promise<number> {
  // One endpoint per block: sessions are deleted when done, so it does not grow.
  const endpoint = createUiaEndpoint(s.endpoint, lib.ErrorClass);
  collectBetweenBlocks();
  const start = process.cpuUsage();
  for (let i = 0; i < n; i++) await lib.run(s, endpoint);
  const used = process.cpuUsage(start);
  if (endpoint.counts.requests < n * s.minimum) throw new Error(`${s.id} ${lib.id}: fewer requests than negotiations need`);
  return (used.user + used.system) / 1e6;
}

/** One round: `n` negotiations per client in alternating blocks; each client's rate. */
async function round(s: Scenario, libs: Library[], n: number): Promise<number[]> {
  const used = libs.map(() => 0);
  for (let done = 0; done < n; done += BLOCK) {
    const size = Math.min(BLOCK, n - done);
    for (let i = 0; i < libs.length; i++) used[i]! += await cpuSeconds(s, libs[i]!, size);
  }
  return used.map((u) => n / u);
}

/** Measures one scenario with every client that can play it. */
export async function measureCpu(id: string, libraries: Library[], settings: CpuSettings = DEFAULT_CPU): Promise<CpuRow> {
  const s = scenario(id);
  const libs = libraries.filter((l) => id === 'password' || !l.passwordOnly);
  await round(s, libs, settings.warmup);
  const all: number[][] = libs.map(() => []);
  for (let r = 0; r < settings.rounds; r++) {
    const rates = await round(s, libs, settings.negotiations);
    rates.forEach((rate, i) => all[i]!.push(rate));
  }
  return { scenario: s, negotiations: settings.negotiations, rounds: settings.rounds, figures: libs.map((library, i) => ({ library, rate: median(all[i]!), rounds: all[i]! })) };
}
