/**
 * The size budget, checked in CI (`npm run size`): builds what a browser app pulls in from the
 * core entry the way its bundler would (esbuild: bundle, minify, ESM, browser, tree shaking;
 * metafile kept), gzips it, and fails (exit 1) when a figure is over its budget.
 *
 * Stage machines are the app's choice (`createUiaActor({ stages })`), so the core is measured as
 * apps pull it in (bench/bundle-size.ts, `coreSpecs`):
 *
 * - `target` budgets are issue 7's limits: the fixed core (chart, binding, selectors, errors) and
 *   a password re-auth dialog at most 8 KB without xstate; with xstate at most 25 KB, for the
 *   password dialog and for an app with every stage machine.
 * - `guard` budgets hold figures the issue sets no limit for (every stage without xstate, the
 *   whole entry with InteractiveAuth and every export) at what was achieved, rounded up, so that
 *   CI catches growth.
 *
 * Prints every figure, and for a figure over budget the inputs taking the most bytes (from the
 * metafile), which is where to look.
 */
import { coreSpecs, largestInputs, measureBundle } from '../bench/bundle-size';
import { kb as kbOf } from '../bench/table';

async function main(): Promise<void> {
  let failed = false;
  for (const spec of coreSpecs()) {
    const figure = await measureBundle(spec);
    const over = figure.gzipped > spec.budget;
    console.log(
      `${over ? 'FAIL' : 'ok  '} ${spec.label}: ${kbOf(figure.gzipped)} gzipped (${kbOf(figure.minified)} minified), budget ${kbOf(spec.budget)} (${spec.kind})`,
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
