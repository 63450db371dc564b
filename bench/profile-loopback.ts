/**
 * Profiles one loopback client alone, for `node --cpu-prof`: where the CPU of a negotiation over
 * 127.0.0.1 goes (bench/loopback.ts measures; this explains). Bundled like the bench
 * (no `keepNames`), so the profile shows the code users run:
 *
 *   npx esbuild bench/profile-loopback.ts --bundle --platform=node --target=node20 --outfile=node_modules/.cache/profile-loopback.cjs
 *   node --cpu-prof --cpu-prof-dir=/tmp/prof node_modules/.cache/profile-loopback.cjs uia 3000
 *
 * Arguments: the client id (`uia`, `sdk43`, `dropIn`, `minimal`) and the number of negotiations
 * (after 300 warm-up ones). Prints the CPU ms per negotiation.
 */
import { installPolyfills } from './polyfills';
import { startHomeserver } from '../src/testing';
import { clients } from './loopback';
import { PASSWORD, USER_ID } from './scenarios';

async function main(): Promise<void> {
  installPolyfills();
  const [id = 'uia', count = '3000'] = process.argv.slice(2);
  const s = await startHomeserver({ users: [{ userId: USER_ID, password: PASSWORD, devices: ['MAIN'] }] });
  try {
    const client = clients(s).find((c) => c.id === id);
    if (!client) throw new Error(`no client ${id}`);
    for (let i = 0; i < 300; i++) await client.run();
    const c0 = process.cpuUsage();
    const n = Number(count);
    for (let i = 0; i < n; i++) await client.run();
    const c = process.cpuUsage(c0);
    console.log(`${id}: ${((c.user + c.system) / 1e3 / n).toFixed(3)} CPU ms per negotiation`);
  } finally {
    await s.close();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
