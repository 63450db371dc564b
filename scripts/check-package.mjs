/**
 * Loads every built entry the way an app would (through the package's own `exports` map, in
 * both module systems) and checks that each named export is defined. Catches a non-core entry
 * importing a core name that src/index.ts does not export (see scripts/build.mjs).
 */
import { createRequire } from 'node:module';
import { existsSync, readFileSync } from 'node:fs';

const require = createRequire(import.meta.url);
const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
let failures = 0;
for (const [sub, target] of Object.entries(pkg.exports)) {
  if (typeof target === 'string') continue;
  const spec = sub === '.' ? pkg.name : `${pkg.name}/${sub.slice(2)}`;
  if (!existsSync(new URL(`../${target.require}`, import.meta.url))) {
    console.log(`-  ${spec}: not built (no source)`);
    continue;
  }
  const cjs = require(spec);
  const esm = await import(spec);
  const names = Object.keys(esm).filter((k) => k !== 'default');
  const missing = names.filter((k) => esm[k] === undefined || cjs[k] === undefined);
  if (missing.length || names.length === 0) {
    failures++;
    console.log(`✗ ${spec}: ${names.length} exports, undefined: ${missing.join(', ') || '(none exported)'}`);
  } else {
    console.log(`✓ ${spec}: ${names.length} exports (esm and cjs)`);
  }
}
process.exit(failures ? 1 : 0);
