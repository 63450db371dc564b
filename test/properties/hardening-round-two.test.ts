/**
 * Properties for issue 14's hardening (items 1, 5, 7, 8):
 *
 * - whatever `completed` lists the server answers with (stages of the flow, repeats, junk) and
 *   whichever stages submit by themselves, a negotiation that no user answers ends within
 *   `LIMITS.maxUnattendedRequests` + 2 requests, with a typed error or a result;
 * - the copy kept of an error body (`keepUntrusted`) never throws, is plain JSON at most
 *   `LIMITS.maxKeptChars` long (or just `errcode`/`error`), and holds no value that sat under a
 *   credential key, however the body nests it (objects, arrays, JSON text);
 * - a real persisted snapshot tampered at a random path with a random value is either refused by
 *   `checkUiaSnapshot` with a typed error, or restores into an actor that never reaches XState's
 *   `error` status and polls at most once per 50 ms.
 */
import fc from 'fast-check';
import { stageMachines } from '../../machines/stages';
import { createUiaActor } from '../../src/api/create-uia-machine';
import { isUiaError } from '../../src/errors/errors';
import { LIMITS } from '../../src/decisions/limits';
import { checkUiaSnapshot } from '../../src/api/restore-snapshot';
import { runUia } from '../../src/api/run-uia';
import type { AuthDict } from '../../src/types';
import { keepUntrusted } from '../../src/secrets/untrusted';
import { checkProperty, Tally, propertyTimeout } from '../helpers/fuzz-report';
import { HttpError } from '../helpers/http-error';


const AUTO = ['m.login.dummy', 'm.login.registration_token', 'org.matrix.msc3231.login.registration_token'];

test('no unattended negotiation makes more than maxUnattendedRequests + 2 requests, whatever completed does', async () => {
  const tally = new Tally();
  await checkProperty(
    fc.asyncProperty(
      fc.array(fc.subarray([...AUTO, 'x0', 'x1', 'm.login.dummy']), { minLength: 1, maxLength: 40 }),
      fc.array(fc.shuffledSubarray(AUTO, { minLength: 1 }), { minLength: 1, maxLength: 40 }),
      async (completions, flows) => {
        let n = 0;
        const request = async (auth: AuthDict | null): Promise<unknown> => {
          n++;
          if (n > 200) return { stormed: true };
          throw new HttpError(401, { session: 'S', flows: [{ stages: flows[n % flows.length] }], completed: auth === null ? [] : completions[n % completions.length] });
        };
        const outcome = await runUia({ request, inputs: { registrationToken: 'tok-1' } }).then(
          () => 'resolved',
          (e: unknown) => (isUiaError(e) ? e.code : 'untyped'),
        );
        tally.add('outcome', outcome);
        tally.add('requests', n <= 3 ? '≤ 3' : n <= 10 ? '4-10' : '11+');
        if (outcome === 'untyped') throw new Error('an untyped rejection');
        if (n > LIMITS.maxUnattendedRequests + 2) throw new Error(`${n} requests without the user`);
      },
    ),
    {
      suite: 'hardening-round-two',
      property: 'a negotiation nobody answers ends within maxUnattendedRequests + 2 requests, typed',
      tried: 'random completed lists (flow stages, repeats, junk) × random flows of stages that submit by themselves (dummy, preset registration tokens)',
      tally,
      scale: 0.5,
    },
  );
}, propertyTimeout());

/** A generated body with distinctive secrets under credential keys, nested anywhere (JSON text too). */
const secret = fc.string({ minLength: 6, maxLength: 12 }).map((s) => `Sx${s.replace(/[^a-zA-Z0-9]/g, 'q')}Zq`);
const secretKey = fc.constantFrom('password', 'new_password', 'access_token', 'token', 'Authorization', 'client_secret', 'code', 'response');
const bodyArb = fc.letrec<{ body: unknown }>((tie) => ({
  body: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.jsonValue({ maxDepth: 2 }),
    fc.record({ k: secretKey, v: secret, rest: tie('body') }).map(({ k, v, rest }) => ({ [k]: v, rest })),
    fc.array(tie('body'), { maxLength: 3 }),
    tie('body').map((b) => `failed: ${JSON.stringify(b)}`),
    fc.record({ errcode: fc.string(), error: fc.string(), auth: tie('body') }),
  ),
})).body;

/** Every secret placed under a credential key in `v` (walking JSON text too). */
function placedSecrets(v: unknown, out: string[] = []): string[] {
  if (typeof v === 'string') {
    const at = v.indexOf('{');
    if (at >= 0) {
      try {
        placedSecrets(JSON.parse(v.slice(at)), out);
      } catch {
        // not JSON
      }
    }
    return out;
  }
  if (typeof v !== 'object' || v === null) return out;
  for (const [k, item] of Object.entries(v)) {
    if (typeof item === 'string' && /^Sx/.test(item) && /password|token|secret|authorization|^code$|^response$/i.test(k)) out.push(String(item));
    else placedSecrets(item, out);
  }
  return out;
}

test('the copy kept of an error body is bounded, plain JSON, and never holds a credential', async () => {
  const tally = new Tally();
  await checkProperty(
    fc.property(bodyArb, fc.integer({ min: 20, max: 2000 }), (body, max) => {
      const kept = keepUntrusted(body, max);
      const json = JSON.stringify(kept) ?? '';
      const secrets = placedSecrets(body);
      tally.add('secrets placed', secrets.length === 0 ? 'none' : secrets.length < 3 ? '1-2' : '3+');
      tally.add('kept', json.length > max ? 'errcode/error only' : kept === undefined ? 'nothing' : 'whole copy');
      for (const s of secrets) if (json.includes(s)) throw new Error(`secret ${s} kept: ${json.slice(0, 200)}`);
      if (json.length > max) {
        const k = kept as Record<string, unknown>;
        if (Object.keys(k).some((key) => key !== 'errcode' && key !== 'error')) throw new Error('an oversize body kept more than errcode and error');
      }
      if (JSON.stringify(JSON.parse(json || 'null')) !== (json || 'null')) throw new Error('not plain JSON');
    }),
    {
      suite: 'hardening-round-two',
      property: 'keepUntrusted: bounded, plain JSON, no value under a credential key survives (objects, arrays, JSON text)',
      tried: 'generated bodies nesting secrets under credential keys in objects, arrays and JSON text, limits 20-2000 characters',
      tally,
    },
  );
}, propertyTimeout());

beforeAll(() => jest.useFakeTimers());
afterAll(() => jest.useRealTimers());

test('a tampered snapshot is refused with a typed error, or restores into a chart that never errors or storms', async () => {
  const ssoServer = () => {
    const calls: number[] = [];
    const request = async (): Promise<unknown> => {
      calls.push(Date.now());
      throw new HttpError(401, { session: 'S', flows: [{ stages: ['m.login.sso'] }] });
    };
    return { calls, request };
  };
  const s0 = ssoServer();
  const first = createUiaActor({ stages: stageMachines, request: s0.request, homeserverUrl: 'https://hs.example' });
  first.start();
  first.send({ type: 'START' });
  await jest.advanceTimersByTimeAsync(10);
  const base = JSON.stringify(first.getPersistedSnapshot());
  first.stop();

  /** Paths of every value in the snapshot. */
  const paths: string[][] = [];
  const walk = (v: unknown, path: string[]) => {
    paths.push(path);
    if (typeof v === 'object' && v !== null) for (const [k, item] of Object.entries(v)) walk(item, [...path, k]);
  };
  walk(JSON.parse(base), []);
  const tally = new Tally();
  await checkProperty(
    fc.asyncProperty(
      fc.constantFrom(...paths.filter((p) => p.length > 0)),
      fc.oneof(fc.constantFrom(0, -1, Number.NaN, null, '5', 'x', true, [], {}, 1e12, '[sealed]'), fc.jsonValue({ maxDepth: 2 })),
      async (path, value) => {
        const saved = JSON.parse(base) as Record<string, unknown>;
        let at: Record<string, unknown> = saved;
        for (const k of path.slice(0, -1)) at = at[k] as Record<string, unknown>;
        at[path.at(-1)!] = value;
        let checked;
        try {
          checked = checkUiaSnapshot(saved);
        } catch (e) {
          if (!isUiaError(e) || (e.code !== 'INVALID_OPTIONS' && e.code !== 'PROTOCOL')) throw new Error(`untyped refusal: ${String(e)}`);
          tally.add('outcome', `refused (${e.code})`);
          return;
        }
        const s = ssoServer();
        const actor = createUiaActor({ stages: stageMachines, request: s.request, snapshot: checked });
        actor.subscribe({ error: () => {} });
        actor.start();
        await jest.advanceTimersByTimeAsync(1000);
        const status = actor.getSnapshot().status;
        actor.stop();
        tally.add('outcome', `restored (${status})`);
        if (status === 'error') throw new Error(`restored chart errored at ${path.join('.')} = ${JSON.stringify(value)}`);
        if (s.calls.length > 21) throw new Error(`${s.calls.length} requests in 1 s at ${path.join('.')} = ${JSON.stringify(value)}`);
      },
    ),
    {
      suite: 'hardening-round-two',
      property: 'a tampered snapshot is refused (typed) or restores into a chart that never errors and polls at most every 50 ms',
      tried: 'a persisted polling snapshot with one value at a random path replaced by a random value (numbers out of range, wrong types, JSON values)',
      tally,
      scale: 0.5,
    },
  );
}, propertyTimeout());
