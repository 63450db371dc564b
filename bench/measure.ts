/**
 * The measuring process of the CPU, memory and loopback sections: `npm run bench` bundles this file
 * with esbuild as an app's bundler would (bench/bundled.ts) and runs the bundle with
 * `node --expose-gc`, one process per section; it prints one JSON line of figures for
 * bench/index.ts to tabulate.
 *
 *   node --expose-gc <bundle> <cpu|memory|loopback> '<settings as JSON>'
 *
 * Why bundled and not under tsx: tsx compiles with esbuild's `keepNames`, which wraps every
 * function expression in a `__name(fn, "name")` call, so each closure made per negotiation also
 * costs a `defineProperty` and an own `name` property. The package is built without it
 * (scripts/build.mjs), so under tsx the clients that make more closures per negotiation (matrix-uia's
 * entry points, more than the minimal chart) paid a cost their users never pay. In the bundle
 * every client, the minimal chart and matrix-js-sdk included, runs as a user's build runs it.
 */
import { measureCpu, type CpuSettings } from './cpu';
import { LIBRARIES } from './libraries';
import { measureLoopback, type LoopbackSettings } from './loopback';
import { measureMemory } from './memory';
import { installPolyfills } from './polyfills';

/** The sections this process can measure. */
export type MeasuredSection = 'cpu' | 'memory' | 'loopback';

async function run(section: MeasuredSection, settings: unknown): Promise<unknown> {
  switch (section) {
    case 'cpu': {
      const rows = [];
      for (const id of ['password', 'registration']) {
        const row = await measureCpu(id, LIBRARIES, settings as CpuSettings);
        // Plain data for the parent: a library's id, name and whether it is matrix-uia's.
        rows.push({ ...row, figures: row.figures.map((f) => ({ ...f, library: { id: f.library.id, name: f.library.name, ours: f.library.ours === true } })) });
      }
      return rows;
    }
    case 'memory':
      return measureMemory();
    case 'loopback':
      return measureLoopback(settings as LoopbackSettings);
  }
}

installPolyfills();
const [section, settings] = process.argv.slice(2);
run(section as MeasuredSection, settings ? JSON.parse(settings) : undefined).then(
  (result) => console.log(JSON.stringify(result)),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
