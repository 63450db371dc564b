/**
 * The size budget, checked in CI (`npm run size`): builds the core entry the way a browser app's
 * bundler would (esbuild: bundle, minify, ESM, browser, tree shaking; metafile kept), gzips it,
 * and fails (exit 1) when it is over budget:
 *
 * - core without xstate (xstate left to the app, which has it as a peer): at most 16 KB gzipped;
 * - core with xstate: at most 28 KB gzipped.
 *
 * Issue 7 asks for 8 KB and 25 KB. Those are not met (docs/performance.md, "Open: size budget",
 * lists what makes up the core); until the lead decides, the budgets are the figures achieved
 * (15.5 KB and 27.6 KB) rounded up to the next 0.5 KB, so that CI catches any growth.
 *
 * Prints both figures, and for a figure over budget the inputs taking the most bytes (from the
 * metafile), which is where to look.
 */
import { coreSpecs, largestInputs, measureBundle } from '../bench/bundle-size';
import { kb as kbOf } from '../bench/table';

/** Budgets in gzipped bytes, by spec label prefix. */
const BUDGETS: { match: RegExp; limit: number }[] = [
  { match: /xstate external/, limit: 16 * 1024 },
  { match: /with xstate/, limit: 28 * 1024 },
];

async function main(): Promise<void> {
  let failed = false;
  for (const spec of coreSpecs()) {
    const figure = await measureBundle(spec);
    const budget = BUDGETS.find((b) => b.match.test(spec.label));
    if (!budget) throw new Error(`no budget for ${spec.label}`);
    const over = figure.gzipped > budget.limit;
    console.log(`${over ? 'FAIL' : 'ok  '} ${spec.label}: ${kbOf(figure.gzipped)} gzipped (${kbOf(figure.minified)} minified), budget ${kbOf(budget.limit)}`);
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
