/**
 * Builds the package: every entry as ESM (.mjs) and CommonJS (.cjs) with esbuild, plus type
 * declarations with tsc.
 *
 * The core (machines/ and the top-level files of src/) is bundled into the main entry only. The
 * other entries (fetch, testing, browser, react, matrix-js-sdk) import it from `matrix-uia`, so an
 * app that uses several entries gets one copy of the chart and one identity for each error class
 * (`instanceof` works across entries). A non-core entry may therefore import from the core only
 * names that `src/index.ts` exports; scripts/check-package.mjs verifies the result loads.
 */
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = path.join(root, 'dist');

/** Entry name → source. Entries whose source does not exist yet are skipped. */
const entries = {
  index: 'src/index.ts',
  fetch: 'src/fetch/index.ts',
  testing: 'src/testing/index.ts',
  browser: 'src/browser/index.ts',
  react: 'src/react/index.ts',
  'matrix-js-sdk': 'src/matrix-js-sdk/index.ts',
};

/** True for files that make up the core entry. */
function isCore(file) {
  const rel = path.relative(root, file);
  if (rel.startsWith('machines' + path.sep)) return true;
  return rel.startsWith('src' + path.sep) && path.dirname(rel) === 'src';
}

/** Sends a non-core entry's imports of core files to the package itself. */
const coreAsPackage = (entryName) => ({
  name: 'core-as-package',
  setup(b) {
    if (entryName === 'index') return;
    b.onResolve({ filter: /^\.\.?\// }, (args) => {
      const resolved = path.resolve(args.resolveDir, args.path);
      const candidates = [resolved + '.ts', resolved + '.tsx', path.join(resolved, 'index.ts')];
      const file = candidates.find((c) => existsSync(c));
      if (file && isCore(file)) return { path: 'matrix-uia', external: true };
      return undefined;
    });
  },
});

const external = ['xstate', 'xstate/*', 'react', 'react/*', 'react-dom', '@xstate/react', 'matrix-js-sdk', 'matrix-js-sdk/*', 'commander', '@inquirer/prompts', 'node:*'];

rmSync(dist, { recursive: true, force: true });

for (const [name, src] of Object.entries(entries)) {
  if (!existsSync(path.join(root, src))) {
    console.log(`skip ${name}: ${src} does not exist`);
    continue;
  }
  for (const format of ['esm', 'cjs']) {
    await build({
      entryPoints: [path.join(root, src)],
      outfile: path.join(dist, `${name}.${format === 'esm' ? 'mjs' : 'cjs'}`),
      bundle: true,
      format,
      platform: name === 'testing' ? 'node' : 'neutral',
      mainFields: ['module', 'main'],
      target: 'es2022',
      sourcemap: true,
      external,
      plugins: [coreAsPackage(name)],
      logLevel: 'warning',
    });
  }
  console.log(`built ${name}`);
}

if (existsSync(path.join(root, 'src/cli/main.ts'))) {
  await build({
    entryPoints: [path.join(root, 'src/cli/main.ts')],
    outfile: path.join(dist, 'cli.cjs'),
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    banner: { js: '#!/usr/bin/env node' },
    external,
    logLevel: 'warning',
  });
  console.log('built cli');
}

execFileSync(process.execPath, [path.join(root, 'node_modules/typescript/bin/tsc'), '-p', path.join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
console.log('built declarations');
