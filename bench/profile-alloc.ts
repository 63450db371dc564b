/**
 * Explains the garbage part of the CPU section: how many bytes one client allocates per
 * negotiation, collected objects included, and in which functions. V8's sampling heap profiler
 * (through `node:inspector`, with `includeObjectsCollectedByMajorGC/MinorGC`, so short-lived
 * objects count too) samples about every `interval` bytes allocated; each function's self bytes
 * are divided by the number of negotiations run. Bundled like the bench (no `keepNames`):
 *
 *   npx esbuild bench/profile-alloc.ts --bundle --platform=node --target=node20 --outfile=node_modules/.cache/profile-alloc.cjs
 *   node node_modules/.cache/profile-alloc.cjs actor password 5000
 *
 * Arguments: the library id (bench/libraries.ts), the scenario id (bench/scenarios.ts), the
 * number of negotiations (after 500 warm-up ones, not sampled) and how many rows to print.
 * Figures are estimates from samples: compare clients within one run of this script each, not
 * to the byte.
 */
import { Session } from 'node:inspector';
import { installPolyfills } from './polyfills';
import { LIBRARIES } from './libraries';
import { scenario } from './scenarios';
import { createUiaEndpoint } from './uia-endpoint';

/** The parts of a sampling heap profile this reads. */
interface ProfileNode {
  callFrame: { functionName: string; lineNumber: number };
  selfSize: number;
  children?: ProfileNode[];
}

function post<T>(session: Session, method: string, params?: object): Promise<T> {
  return new Promise((resolve, reject) => {
    session.post(method, params ?? {}, (err, result) => (err ? reject(err) : resolve(result as T)));
  });
}

/** Self bytes per function (name and line in the bundle), summed over the whole call tree. */
function bytesByFunction(head: ProfileNode): Map<string, number> {
  const out = new Map<string, number>();
  const stack = [head];
  for (let node = stack.pop(); node; node = stack.pop()) {
    const key = `${node.callFrame.functionName || '(anonymous)'} @${node.callFrame.lineNumber}`;
    out.set(key, (out.get(key) ?? 0) + node.selfSize);
    if (node.children) stack.push(...node.children);
  }
  return out;
}

async function main(): Promise<void> {
  installPolyfills();
  const [id = 'actor', scenarioId = 'password', count = '5000', rows = '25'] = process.argv.slice(2);
  const lib = LIBRARIES.find((l) => l.id === id);
  if (!lib) throw new Error(`no library ${id}`);
  const s = scenario(scenarioId);
  const endpoint = createUiaEndpoint(s.endpoint, lib.ErrorClass);
  for (let i = 0; i < 500; i++) await lib.run(s, endpoint);
  const session = new Session();
  session.connect();
  await post(session, 'HeapProfiler.enable');
  await post(session, 'HeapProfiler.startSampling', { samplingInterval: 1024, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
  const n = Number(count);
  for (let i = 0; i < n; i++) await lib.run(s, endpoint);
  const { profile } = await post<{ profile: { head: ProfileNode } }>(session, 'HeapProfiler.stopSampling');
  session.disconnect();
  const byFunction = [...bytesByFunction(profile.head)].sort((a, b) => b[1] - a[1]);
  const total = byFunction.reduce((sum, [, bytes]) => sum + bytes, 0);
  console.log(`${id} ${scenarioId}: about ${Math.round(total / n).toLocaleString('en')} B allocated per negotiation (${n} negotiations)`);
  for (const [fn, bytes] of byFunction.slice(0, Number(rows))) console.log(`${Math.round(bytes / n).toString().padStart(8)}  ${fn}`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
