/**
 * `npm run bench`: measures matrix-uia next to matrix-js-sdk's `InteractiveAuth` in one run and
 * prints Markdown tables (requests per negotiation, CPU and memory against a minimal XState chart, loopback HTTP, bundle size, polling).
 *
 * Arguments: section names to run only those (`requests cpu memory loopback bundle polling`), and
 * `--quick` for a fast smoke run with fewer negotiations (its figures are not the reference).
 * The CPU, memory and loopback sections each run in a bundled `node --expose-gc` process of their
 * own (bench/measure.ts, bench/bundled.ts): the code as users' builds run it, without tsx's
 * `keepNames`.
 * Exits 1 when matrix-uia sends more requests than the spec's minimum or than matrix-js-sdk.
 */
import os from 'node:os';
import { allSpecs, fixedCoreSpec, inputGroups, measureBundle, stageSpecs, type BudgetedSpec } from './bundle-size';
import { measureBundled } from './bundled';
import { DEFAULT_CPU, type CpuRow, type CpuSettings } from './cpu';
import { LIBRARIES } from './libraries';
import { DEFAULT_LOOPBACK, type LoopbackFigure, type LoopbackSettings } from './loopback';
import type { MemoryRow } from './memory';
import { HORIZON_MS, measurePolling } from './polling';
import { measureRequests, violations } from './requests';
import { int, kb, markdownTable, mb, ratio, seconds } from './table';

const SECTIONS = ['requests', 'cpu', 'memory', 'loopback', 'bundle', 'polling'] as const;

async function requestsSection(): Promise<string[]> {
  const rows = await measureRequests();
  console.log('\n## Requests per negotiation\n');
  console.log(
    markdownTable(
      ['scenario', 'spec minimum', 'polls before the click', 'matrix-uia', 'matrix-js-sdk', 'requestToken calls (uia / sdk)'],
      rows.map((r) => [r.scenario.label, r.scenario.minimum, r.scenario.polls, r.uia.requests, r.sdk.requests, `${r.uia.emailTokenRequests} / ${r.sdk.emailTokenRequests}`]),
    ),
  );
  console.log('\nRequests are to the protected endpoint; the minimum is one first request (none with a 401 in hand) plus one per stage left plus one per refused attempt; polls are the out-of-band checks answered "not yet".');
  return violations(rows);
}

/** Figures kept for the headline table, which needs both the CPU and the memory section. */
const headline: { cpu?: CpuRow; memory?: MemoryRow[] } = {};

async function cpuSection(settings: CpuSettings): Promise<void> {
  // Measured in a bundled process (bench/measure.ts): the figures of the build users run.
  const rows = await measureBundled<CpuRow[]>('cpu', settings);
  headline.cpu = rows[0];
  console.log('\n## CPU: completed negotiations per CPU-second (one process, in-process transport)\n');
  for (const r of rows) {
    const floor = r.figures.find((f) => f.library.id === 'minimal');
    const sdk43 = r.figures.find((f) => f.library.id === 'sdk43')!;
    console.log(`\n### ${r.scenario.label} (${int(r.negotiations)} × ${r.rounds})\n`);
    console.log(
      markdownTable(
        ['client', 'negotiations /CPU-s', 'µs per negotiation', ...(floor ? ['÷ minimal chart'] : []), '÷ matrix-js-sdk 43', 'rounds /s'],
        r.figures.map((f) => [
          f.library.name,
          int(f.rate),
          int(1e6 / f.rate),
          ...(floor ? [ratio(f.rate, floor.rate)] : []),
          ratio(f.rate, sdk43.rate),
          f.rounds.map(int).join(', '),
        ]),
      ),
    );
  }
  console.log(`\nMedian of ${settings.rounds} rounds (clients taking turns in blocks of 1,000; process CPU time) after ${int(settings.warmup)} warm-up negotiations of each. "÷ minimal chart" is the rate over the minimal chart's: 1.00× is the floor an XState design can reach, above 1 is faster.`);
}

/** Row label of a memory row (its library id). */
const libraryName = (id: string) => LIBRARIES.find((l) => l.id === id)?.name ?? id;

async function memorySection(): Promise<void> {
  // A bundled process of its own (bench/measure.ts): gc is exposed, and no other section's garbage counts.
  const rows = await measureBundled<MemoryRow[]>('memory');
  headline.memory = rows;
  const floor = rows.find((r) => r.name === 'minimal')!;
  console.log('\n## Memory: 10,000 password negotiations waiting for the password at once\n');
  console.log(
    markdownTable(
      ['client', 'heap per waiting session', '÷ minimal chart', 'left after all 10,000 finished (total)'],
      rows.map((r) => [libraryName(r.name), kb(r.perSession), ratio(r.perSession, floor.perSession), mb(r.retainedAfter)]),
    ),
  );
  console.log('\nHeap after a full gc, minus the heap before the sessions were opened. "Left after" is the heap once every session has completed and been dropped, minus that same baseline. Here "÷ minimal chart" is heap over the heap of the minimal chart: below 1.25× is the target.');
}

/** The issue's table: every entry point against the floor, CPU and heap side by side. */
function headlineSection(): string[] {
  const { cpu, memory } = headline;
  if (!cpu || !memory) return [];
  const floorCpu = cpu.figures.find((f) => f.library.id === 'minimal')!;
  const floorMem = memory.find((r) => r.name === 'minimal')!;
  const misses: string[] = [];
  const rows = cpu.figures.map((f) => {
    const m = memory.find((r) => r.name === f.library.id);
    const cpuRatio = f.rate / floorCpu.rate;
    const heapRatio = m ? m.perSession / floorMem.perSession : NaN;
    if (f.library.ours && cpuRatio < 0.9) misses.push(`${f.library.name}: CPU ${cpuRatio.toFixed(2)}× the minimal chart (target ≥ 0.90×)`);
    if (f.library.ours && heapRatio > 1.25) misses.push(`${f.library.name}: heap ${heapRatio.toFixed(2)}× the minimal chart (target ≤ 1.25×)`);
    return [f.library.name, int(1e6 / f.rate), `${cpuRatio.toFixed(2)}×`, m ? kb(m.perSession) : '', m ? `${heapRatio.toFixed(2)}×` : '', m ? mb(m.retainedAfter) : ''];
  });
  console.log('\n## Headline: every entry point against the minimal XState chart (password change)\n');
  console.log(markdownTable(['client', 'CPU µs / negotiation', 'rate ÷ minimal chart', 'heap per waiting session', 'heap ÷ minimal chart', 'retained after 10,000 finished'], rows));
  console.log(`\nTargets for matrix-uia's entry points: rate ≥ 0.90× and heap ≤ 1.25× the minimal chart's. ${misses.length ? `Missed: ${misses.join('; ')}.` : 'All met in this run.'}`);
  return misses;
}

async function loopbackSection(settings: LoopbackSettings): Promise<string[]> {
  const rows = await measureBundled<LoopbackFigure[]>('loopback', settings);
  const sdk = rows.find((r) => r.id === 'sdk43')!;
  const floor = rows.find((r) => r.id === 'minimal')!;
  console.log(`\n## Loopback HTTP: password change against the simulator on 127.0.0.1 (${int(settings.negotiations)} × ${settings.rounds})\n`);
  console.log(
    markdownTable(
      ['client', 'negotiations /CPU-s', 'CPU ms per negotiation', '÷ matrix-js-sdk 43 + fetch', '÷ minimal chart + fetch', 'negotiations /wall-s', 'rounds /CPU-s'],
      rows.map((r) => [r.name, int(r.cpuRate), (1e3 / r.cpuRate).toFixed(2), ratio(r.cpuRate, sdk.cpuRate), ratio(r.cpuRate, floor.cpuRate), int(r.wallRate), r.cpuRounds.map(int).join(', ')]),
    ),
  );
  console.log(`\nThe simulator runs in this process, so CPU time is client + both ends of Node's HTTP stack + the simulator, the same server work for every client (two requests per negotiation). Median of ${settings.rounds} rounds, clients taking turns in blocks of 100, after ${int(settings.warmup)} warm-up negotiations each. Target: matrix-uia/fetch ≥ 0.90× matrix-js-sdk 43 + fetch. The minimal chart's row is what any XState chart costs over the same fetch: its own ratio to matrix-js-sdk 43 bounds what an XState design can reach here.`);
  const uia = rows.find((r) => r.id === 'uia')!;
  return uia.cpuRate / sdk.cpuRate < 0.9 ? [`loopback: changePassword ${(uia.cpuRate / sdk.cpuRate).toFixed(2)}× matrix-js-sdk 43 + fetch (target ≥ 0.90×)`] : [];
}

async function bundleSection(): Promise<void> {
  const rows = [];
  for (const spec of allSpecs()) {
    const f = await measureBundle(spec).catch((e: unknown) => e as Error);
    if (f instanceof Error) {
      // A sub-entry being written by someone else may not build yet: say so, measure the rest.
      rows.push([spec.label, 'build failed', '', f.message.split('\n').slice(0, 2).join(' ')]);
      continue;
    }
    const groups = [...inputGroups(f)].sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${kb(v)}`).join(', ');
    const budget = 'budget' in spec ? `${kb((spec as BudgetedSpec).budget)} (${(spec as BudgetedSpec).kind})` : '';
    rows.push([spec.label, kb(f.minified), kb(f.gzipped), budget, groups]);
  }
  console.log('\n## Bundle size (esbuild: bundle, minify, ESM, browser, tree shaking; gzip -9)\n');
  console.log(markdownTable(['what the app bundles', 'minified', 'gzipped', 'CI budget', 'minified bytes by origin'], rows));
  const base = await measureBundle(fixedCoreSpec());
  const stageRows = [];
  for (const spec of stageSpecs()) {
    const f = await measureBundle(spec);
    stageRows.push([spec.label.replace('stage ', ''), kb(f.minified - base.minified), kb(f.gzipped - base.gzipped), kb(f.gzipped)]);
  }
  console.log(`\n### What each stage machine adds to the fixed core (${kb(base.gzipped)} gzipped, xstate external)\n`);
  console.log(markdownTable(['stage machine', 'adds minified', 'adds gzipped', 'core + it, gzipped'], stageRows));
}

async function pollingSection(): Promise<void> {
  const rows = await measurePolling();
  console.log(`\n## Out-of-band completion (email link): time to notice and polls in a ${HORIZON_MS / 60000}-minute wait\n`);
  const clicks = rows[0]!.delays.map((d) => d.clickAt);
  console.log(
    markdownTable(
      ['poller', 'polls in 10 min', 'mean delay', 'worst delay', ...clicks.map((c) => `click at ${seconds(c)}`)],
      rows.map((r) => [r.name, r.pollsIn10Min, seconds(Math.round(r.mean)), seconds(r.max), ...r.delays.map((d) => seconds(d.delay))]),
    ),
  );
  for (const r of rows) {
    const off = r.delays.filter((d) => d.delay !== d.predicted);
    if (off.length) console.log(`\nWARNING ${r.name}: simulated delays differ from the poll schedule at ${off.map((d) => d.clickAt).join(', ')}`);
  }
  console.log(`\nFirst polls (s after the email was sent): ${rows.map((r) => `${r.name.split(',')[0]}: ${r.firstChecks.map((c) => c / 1000).join(', ')}`).join('; ')}. Mean and worst delay are over a click at a uniformly random time in the first 10 minutes; add one round trip for a real network.`);
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const quick = args.includes('--quick');
  const chosen = args.filter((a) => !a.startsWith('--'));
  const unknown = chosen.filter((a) => !(SECTIONS as readonly string[]).includes(a));
  if (unknown.length) throw new Error(`unknown section(s) ${unknown.join(', ')}; choose from ${SECTIONS.join(', ')}`);
  const run = (s: (typeof SECTIONS)[number]) => chosen.length === 0 || chosen.includes(s);
  const cpus = os.cpus();
  console.log(`# matrix-uia benchmark\n\nnode ${process.version}, ${os.platform()} ${os.arch()}, ${cpus.length} × ${cpus[0]?.model ?? 'cpu'}${quick ? ' (QUICK run: not reference figures)' : ''}`);
  let problems: string[] = [];
  if (run('requests')) problems = await requestsSection();
  if (run('cpu')) await cpuSection(quick ? { negotiations: 1_000, rounds: 1, warmup: 200 } : DEFAULT_CPU);
  if (run('memory')) await memorySection();
  const misses = headlineSection();
  if (run('loopback')) misses.push(...(await loopbackSection(quick ? { negotiations: 200, rounds: 1, warmup: 50 } : DEFAULT_LOOPBACK)));
  if (run('bundle')) await bundleSection();
  if (run('polling')) await pollingSection();
  // Speed targets are reported, not enforced: a loaded machine must not fail a build.
  if (misses.length) console.log(`\nTargets missed in this run:\n${misses.map((m) => `- ${m}`).join('\n')}`);
  if (problems.length) {
    console.error(`\nmatrix-uia sent more requests than it should:\n${problems.join('\n')}`);
    process.exitCode = 1;
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
