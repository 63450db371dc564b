/**
 * Runs bench/measure.ts bundled, as users run the library: esbuild bundles it (and everything it
 * imports, matrix-js-sdk and xstate included) into one CommonJS file without `keepNames`, as the
 * package build does, and each section runs in a `node --expose-gc` process of its own, so one
 * section's garbage and JIT state never count in another's figures. See bench/measure.ts for why.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import type { MeasuredSection } from './measure';

const root = path.resolve(__dirname, '..');
const outfile = path.join(root, 'node_modules/.cache/matrix-uia-bench/measure.cjs');
let built: Promise<void> | null = null;

/** Bundles bench/measure.ts once per bench run. */
function bundle(): Promise<void> {
  built ??= import('esbuild').then(async ({ build }) => {
    await build({ entryPoints: [path.join(__dirname, 'measure.ts')], bundle: true, platform: 'node', format: 'cjs', target: 'node20', outfile, logLevel: 'error' });
  });
  return built;
}

/** Measures one section in a bundled process of its own; its figures as the section returned them. */
export async function measureBundled<T>(section: MeasuredSection, settings?: unknown): Promise<T> {
  await bundle();
  const child = spawnSync(process.execPath, ['--expose-gc', outfile, section, JSON.stringify(settings ?? null)], { encoding: 'utf8', cwd: root, maxBuffer: 1 << 26 });
  if (child.status !== 0) throw new Error(`${section} bench failed: ${child.stderr}`);
  return JSON.parse(child.stdout.trim().split('\n').pop()!) as T;
}
