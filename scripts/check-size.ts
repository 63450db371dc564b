/**
 * The size budget, checked in CI (`npm run size`): what an app bundles from the INSTALLED
 * package. The tarball (`MATRIX_UIA_TARBALL`, or a fresh `npm pack`) is installed with xstate
 * into a scratch app; each figure is a small app module importing from `matrix-uia` there,
 * bundled the way an app's bundler would (esbuild: bundle, minify, ESM, browser, tree shaking)
 * and gzipped (level 9). Exit 1 when a figure is over its budget (bench/bundle-size.ts,
 * `coreSpecs`):
 *
 * - `target` budgets are the issues' limits (12: password dialog 8.0 KB without xstate and 21 KB
 *   with it, `isUiaError` alone 1 KB, `matrix-uia/react` + password stage 11.5 KB; 7: every stage
 *   with xstate 25 KB).
 * - `guard` budgets hold figures no issue limits at what was achieved, rounded up, so that CI
 *   catches growth.
 *
 * Prints every figure, and for a figure over budget the dist/ modules taking the most bytes (from
 * the metafile), which is where to look.
 */
import { coreSpecs, largestInputs, measureBundle } from '../bench/bundle-size';
import { kb as kbOf } from '../bench/table';

async function main(): Promise<void> {
  let failed = false;
  for (const spec of coreSpecs()) {
    const figure = await measureBundle(spec);
    // Whole bytes: a budget in KB (8.4 × 1024) is a fraction, a figure never is.
    const budget = Math.floor(spec.budget);
    const over = figure.gzipped > budget;
    const room = over ? `${figure.gzipped - budget} B over` : `${budget - figure.gzipped} B left`;
    const missed = spec.missedTarget;
    const target = missed === undefined ? '' : `; issue target ${kbOf(missed)} = ${missed} B, ${figure.gzipped > missed ? `missed by ${figure.gzipped - missed} B` : 'met'}`;
    console.log(
      `${over ? 'FAIL' : 'ok  '} ${spec.label}: ${kbOf(figure.gzipped)} gzipped (${figure.gzipped} B; ${kbOf(figure.minified)} minified), budget ${kbOf(spec.budget)} = ${budget} B (${spec.kind}, ${room})${target}`,
    );
    if (over) {
      failed = true;
      for (const { file, bytes } of largestInputs(figure, 10)) console.log(`       ${kbOf(bytes).padStart(8)} minified  ${file}`);
    }
  }
  if (failed) process.exitCode = 1;
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
