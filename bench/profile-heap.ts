/**
 * Explains the memory section (bench/memory.ts measures; this says where the bytes are): heap
 * snapshots of the process before and after `count` sessions of one client are opened and left
 * waiting for the password, and a table of what the new objects are, per session, grouped by
 * kind and by their own property names, largest first. Bundled like the bench (no `keepNames`),
 * run with `--expose-gc`:
 *
 *   npx esbuild bench/profile-heap.ts --bundle --platform=node --target=node20 --outfile=node_modules/.cache/profile-heap.cjs
 *   node --expose-gc node_modules/.cache/profile-heap.cjs actor 2000
 *
 * Arguments: the client (`minimal`, `actor`, `runUia` or `dropIn`, as in bench/memory.ts) and the
 * number of sessions. Rows held by fewer than half the sessions are left out: they are shared
 * structures, not per-session cost. The snapshots are written to the OS temp directory and removed.
 */
import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { writeHeapSnapshot } from 'node:v8';
import { runUiaSession, uiaActorSession } from './memory';
import { minimalChartSession } from './minimal-chart';
import { CLASSES, interactiveAuthSession } from './run-matrix-js-sdk';
import { installPolyfills } from './polyfills';
import { scenario } from './scenarios';
import { createUiaEndpoint, type UiaEndpoint } from './uia-endpoint';

type Open = (endpoint: UiaEndpoint) => Promise<{ finish(): Promise<unknown> }>;

const CLIENTS: Record<string, Open> = {
  minimal: minimalChartSession,
  actor: uiaActorSession,
  runUia: runUiaSession,
  dropIn: (e) => interactiveAuthSession(...CLASSES.dropIn, e),
};

/** The parts of a V8 heap snapshot this reads. */
interface HeapSnapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[]]; edge_fields: string[]; edge_types: [string[]] } };
  nodes: number[];
  edges: number[];
  strings: string[];
}

/** Writes a heap snapshot after a full collection; returns its file. */
function writeSnapshot(name: string): string {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with node --expose-gc');
  gc();
  gc();
  return writeHeapSnapshot(path.join(tmpdir(), `matrix-uia-${process.pid}-${name}.heapsnapshot`));
}

/** Reads a snapshot file and removes it. */
function readSnapshot(file: string): HeapSnapshot {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as HeapSnapshot;
  } finally {
    rmSync(file, { force: true });
  }
}

/** Node ids of a snapshot. */
function ids(s: HeapSnapshot): Set<number> {
  const n = s.snapshot.meta.node_fields.length;
  const out = new Set<number>();
  for (let i = 0; i < s.nodes.length; i += n) out.add(s.nodes[i + 2]!);
  return out;
}

/** Bytes and counts of the nodes in `after` and not in `old` (ids), by kind and own property names. */
function newObjects(old: Set<number>, after: HeapSnapshot): Map<string, { count: number; bytes: number }> {
  const { node_fields: nf, node_types: [types], edge_fields: ef, edge_types: [edgeTypes] } = after.snapshot.meta;
  const n = nf.length;
  const en = ef.length;
  const out = new Map<string, { count: number; bytes: number }>();
  let edge = 0;
  for (let i = 0; i < after.nodes.length; i += n) {
    const edgeCount = after.nodes[i + 4]!;
    const props: string[] = [];
    for (let j = 0; j < edgeCount; j++) {
      const e = edge + j * en;
      if (edgeTypes[after.edges[e]!] === 'property') props.push(after.strings[after.edges[e + 1]!]!);
    }
    edge += edgeCount * en;
    if (old.has(after.nodes[i + 2]!)) continue;
    const type = types[after.nodes[i]!]!;
    const name = /string/.test(type) ? '' : after.strings[after.nodes[i + 1]!]!.slice(0, 40);
    const own = props.filter((p) => p !== '__proto__').sort().join(',');
    const key = `${type} ${name}${own ? ` {${own.slice(0, 110)}}` : ''}`;
    const row = out.get(key) ?? { count: 0, bytes: 0 };
    row.count++;
    row.bytes += after.nodes[i + 3]!;
    out.set(key, row);
  }
  return out;
}

async function main(): Promise<void> {
  installPolyfills();
  const [client = 'actor', count = '2000'] = process.argv.slice(2);
  const open = CLIENTS[client];
  if (!open) throw new Error(`no client ${client}: one of ${Object.keys(CLIENTS).join(', ')}`);
  const sessions = Number(count);
  const endpoint = createUiaEndpoint(scenario('password').endpoint);
  // Warm up, as bench/memory.ts does: code compiled and shared structures built before the baseline.
  for (let i = 0; i < 500; i++) await (await open(endpoint)).finish();
  // Both written before either is read: a snapshot parsed in this process would be in the next one.
  const before = writeSnapshot('before');
  const held: { finish(): Promise<unknown> }[] = [];
  for (let i = 0; i < sessions; i++) held.push(await open(endpoint));
  const after = writeSnapshot('after');
  const old = ids(readSnapshot(before));
  const rows = [...newObjects(old, readSnapshot(after))].filter(([, r]) => r.count >= sessions / 2).sort((a, b) => b[1].bytes - a[1].bytes);
  const total = rows.reduce((t, [, r]) => t + r.bytes, 0);
  console.log(`${client}: ${(total / sessions).toFixed(0)} B per waiting session in the rows below (${held.length} sessions)`);
  console.log('   B/session  count/session  kind and own properties');
  for (const [key, r] of rows.slice(0, 60)) console.log(`${(r.bytes / sessions).toFixed(0).padStart(12)} ${(r.count / sessions).toFixed(2).padStart(14)}  ${key}`);
  await Promise.all(held.map((w) => w.finish()));
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
