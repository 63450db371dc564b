/**
 * CPU: completed negotiations per second in one process, over the in-process endpoint.
 *
 * Each round runs `negotiations` negotiations per library one after another (each awaited, as
 * one user at a time would), after a warm-up of both. The libraries alternate in blocks of
 * 1,000 so that both see the same machine load, and time is this process's CPU time
 * (`process.cpuUsage`, user + system, GC threads included) rather than wall time, which other
 * processes on a shared machine would inflate. The figure is the median of the rounds' rates;
 * the ratio is matrix-uia's rate over matrix-js-sdk's.
 */
import { runWithMatrixJsSdk } from './run-matrix-js-sdk';
import { runWithMatrixUia } from './run-matrix-uia';
import type { Runner } from './runner';
import { scenario, type Scenario } from './scenarios';
import { createUiaEndpoint } from './uia-endpoint';

/** One row of the CPU table. */
export interface CpuRow {
  scenario: Scenario;
  negotiations: number;
  rounds: number;
  /** Median negotiations per second. */
  uia: number;
  sdk: number;
  /** All rounds' rates, for the curious. */
  uiaRounds: number[];
  sdkRounds: number[];
}

/** Settings of the CPU measurement. */
export interface CpuSettings {
  negotiations: number;
  rounds: number;
  warmup: number;
}

/** The default: 10,000 negotiations per library and round, three rounds, 2,000 warm-up negotiations. */
export const DEFAULT_CPU: CpuSettings = { negotiations: 10_000, rounds: 3, warmup: 2_000 };

/** The median of a list of numbers. */
export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Negotiations per block: the libraries take turns at this granularity. */
const BLOCK = 1_000;

/** Runs `n` negotiations of `s` one after another; the CPU seconds they took. */
async function cpuSeconds(s: Scenario, run: Runner, n: number): Promise<number> {
  // One endpoint per block: sessions are deleted when done, so it does not grow.
  const endpoint = createUiaEndpoint(s.endpoint);
  const start = process.cpuUsage();
  for (let i = 0; i < n; i++) await run(s, endpoint);
  const used = process.cpuUsage(start);
  if (endpoint.counts.requests < n * s.minimum) throw new Error(`${s.id}: fewer requests than negotiations need`);
  return (used.user + used.system) / 1e6;
}

/** One round: `n` negotiations per library in alternating blocks; each library's rate. */
async function round(s: Scenario, n: number): Promise<{ uia: number; sdk: number }> {
  let uia = 0;
  let sdk = 0;
  for (let done = 0; done < n; done += BLOCK) {
    const size = Math.min(BLOCK, n - done);
    uia += await cpuSeconds(s, runWithMatrixUia, size);
    sdk += await cpuSeconds(s, runWithMatrixJsSdk, size);
  }
  return { uia: n / uia, sdk: n / sdk };
}

/** Measures one scenario with both libraries. */
export async function measureCpu(id: string, settings: CpuSettings = DEFAULT_CPU): Promise<CpuRow> {
  const s = scenario(id);
  await round(s, settings.warmup);
  const uiaRounds: number[] = [];
  const sdkRounds: number[] = [];
  for (let r = 0; r < settings.rounds; r++) {
    const { uia, sdk } = await round(s, settings.negotiations);
    uiaRounds.push(uia);
    sdkRounds.push(sdk);
  }
  return { scenario: s, negotiations: settings.negotiations, rounds: settings.rounds, uia: median(uiaRounds), sdk: median(sdkRounds), uiaRounds, sdkRounds };
}
