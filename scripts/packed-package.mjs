/**
 * What users install is what we check: the packed tarball, installed with npm into scratch
 * projects outside the repository (the OS temp directory), so nothing resolves from the repo's own
 * node_modules or src/. Used by scripts/check-package.mjs (lint, install, consumer smoke tests)
 * and scripts/check-size.ts (the size budget).
 *
 * `MATRIX_UIA_TARBALL=<file>` reuses a tarball packed earlier (CI packs once); otherwise
 * `npm pack` runs here, and its `prepack` builds dist/.
 *
 * Peer versions come from the repo's own devDependencies (the versions the suite runs on), so the
 * scratch installs are pinned and served from npm's cache after the first run.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8'));

/** `name@version` as pinned in the repo's devDependencies (npm aliases resolved to the real name). */
export function pinned(name) {
  const v = pkg.devDependencies[name];
  if (!v) throw new Error(`${name} is not a devDependency of ${pkg.name}`);
  return `${name}@${v}`;
}

/** The packed tarball: MATRIX_UIA_TARBALL, or a fresh `npm pack` into test-artifacts/pack/. */
export function tarball() {
  const given = process.env.MATRIX_UIA_TARBALL;
  if (given) {
    if (!existsSync(given)) throw new Error(`MATRIX_UIA_TARBALL=${given} does not exist`);
    return path.resolve(given);
  }
  const dest = path.join(ROOT, 'test-artifacts', 'pack');
  rmSync(dest, { recursive: true, force: true });
  mkdirSync(dest, { recursive: true });
  const out = execFileSync('npm', ['pack', '--json', '--pack-destination', dest], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  const [{ filename }] = JSON.parse(out.slice(out.indexOf('[')));
  return path.join(dest, path.basename(filename));
}

/** Runs `cmd args` in `cwd`, returning stdout; throws with the output on failure. */
export function run(cmd, args, cwd, env = {}) {
  try {
    return execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  } catch (e) {
    throw new Error(`${cmd} ${args.join(' ')} (in ${path.basename(cwd)}) failed:\n${e.stdout ?? ''}${e.stderr ?? ''}`);
  }
}

/**
 * A scratch project in the OS temp directory with `deps` installed by npm (the tarball among
 * them), `files` (name → text) written into it. Removed by `cleanup()`.
 */
export function scratchProject(label, deps, files = {}, packageJson = {}) {
  const dir = mkdtempSync(path.join(os.tmpdir(), `matrix-uia-${label}-`));
  writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: `scratch-${label}`, version: '0.0.0', private: true, ...packageJson }, null, 2));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
  run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error', ...deps], dir);
  return dir;
}

/** Every package installed under `dir`/node_modules (scoped ones as `@scope/name`). */
export function installedPackages(dir) {
  const nm = path.join(dir, 'node_modules');
  const names = [];
  const walk = (d, prefix = '') => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      if (entry.name.startsWith('.')) continue;
      if (!prefix && entry.name.startsWith('@')) walk(path.join(d, entry.name), `${entry.name}/`);
      else if (entry.isDirectory() || entry.isSymbolicLink()) {
        names.push(prefix + entry.name);
        const nested = path.join(d, entry.name, 'node_modules');
        if (existsSync(nested)) walk(nested);
      }
    }
  };
  if (existsSync(nm)) walk(nm);
  return names.sort();
}

/** Removes a scratch project (kept when MATRIX_UIA_KEEP_SCRATCH is set, to look into it). */
export function cleanup(dir) {
  if (process.env.MATRIX_UIA_KEEP_SCRATCH) console.log(`  (kept ${dir})`);
  else rmSync(dir, { recursive: true, force: true });
}
