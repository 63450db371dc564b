/**
 * `npm run check:package`: the package as users install it. CI runs it (.ci/run); exit 1 on any
 * failure. Steps, each on the packed tarball (scripts/packed-package.mjs):
 *
 * 1. publint --strict and @arethetypeswrong/cli (its strict profile: node10, node16 from CJS and
 *    from ESM, bundler) on the tarball.
 * 2. `npm i <tarball> xstate` in an empty project installs exactly those two packages (no
 *    runtime dependency: the CLI's are bundled into dist/cli.cjs), and the CLI starts.
 * 3. Every `exports` entry loads with `import` and `require`, each named export defined.
 * 4. Node consumers (test/consumer/): ESM and CJS each change a password against the simulator
 *    over HTTP on 127.0.0.1; the ESM and CJS copies in one process recognise each other's errors;
 *    an esbuild production browser bundle has the short messages only (the package's `#verbose`
 *    import, src/errors/verbose.ts), a development bundle and Node's `import` the full ones;
 *    Jest (the repo's) runs a test that requires the package, so its resolver handles `#verbose`.
 * 5. TypeScript strict: `moduleResolution: bundler` and `module: nodenext` (.mts and .cts) projects
 *    compile against the installed declarations.
 * 6. A Vite production build of a React page using `matrix-uia/react`, with the short messages.
 *
 * Tools (publint, attw, tsc, vite) are the repo's own devDependencies; the package and its peers
 * come from the scratch projects' node_modules, installed by npm from the tarball.
 */

import { build } from 'esbuild';
import { copyFileSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { cleanup, installedPackages, pinned, ROOT, run, scratchProject, tarball } from './packed-package.mjs';

const CONSUMER = path.join(ROOT, 'test', 'consumer');
const bin = (p) => path.join(ROOT, 'node_modules', p);
const read = (f) => readFileSync(path.join(CONSUMER, f), 'utf8');
const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8'));

let failures = 0;
async function step(label, fn) {
  const started = process.hrtime.bigint();
  try {
    const note = await fn();
    console.log(`✓ ${label}${note ? `: ${note}` : ''} (${Number((process.hrtime.bigint() - started) / 1_000_000n) / 1000} s)`);
  } catch (e) {
    failures++;
    console.log(`✗ ${label}\n${String(e instanceof Error ? e.message : e).replace(/^/gm, '    ')}`);
  }
}

const tgz = tarball();
console.log(`tarball: ${path.relative(ROOT, tgz)} (${(statSync(tgz).size / 1024).toFixed(1)} KB)`);

await step('publint --strict', () => {
  const out = run(process.execPath, [bin('publint/src/cli.js'), 'run', tgz, '--strict'], ROOT);
  if (!/All good/.test(out)) throw new Error(out);
  return 'all good';
});

await step('@arethetypeswrong/cli (node10, node16 from CJS and ESM, bundler)', () => {
  run(process.execPath, [bin('@arethetypeswrong/cli/dist/index.js'), tgz, '--format', 'table-flipped'], ROOT);
  return 'no problems';
});

// 2. Two packages exactly, and the bundled CLI runs without its (dev) dependencies.
const lib = scratchProject('lib', [tgz, pinned('xstate')]);
await step('npm i <tarball> xstate installs exactly two packages', () => {
  const names = installedPackages(lib);
  if (names.join() !== 'matrix-uia,xstate') throw new Error(`installed: ${names.join(', ')}`);
  const help = run(process.execPath, [path.join(lib, 'node_modules/.bin/matrix-uia'), '--help'], lib);
  if (!/Usage: matrix-uia/.test(help)) throw new Error(`matrix-uia --help printed:\n${help}`);
  return `${names.join(' + ')}; the matrix-uia command starts`;
});

// 4. Node consumers.
for (const file of ['node-esm.mjs', 'node-cjs.cjs', 'dual-copy.mjs']) {
  await step(`Node consumer ${file}`, () => {
    copyFileSync(path.join(CONSUMER, file), path.join(lib, file));
    return run(process.execPath, [file], lib).trim();
  });
}

// 4b. The two forms of the messages (src/errors/verbose.ts): the package's `#verbose` import gives a
// production browser build the short ones (the long text dropped as dead code), a development
// build and Node the full ones; class and code are the same.
const LONG_TEXT = ['stages is required (stageMachines, or those your app shows)', '401 body has no "flows" list', 'add ${', 'the server keeps asking for authentication'];
await step('messages: short in a production browser bundle, full in a development bundle and in Node', async () => {
  const probe = `import { createUiaActor } from 'matrix-uia';
    export function probe() { try { createUiaActor({}); } catch (e) { return e.name + ' ' + e.code + ': ' + e.message; } return 'no error'; }`;
  const outcomes = [];
  for (const [label, conditions, expected] of [
    ['production', [], 'InvalidOptionsError INVALID_OPTIONS: no stages'],
    ['development', ['development'], 'InvalidOptionsError INVALID_OPTIONS: stages is required (stageMachines, or those your app shows)'],
  ]) {
    const out = await build({ stdin: { contents: probe, resolveDir: lib, loader: 'js' }, absWorkingDir: lib, bundle: true, minify: true, format: 'esm', platform: 'browser', conditions, write: false, logLevel: 'silent' });
    const text = out.outputFiles[0].text;
    const carried = LONG_TEXT.filter((t) => text.includes(t));
    if (label === 'production' ? carried.length : carried.length !== LONG_TEXT.length) throw new Error(`${label} bundle carries ${carried.length} of ${LONG_TEXT.length} long messages: ${carried.join(' | ')}`);
    writeFileSync(path.join(lib, `probe-${label}.mjs`), text);
    const got = run(process.execPath, ['--input-type=module', '-e', `import { probe } from './probe-${label}.mjs'; console.log(probe());`], lib).trim();
    if (got !== expected) throw new Error(`${label} bundle: ${got}, expected ${expected}`);
    outcomes.push(`${label} ${(text.length / 1024).toFixed(1)} KB`);
  }
  const node = run(process.execPath, ['--input-type=module', '-e', `${probe.replace(/\bexport /, '')}\nconsole.log(probe());`], lib).trim();
  if (!node.endsWith('stages is required (stageMachines, or those your app shows)')) throw new Error(`Node: ${node}`);
  return `${outcomes.join(', ')} minified; Node full`;
});
// 4c. Jest resolves the `#verbose` import too (app test suites load the package through it):
// a test in the scratch project requires the package (node environment, full messages).
await step('Jest in the scratch project loads the package', () => {
  writeFileSync(
    path.join(lib, 'probe.test.cjs'),
    `const { createUiaActor, isUiaError } = require('matrix-uia');
    test('the package loads under Jest, with the full messages', () => {
      let error;
      try { createUiaActor({}); } catch (e) { error = e; }
      expect(isUiaError(error)).toBe(true);
      expect(error.message).toBe('stages is required (stageMachines, or those your app shows)');
    });`,
  );
  // Throws with Jest's output when the test fails (or is not found).
  run(process.execPath, [bin('jest/bin/jest.js'), '--rootDir', lib, '--config', JSON.stringify({ testEnvironment: 'node', transform: {} }), '--ci', 'probe.test.cjs'], lib, { CI: '1' });
  return `jest ${JSON.parse(readFileSync(bin('jest/package.json'), 'utf8')).version}: the test passed`;
});
cleanup(lib);

// 5 and 6 need the React peers and type packages.
const app = scratchProject(
  'app',
  [tgz, ...['xstate', 'react', 'react-dom', '@xstate/react', '@types/react', '@types/react-dom', '@types/node'].map(pinned)],
  {
    'bundler/app.ts': read('ts/app.ts'),
    'bundler/screen.tsx': read('ts/screen.tsx'),
    'bundler/tsconfig.json': JSON.stringify({
      compilerOptions: { strict: true, noEmit: true, target: 'ES2022', module: 'ESNext', moduleResolution: 'bundler', jsx: 'react-jsx', lib: ['ES2022', 'DOM'], types: ['node'], skipLibCheck: false },
      files: ['app.ts', 'screen.tsx'],
    }),
    'nodenext/app.mts': read('ts/app.ts'),
    'nodenext/app.cts': read('ts/app.ts'),
    'nodenext/tsconfig.json': JSON.stringify({
      compilerOptions: { strict: true, noEmit: true, target: 'ES2022', module: 'nodenext', moduleResolution: 'nodenext', lib: ['ES2022', 'DOM'], types: ['node'], skipLibCheck: false },
      files: ['app.mts', 'app.cts'],
    }),
    ...Object.fromEntries(readdirSync(path.join(CONSUMER, 'vite')).map((f) => [`vite/${f}`, read(`vite/${f}`)])),
  },
  { type: 'module' },
);
// 3. Every entry in both module systems, from the installed package (with the React peers).
await step('every exports entry loads with import and require', () => {
  const entries = Object.keys(pkg.exports).filter((k) => k !== './package.json').map((k) => (k === '.' ? pkg.name : `${pkg.name}/${k.slice(2)}`));
  const script = `
    import { createRequire } from 'node:module';
    const require = createRequire(import.meta.url);
    const out = [];
    for (const spec of ${JSON.stringify(entries)}) {
      const esm = await import(spec);
      const cjs = require(spec);
      const names = Object.keys(esm).filter((k) => k !== 'default');
      const missing = names.filter((k) => esm[k] === undefined || cjs[k] === undefined);
      const onlyCjs = Object.keys(cjs).filter((k) => !(k in esm) && k !== '__esModule');
      if (!names.length || missing.length || onlyCjs.length) throw new Error(spec + ': ' + names.length + ' exports, undefined: ' + missing + ', only in CJS: ' + onlyCjs);
      out.push(spec + ' ' + names.length);
    }
    console.log(out.join(', '));`;
  return run(process.execPath, ['--input-type=module', '-e', script], app).trim();
});

for (const project of ['bundler', 'nodenext']) {
  await step(`TypeScript strict, ${project}`, () => {
    run(process.execPath, [bin('typescript/bin/tsc'), '-p', path.join(app, project, 'tsconfig.json')], app);
    return `tsc ${JSON.parse(readFileSync(bin('typescript/package.json'), 'utf8')).version}, skipLibCheck off`;
  });
}
await step('Vite production build of a React page on matrix-uia/react', () => {
  const dir = path.join(app, 'vite');
  run(process.execPath, [bin('vite/bin/vite.js'), 'build'], dir);
  const assets = readdirSync(path.join(dir, 'dist', 'assets')).filter((f) => f.endsWith('.js'));
  if (!assets.length) throw new Error('no JavaScript in dist/assets');
  const js = readFileSync(path.join(dir, 'dist', 'assets', assets[0]), 'utf8');
  if (!js.includes('m.login.password')) throw new Error('the page bundle has no password stage');
  // A production build: the package's `#verbose` import resolved to the short messages.
  if (!js.includes('bad 401 flows') || js.includes('401 body has no')) throw new Error('the page bundle does not have the short messages of a production build');
  return `vite ${JSON.parse(readFileSync(bin('vite/package.json'), 'utf8')).version}, ${assets.length} JS asset(s), ${(js.length / 1024).toFixed(1)} KB minified (React included)`;
});
cleanup(app);

console.log(failures ? `${failures} package check(s) failed` : 'package checks passed');
process.exitCode = failures ? 1 : 0;

