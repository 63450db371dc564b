/**
 * Builds the package into dist/, unbundled: one ES module (.mjs) and one CommonJS module (.cjs)
 * per source module of machines/ and src/ (the CLI aside), with declarations for each format
 * (.d.mts beside the .mjs, .d.cts beside the .cjs).
 *
 * Why unbundled: an app's bundler can only drop what it does not import when the package's
 * modules are separate files (`sideEffects: false` then drops whole files). A bundled
 * dist/index.mjs made every app ship all nine stage machines. It also gives every entry one
 * identity for the core: `matrix-uia/fetch` and `matrix-uia` import the same
 * dist/src/errors.mjs, so `instanceof` works across entries without any trick.
 *
 * How: esbuild with `bundle: true` and a plugin that marks every relative import external and
 * rewrites it to the output file it names (`./errors` → `./errors.mjs` / `./errors.cjs`,
 * `../machines/stages` → `../machines/stages/index.mjs`), so each output file is exactly one
 * source module and Node's ESM resolver finds its imports. tsc writes the declarations once
 * (dist/types, removed afterwards); each .d.ts is copied to .d.mts and .d.cts with its relative
 * specifiers rewritten the same way, so TypeScript's node16/nodenext resolution reads ESM types
 * under `import` and CJS types under `require`.
 *
 * The CLI (src/cli/main.ts) is a program, not a library: it is bundled into one file,
 * dist/cli.cjs, with everything it imports (commander, @inquirer/*, the library itself) except
 * Node's builtins and xstate (a peer, installed with the package), so library users install no
 * runtime dependency.
 *
 * No source maps are shipped: the output is not minified and keeps each source module's file
 * name, so stack traces already point at a readable file; maps would have to carry the sources
 * (src/ is not shipped) and would double the tarball for no gain in an app's bundle.
 */
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
// `--out <dir>` builds elsewhere than dist/: a test that packs its own tarball builds into a
// private folder, so it never rewrites the dist/ another run (a second `npm test`) is reading.
const outArg = process.argv.indexOf('--out');
const dist = outArg > 0 && process.argv[outArg + 1] ? path.resolve(process.argv[outArg + 1]) : path.join(root, 'dist');

/** Every source file of the library: machines/ and src/ without the CLI and tests. */
function librarySources() {
  const out = [];
  const walk = (dir) => {
    for (const name of readdirSync(dir)) {
      const file = path.join(dir, name);
      const rel = path.relative(root, file);
      if (rel === path.join('src', 'cli')) continue;
      if (statSync(file).isDirectory()) walk(file);
      else if (/\.tsx?$/.test(name) && !/\.(test|d)\.tsx?$/.test(name)) out.push(file);
    }
  };
  walk(path.join(root, 'machines'));
  walk(path.join(root, 'src'));
  return out.sort();
}

/** The source file a relative specifier names (TypeScript's extensionless / directory imports). */
function resolveSource(fromDir, spec) {
  const base = path.resolve(fromDir, spec.replace(/\.(m|c)?js$/, ''));
  return [base + '.ts', base + '.tsx', path.join(base, 'index.ts'), path.join(base, 'index.tsx')].find((c) => existsSync(c));
}

/** `./errors` → `./errors.mjs` (or `.cjs`), relative to the importing file. */
function rewriteSpecifier(fromDir, spec, ext) {
  const file = resolveSource(fromDir, spec);
  if (!file) throw new Error(`cannot resolve ${spec} from ${path.relative(root, fromDir)}`);
  let rel = path.relative(fromDir, file).replace(/\.tsx?$/, ext).split(path.sep).join('/');
  if (!rel.startsWith('.')) rel = './' + rel;
  return rel;
}

// Relative specifiers in `from '…'`, `import('…')`, `import '…'` and `require('…')`, including tsc's
// `import(".")` in declarations.
const SPECIFIER = /(\bfrom\s*|\bimport\s*\(\s*|\bimport\s+|\brequire\s*\(\s*)(['"])(\.\.?(?:\/[^'"]*)?)\2/g;

/**
 * `text` (a module of `sourceDir`) with every relative specifier pointed at the output file it
 * names; throws for one that names no library module (a test helper, the CLI).
 */
function rewriteSpecifiers(text, sourceDir, ext, entries) {
  return text.replace(SPECIFIER, (_, head, q, spec) => {
    const file = resolveSource(sourceDir, spec);
    if (!file || (entries && !entries.has(file))) throw new Error(`${path.relative(root, sourceDir)}: ${spec} is not a library module`);
    // The message flag is the package's `#verbose` import: which file it is depends on the app's
    // build (package.json `imports`; src/errors/verbose.ts says which when).
    if (file === VERBOSE_SOURCE) return `${head}${q}#verbose${q}`;
    return `${head}${q}${rewriteSpecifier(sourceDir, spec, ext)}${q}`;
  });
}

/** The module whose `VERBOSE` says whether messages are written out in full (src/errors/verbose.ts). */
const VERBOSE_SOURCE = path.join(root, 'src', 'errors', 'verbose.ts');

/**
 * The production variant of the compiled verbose.ts (`VERBOSE = false`), written beside it as
 * verbose.production.mjs / .cjs: what `#verbose` resolves to in a production browser build, where
 * the app's bundler inlines the constant and drops every long message.
 */
function productionFlag(text) {
  const out = text.replace(/\bVERBOSE = true\b/, 'VERBOSE = false');
  if (out === text) throw new Error('src/errors/verbose.ts: no `VERBOSE = true` in its output');
  return out;
}

/** Marks the packages whose names match `filter` free of side effects (tree-shaken per module). */
function sideEffectFree(filter) {
  return {
    name: 'side-effect-free',
    setup(b) {
      b.onResolve({ filter }, async (args) => {
        if (args.pluginData === 'resolved') return undefined;
        const r = await b.resolve(args.path, { kind: args.kind, resolveDir: args.resolveDir, importer: args.importer, pluginData: 'resolved' });
        return r.errors.length ? undefined : { ...r, sideEffects: false };
      });
    },
  };
}

/** The licence text of every third-party package bundled into the CLI (their licences ask for it). */
function thirdPartyNotices(metafile) {
  const dirs = new Set();
  const output = Object.values(metafile.outputs)[0];
  for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
    if (bytesInOutput === 0) continue;
    const m = /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(input);
    if (m) dirs.add(m[1]);
  }
  const parts = ['Third-party software bundled into dist/cli.cjs (the matrix-uia command line), with its licences.', ''];
  for (const dir of [...dirs].sort()) {
    const abs = path.join(root, dir);
    const pkg = JSON.parse(readFileSync(path.join(abs, 'package.json'), 'utf8'));
    const licenceFile = readdirSync(abs).find((n) => /^(licen[cs]e|copying)/i.test(n));
    parts.push('='.repeat(78), `${pkg.name}@${pkg.version} (${pkg.license ?? 'see below'})`, '');
    parts.push(licenceFile ? readFileSync(path.join(abs, licenceFile), 'utf8').trim() : `License: ${pkg.license}`, '');
  }
  return parts.join('\n');
}

rmSync(dist, { recursive: true, force: true });
const sources = librarySources();
const entrySet = new Set(sources);

for (const [format, ext] of [
  ['esm', '.mjs'],
  ['cjs', '.cjs'],
]) {
  // Not bundled (`bundle: false`): each module is compiled on its own, so its top-level `const`s stay
  // `const`. Bundling turns them into `var`, and an app's bundler inlines a constant from another
  // module (limits.ts's numbers into the 401 checks) only when it is a `const`: 43 B gzipped of the
  // password dialog. Specifiers are rewritten after (rewriteSpecifiers); `isolatedModules` keeps every
  // module compilable alone (type-only imports are marked so and dropped).
  const result = await build({
    entryPoints: sources,
    outdir: dist,
    outbase: root,
    outExtension: { '.js': ext },
    bundle: false,
    format,
    platform: 'neutral',
    target: 'es2022',
    sourcemap: false,
    write: false,
    logLevel: 'warning',
  });
  for (const out of result.outputFiles) {
    const source = path.join(root, path.relative(dist, out.path)).replace(/\.(m|c)js$/, '');
    const sourceDir = path.dirname(source);
    mkdirSync(path.dirname(out.path), { recursive: true });
    writeFileSync(out.path, rewriteSpecifiers(out.text, sourceDir, ext, entrySet));
    if (source + '.ts' === VERBOSE_SOURCE) writeFileSync(out.path.replace(/\.(m|c)js$/, '.production.$1js'), productionFlag(out.text));
  }
  console.log(`built ${sources.length} ${format} modules`);
}

if (existsSync(path.join(root, 'src/cli/main.ts'))) {
  const result = await build({
    entryPoints: [path.join(root, 'src/cli/main.ts')],
    outfile: path.join(dist, 'cli.cjs'),
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    banner: { js: '#!/usr/bin/env node' },
    // Everything but Node's builtins and the xstate peer is bundled: commander, @inquirer/* and
    // whatever else the CLI comes to import are devDependencies, not the library users'.
    external: ['xstate', 'xstate/*'],
    // ES modules of the dependencies, so unused prompts (the editor prompt and its encoding
    // tables, 0.7 MB) are dropped; @inquirer/prompts re-exports every prompt and does not declare
    // itself free of side effects, which its packages are.
    mainFields: ['module', 'main'],
    conditions: ['import'],
    plugins: [sideEffectFree(/^@inquirer\//)],
    // Not mangled: identifiers stay readable in a stack trace.
    minifyWhitespace: true,
    minifySyntax: true,
    legalComments: 'none',
    metafile: true,
    logLevel: 'warning',
  });
  writeFileSync(path.join(dist, 'cli.licenses.txt'), thirdPartyNotices(result.metafile));
  console.log('built cli (bundled, with dist/cli.licenses.txt)');
}

// Declarations: one tsc run, then a .d.mts and a .d.cts per module with rewritten specifiers.
const typesDir = path.join(dist, 'types');
execFileSync(process.execPath, [path.join(root, 'node_modules/typescript/bin/tsc'), '-p', path.join(root, 'tsconfig.build.json'), '--outDir', typesDir], { stdio: 'inherit' });
let declarations = 0;
const copyDeclarations = (dir) => {
  for (const name of readdirSync(dir)) {
    const file = path.join(dir, name);
    if (statSync(file).isDirectory()) {
      copyDeclarations(file);
      continue;
    }
    if (!name.endsWith('.d.ts')) continue;
    const rel = path.relative(typesDir, file);
    const sourceDir = path.dirname(path.join(root, rel));
    const text = readFileSync(file, 'utf8');
    for (const [dts, ext] of [
      ['.d.mts', '.mjs'],
      ['.d.cts', '.cjs'],
    ]) {
      const out = path.join(dist, rel.replace(/\.d\.ts$/, dts));
      mkdirSync(path.dirname(out), { recursive: true });
      writeFileSync(out, rewriteSpecifiers(text, sourceDir, ext));
    }
    declarations++;
  }
};
copyDeclarations(typesDir);
rmSync(typesDir, { recursive: true, force: true });
console.log(`built ${declarations} declarations (.d.mts and .d.cts)`);
