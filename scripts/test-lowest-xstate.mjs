/**
 * `npm run test:lowest-xstate`: the suite's core on the oldest xstate the peer range allows.
 *
 * package.json's `xstate` peer range starts at the version of the `xstate-lowest`
 * devDependency (an npm alias, e.g. `npm:xstate@5.20.0`); this script checks that the two agree
 * and runs jest with every import of xstate (the library's, the tests' and @xstate/react's)
 * mapped to that copy (jest.config.js, `MATRIX_UIA_XSTATE`).
 *
 * Subset: the charts and stage machines (single transitions, reachability and model-based paths),
 * the scenarios over real HTTP, persistence, the React hook, the unit and property tests, the
 * examples. These exercise everything the library asks of xstate; the rest (the browser in
 * Chromium, the terminal client in tmux, matrix-js-sdk comparisons, docs freshness) adds no xstate
 * API and would double CI time. Why 5.20.0: `xstate/graph` (the model-based tests' path
 * generator) first ships in 5.20.0; the library itself passed the other suites from 5.13 on.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
const installed = JSON.parse(readFileSync(path.join(root, 'node_modules/xstate-lowest/package.json'), 'utf8')).version;
const range = pkg.peerDependencies.xstate;
const floor = /^\^(\d+\.\d+\.\d+)$/.exec(range)?.[1];
if (floor !== installed) {
  console.error(`peer range xstate ${range} does not start at xstate-lowest ${installed}: keep them together`);
  process.exit(1);
}
console.log(`xstate ${installed} (the floor of the peer range ${range})`);
const dirs = ['test/machines', 'test/model', 'test/scenarios', 'test/persistence', 'test/react', 'test/unit', 'test/properties', 'test/examples', 'test/regressions', 'test/fetch'];
const jest = spawnSync(process.execPath, [path.join(root, 'node_modules/jest/bin/jest.js'), ...dirs], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, MATRIX_UIA_XSTATE: 'xstate-lowest' },
});
process.exit(jest.status ?? 1);
