/**
 * `npm run bench`: measures matrix-uia next to matrix-js-sdk's `InteractiveAuth` in one run and
 * prints Markdown tables (requests per negotiation, CPU, memory, bundle size, polling).
 *
 * Arguments: section names to run only those (`requests cpu memory bundle polling`), and
 * `--quick` for a fast smoke run with fewer negotiations (its figures are not the reference).
 * Exits 1 when matrix-uia sends more requests than the spec's minimum or than matrix-js-sdk.
 */
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { allSpecs, fixedCoreSpec, inputGroups, measureBundle, stageSpecs, type BudgetedSpec } from './bundle-size';
import { DEFAULT_CPU, measureCpu, type CpuSettings } from './cpu';
import type { MemoryRow } from './memory';
import { HORIZON_MS, measurePolling } from './polling';
import { measureRequests, violations } from './requests';
import { int, kb, markdownTable, ratio, seconds } from './table';

const SECTIONS = ['requests', 'cpu', 'memory', 'bundle', 'polling'] as const;

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

async function cpuSection(settings: CpuSettings): Promise<void> {
  const rows = [];
  for (const id of ['password', 'registration']) rows.push(await measureCpu(id, settings));
  console.log('\n## CPU: completed negotiations per CPU-second (one process, in-process transport)\n');
  console.log(
    markdownTable(
      ['scenario', 'negotiations × rounds', 'matrix-uia /s', 'matrix-js-sdk /s', 'uia ÷ sdk', 'µs per negotiation (uia / sdk)'],
      rows.map((r) => [
        r.scenario.label,
        `${int(r.negotiations)} × ${r.rounds}`,
        int(r.uia),
        int(r.sdk),
        ratio(r.uia, r.sdk),
        `${int(1e6 / r.uia)} / ${int(1e6 / r.sdk)}`,
      ]),
    ),
  );
  console.log(`\nMedian of ${settings.rounds} rounds (libraries alternating in blocks of 1,000; process CPU time) after ${int(settings.warmup)} warm-up negotiations of each; rounds: ` + rows.map((r) => `${r.scenario.id} uia [${r.uiaRounds.map(int).join(', ')}] sdk [${r.sdkRounds.map(int).join(', ')}]`).join('; '));
}

function memorySection(): void {
  // A process of its own: gc must be exposed, and the other sections' garbage must not count.
  const child = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', path.join(__dirname, 'memory.ts')], { encoding: 'utf8', cwd: path.resolve(__dirname, '..') });
  if (child.status !== 0) throw new Error(`memory bench failed: ${child.stderr}`);
  const rows = JSON.parse(child.stdout.trim().split('\n').pop()!) as MemoryRow[];
  const sdk = rows.find((r) => r.name.startsWith('matrix-js-sdk'))!;
  console.log('\n## Memory: 10,000 password negotiations waiting for the password at once\n');
  console.log(
    markdownTable(
      ['library', 'heap per waiting session', 'vs matrix-js-sdk', 'left after all 10,000 finished (total)'],
      rows.map((r) => [r.name, kb(r.perSession), ratio(r.perSession, sdk.perSession), kb(r.retainedAfter)]),
    ),
  );
  console.log('\nHeap after a full gc, minus the heap before the sessions were opened. "Left after" is the heap once every session has completed and been dropped, minus that same baseline.');
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
  if (run('memory')) memorySection();
  if (run('bundle')) await bundleSection();
  if (run('polling')) await pollingSection();
  if (problems.length) {
    console.error(`\nmatrix-uia sent more requests than it should:\n${problems.join('\n')}`);
    process.exitCode = 1;
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
