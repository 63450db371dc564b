/**
 * Profiles one loopback client alone, for `node --cpu-prof`: where the CPU of a negotiation over
 * 127.0.0.1 goes (bench/loopback.ts measures; this explains). Bundled like the bench
 * (no `keepNames`), so the profile shows the code users run:
 *
 *   npx esbuild bench/profile-loopback.ts --bundle --platform=node --target=node20 --outfile=node_modules/.cache/profile-loopback.cjs
 *   node --cpu-prof --cpu-prof-dir=test-artifacts/profiles node_modules/.cache/profile-loopback.cjs uia 3000
 *
 * Arguments: the client id (`uia`, `sdk43`, `dropIn`, `minimal`, `raw` (no library), or `runUiaPlainFetch` / `runUiaClient`: runUia
 * over the plain fetch / over the fetch client's `uiaRequest`) and the number of negotiations
 * (after 300 warm-up ones). Prints the CPU ms per negotiation. Several ids, comma-separated, take
 * turns in blocks of 100 in one process (`node --expose-gc … sdk43,minimal,uia 1000`): ratios read
 * within one run, as in the bench.
 */
import { installPolyfills } from './polyfills';
import { startHomeserver } from '../src/testing';
import { runUia } from '../src/api/run-uia';
import { createMatrixClient, uiaRequest } from '../src/fetch';
import { clients, fetchDoRequest } from './loopback';
import { PASSWORD, USER_ID } from './scenarios';

function fail(id: string): never {
  throw new Error(`no client ${id}`);
}

async function main(): Promise<void> {
  installPolyfills();
  const [id = 'uia', count = '3000'] = process.argv.slice(2);
  const s = await startHomeserver({ users: [{ userId: USER_ID, password: PASSWORD, devices: ['MAIN'] }] });
  try {
    const token = s.server.createAccessToken(USER_ID, 'MAIN');
    const plain = fetchDoRequest(`${s.url}/_matrix/client/v3/account/password`, token);
    const fetchClient = createMatrixClient({ baseUrl: s.url, accessToken: token });
    const request = uiaRequest(fetchClient, 'POST', '/_matrix/client/v3/account/password', { new_password: PASSWORD, logout_devices: false });
    // Beside the bench's rows: runUia over the plain fetch, and over the fetch client without the
    // endpoint helper, to tell the fetch client's share from the endpoint helper's and runUia's.
    // And `raw`: the same two requests with no library at all (the 401, then the password with its
    // session), the transport's own cost, which bounds every client's ratio to matrix-js-sdk here.
    const auth = { type: 'm.login.password', identifier: { type: 'm.id.user', user: USER_ID }, password: PASSWORD };
    const raw = async () => {
      let session: string | undefined;
      try {
        await plain(null);
      } catch (e) {
        session = (e as { data?: { session?: string } }).data?.session;
      }
      await plain({ ...auth, session });
    };
    const extra = [
      { id: 'raw', run: raw },
      { id: 'runUiaPlainFetch', run: () => runUia({ request: (auth) => plain(auth), userId: USER_ID, handlers: { password: () => PASSWORD } }) },
      { id: 'runUiaClient', run: () => runUia({ request, userId: USER_ID, handlers: { password: () => PASSWORD } }) },
    ];
    const all = [...clients(s), ...extra];
    if (id.includes(',')) {
      // Several ids: they take turns in blocks of 100 (as in the bench); CPU ms per negotiation each.
      const chosen = id.split(',').map((x) => all.find((c) => c.id === x) ?? fail(x));
      const cpu = chosen.map(() => 0);
      const n = Number(count);
      for (let warm = 0; warm < 2; warm++) for (const c of chosen) for (let i = 0; i < 100; i++) await c.run();
      for (let done = 0; done < n; done += 100) {
        for (let k = 0; k < chosen.length; k++) {
          (globalThis as { gc?: () => void }).gc?.();
          const c0 = process.cpuUsage();
          for (let i = 0; i < 100; i++) await chosen[k]!.run();
          const c = process.cpuUsage(c0);
          cpu[k]! += c.user + c.system;
        }
      }
      chosen.forEach((c, k) => console.log(`${c.id.padEnd(18)} ${(cpu[k]! / 1e3 / n).toFixed(3)} CPU ms per negotiation, ${(cpu[0]! / cpu[k]!).toFixed(2)}× the rate of ${chosen[0]!.id}`));
      return;
    }
    const client = all.find((c) => c.id === id) ?? fail(id);
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
