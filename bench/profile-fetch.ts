/**
 * The fetch client's own cost per request, apart from any negotiation: one POST to a loopback
 * HTTP server that answers `{}` at once, made five ways, taking turns in blocks of 500 in one
 * process, and the CPU (client and server, both in this process) per request printed for each:
 *
 * - `plain`: `fetch` + `res.json()`, what the bench's matrix-js-sdk rows use;
 * - `signal`: the same with an `AbortController`'s signal, as every request of a negotiation
 *   has one (XState aborts it when the chart leaves the state);
 * - `signalTimer`: with that signal and a 30 s timeout timer, set and cleared;
 * - `signalAny`: `AbortSignal.any` of that signal and `AbortSignal.timeout(30 s)`, the other way
 *   to combine an abort with a time limit;
 * - `client`: `createMatrixClient(...).request` with a signal, as `uiaRequest` calls it (time
 *   limit, size limit, redirect and origin checks, typed errors);
 * - `clientNoTimeout`: the client with `timeoutMs: 0` and no signal.
 *
 * So it says which part of the client's cost is the abort and timeout machinery, which any
 * abortable, time-limited request pays, and which is the client's own. Bundled like the bench:
 *
 *   npx esbuild bench/profile-fetch.ts --bundle --platform=node --target=node20 --outfile=node_modules/.cache/profile-fetch.cjs
 *   node node_modules/.cache/profile-fetch.cjs [ways, comma-separated] [rounds]
 */
import http from 'node:http';
import { createMatrixClient } from '../src/fetch';

const PATH = '/_matrix/client/v3/account/password';
const BLOCK = 500;

async function main(): Promise<void> {
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '2' });
      res.end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  const url = base + PATH;
  const client = createMatrixClient({ baseUrl: base, accessToken: 'token' });
  const body = { new_password: 'correct horse', logout_devices: false };
  const headers = { 'Content-Type': 'application/json', Authorization: 'Bearer token' };
  const ways: Record<string, () => Promise<unknown>> = {
    plain: async () => (await fetch(url, { method: 'POST', headers, body: JSON.stringify(body) })).json(),
    signal: async () => {
      const ac = new AbortController();
      return (await fetch(url, { method: 'POST', headers, body: JSON.stringify(body), signal: ac.signal })).json();
    },
    signalTimer: async () => {
      const ac = new AbortController();
      const timer = setTimeout(() => ac.abort(), 30_000);
      try {
        return await (await fetch(url, { method: 'POST', headers, body: JSON.stringify(body), signal: ac.signal })).json();
      } finally {
        clearTimeout(timer);
      }
    },
    signalAny: async () => {
      const ac = new AbortController();
      return (await fetch(url, { method: 'POST', headers, body: JSON.stringify(body), signal: AbortSignal.any([ac.signal, AbortSignal.timeout(30_000)]) })).json();
    },
    client: () => client.request('POST', PATH, body, { signal: new AbortController().signal }),
    clientNoTimeout: () => client.request('POST', PATH, body, { timeoutMs: 0 }),
  };
  const [list = Object.keys(ways).join(','), roundsArg = '6'] = process.argv.slice(2);
  const names = list.split(',');
  for (const n of names) if (!ways[n]) throw new Error(`no way ${n}: one of ${Object.keys(ways).join(', ')}`);
  for (const n of names) for (let i = 0; i < BLOCK; i++) await ways[n]!();
  const cpu: Record<string, number> = {};
  const rounds = Number(roundsArg);
  for (let r = 0; r < rounds; r++) {
    for (const n of names) {
      const c0 = process.cpuUsage();
      for (let i = 0; i < BLOCK; i++) await ways[n]!();
      const c = process.cpuUsage(c0);
      cpu[n] = (cpu[n] ?? 0) + c.user + c.system;
    }
  }
  console.log(names.map((n) => `${n} ${(cpu[n]! / (rounds * BLOCK)).toFixed(0)} µs`).join('   '));
  server.close();
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
