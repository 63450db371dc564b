/**
 * Property-run settings and the reliability record.
 *
 * Every property runs with a fixed seed and run count in CI (`FC_SEED`, `FC_RUNS` override them;
 * `npm run test:fuzz` raises the count). With `RELIABILITY_REPORT=1`, each property appends one
 * JSON line to `test-artifacts/reliability.jsonl` saying what was generated (counts per kind of
 * input, fault and race) and how it ended; `scripts/reliability-report.ts` renders
 * docs/reliability.md from those lines. One line per append keeps parallel Jest workers from
 * interleaving their writes.
 */
import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import fc from 'fast-check';

/** Where the property records go. */
export const RELIABILITY_FILE = join(__dirname, '..', '..', 'test-artifacts', 'reliability.jsonl');

/** The seed every property uses (fixed, so CI runs are reproducible). */
export const FC_SEED = Number(process.env.FC_SEED ?? 42);
/** Runs per property in CI; `test:fuzz` sets FC_RUNS higher. */
export const FC_RUNS = Number(process.env.FC_RUNS ?? 200);

/** fast-check parameters: the fixed seed, and `FC_RUNS` scaled for costlier properties. */
export function fcParams(scale = 1): { seed: number; numRuns: number } {
  return { seed: FC_SEED, numRuns: Math.max(1, Math.round(FC_RUNS * scale)) };
}

/**
 * Jest timeout of a test that checks properties: a hang guard only, never a verdict. A run is
 * bounded by its case count (`FC_RUNS`), so the guard grows with it: 200 ms per case (costly
 * properties run a fraction of FC_RUNS), at least 3 minutes. Jest's default 20 s failed
 * `npm run test:fuzz` (5,000 cases) and was too close for a loaded machine at 200.
 */
export function propertyTimeout(): number {
  return Math.max(180_000, FC_RUNS * 200);
}

/** Counters a property fills while it runs: what was tried and what happened. */
export class Tally {
  readonly counts: Record<string, Record<string, number>> = {};
  /** Adds `n` to `counts[group][key]`. */
  add(group: string, key: string, n = 1): void {
    const g = (this.counts[group] ??= {});
    g[key] = (g[key] ?? 0) + n;
  }
}

/** One record of docs/reliability.md. */
export interface ReliabilityRecord {
  /** Test file (suite) name. */
  suite: string;
  /** The property, in words. */
  property: string;
  /** What the generated cases consist of, in words. */
  tried: string;
  seed: number;
  /** Generated cases checked (including shrinking steps, if any failed). */
  runs: number;
  /** `passed`, or the counterexample report. */
  outcome: string;
  /** Counters from the {@link Tally}. */
  counts: Record<string, Record<string, number>>;
}

/** Appends a record when `RELIABILITY_REPORT=1`. */
export function record(rec: ReliabilityRecord): void {
  if (process.env.RELIABILITY_REPORT !== '1') return;
  mkdirSync(dirname(RELIABILITY_FILE), { recursive: true });
  appendFileSync(RELIABILITY_FILE, JSON.stringify(rec) + '\n');
}

/** What a property check is about, for the report. */
export interface PropertyMeta {
  suite: string;
  property: string;
  tried: string;
  tally: Tally;
  /** Scale of `FC_RUNS` for this property (costly ones run fewer cases). */
  scale?: number;
}

/**
 * Checks a property with the fixed seed, records the outcome, and fails the test with
 * fast-check's report (seed, path, counterexample) when it does not hold.
 */
export async function checkProperty<Ts extends [unknown, ...unknown[]]>(
  prop: fc.IAsyncPropertyWithHooks<Ts> | fc.IPropertyWithHooks<Ts>,
  meta: PropertyMeta,
): Promise<void> {
  const params = fcParams(meta.scale);
  const details = await fc.check(prop as fc.IAsyncProperty<Ts>, params);
  record({
    suite: meta.suite,
    property: meta.property,
    tried: meta.tried,
    seed: params.seed,
    runs: details.numRuns + details.numShrinks,
    outcome: details.failed ? `FAILED: ${String(details.errorInstance ?? '').slice(0, 300)}` : 'passed',
    counts: meta.tally.counts,
  });
  if (details.failed) {
    const cause = details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance);
    throw new Error(`${fc.defaultReportMessage(details) ?? 'property failed'}\nViolations:\n${cause}`);
  }
}
