/**
 * Profiles one client of the CPU section alone, for `node --cpu-prof`: where a negotiation's CPU
 * goes over the in-process endpoint (bench/cpu.ts measures; this explains). Bundled like the
 * bench (no `keepNames`):
 *
 *   npx esbuild bench/profile-cpu.ts --bundle --platform=node --target=node20 --outfile=node_modules/.cache/profile-cpu.cjs
 *   node --cpu-prof --cpu-prof-dir=test-artifacts/profiles node_modules/.cache/profile-cpu.cjs runUia password 20000
 *
 * Arguments: the library id (bench/libraries.ts), the scenario id (bench/scenarios.ts) and the
 * number of negotiations (after 2,000 warm-up ones). Prints the CPU µs per negotiation.
 */
import { installPolyfills } from './polyfills';
import { LIBRARIES } from './libraries';
import { scenario } from './scenarios';
import { createUiaEndpoint } from './uia-endpoint';

async function main(): Promise<void> {
  installPolyfills();
  const [id = 'runUia', scenarioId = 'password', count = '20000'] = process.argv.slice(2);
  const lib = LIBRARIES.find((l) => l.id === id);
  if (!lib) throw new Error(`no library ${id}`);
  const s = scenario(scenarioId);
  const endpoint = createUiaEndpoint(s.endpoint, lib.ErrorClass);
  for (let i = 0; i < 2000; i++) await lib.run(s, endpoint);
  const n = Number(count);
  const c0 = process.cpuUsage();
  for (let i = 0; i < n; i++) await lib.run(s, endpoint);
  const c = process.cpuUsage(c0);
  console.log(`${id} ${scenarioId}: ${((c.user + c.system) / n).toFixed(1)} CPU µs per negotiation`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
