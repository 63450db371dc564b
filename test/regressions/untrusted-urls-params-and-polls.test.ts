/**
 * Regression (issue 14, item 10, all but the non-JSON 2xx point, which is matrix-uia/fetch's):
 *
 * - terms policy URLs (`javascript:`) reached the handler unchecked: now checked as m.oauth URLs
 *   are, and a policy without an http(s) URL fails the stage with a `ProtocolError`;
 * - an msisdn `submit_url` with a bad scheme made runUia re-ask for the code again and again: now
 *   the stage fails the negotiation once, with a `ProtocolError`;
 * - a poll answer with a new session each time disabled the poll backoff: now such an answer
 *   counts as a poll;
 * - `params.__proto__` replaced the prototype of `context.params` (and a stage type such as
 *   `constructor` found `Object`): params are built without a prototype.
 */
import { stageMachines } from '../../machines/stages';
import { createUiaActor } from '../../src/api/create-uia-machine';
import { parseAuthChallenge } from '../../src/decisions/parse-auth-response';
import { runUia } from '../../src/api/run-uia';
import { parseTermsPolicies } from '../../src/decisions/terms';
import type { AuthDict } from '../../src/types';
import { HttpError } from '../helpers/http-error';
import { routed } from '../helpers/wait';


test.each(['javascript:alert(1)', 'data:text/html,<script>x</script>', '/relative/terms', 'not a url'])('terms policy URL %p: refused', async (url) => {
  const params = { policies: { privacy: { version: '1', en: { name: 'Privacy', url } } } };
  expect(parseTermsPolicies(params)).toMatchObject({ code: 'PROTOCOL' });
  let shown = false;
  const request = async () => {
    throw new HttpError(401, { session: 'S', flows: [{ stages: ['m.login.terms'] }], params: { 'm.login.terms': params } });
  };
  await expect(runUia({ request, handlers: { terms: () => (shown = true) } })).rejects.toMatchObject({ code: 'PROTOCOL' });
  expect(shown).toBe(false);
});

test('an http(s) terms URL passes (normalised)', () => {
  const list = parseTermsPolicies({ policies: { p: { version: '1', en: { name: 'P', url: 'https://example.org/terms' } } } });
  expect(list).toEqual([{ id: 'p', version: '1', translations: [{ lang: 'en', name: 'P', url: 'https://example.org/terms' }] }]);
});

test('an msisdn submit_url with a bad scheme fails the negotiation once, without asking for a code', async () => {
  let asked = 0;
  const request = async () => {
    throw new HttpError(401, { session: 'S', flows: [{ stages: ['m.login.msisdn'] }] });
  };
  jest.useFakeTimers();
  try {
    const run = runUia({
      request,
      inputs: { phoneCountry: 'GB', phoneNumber: '7700900000' },
      requestMsisdnToken: async () => ({ sid: 'm1', submit_url: 'javascript:alert(1)' }),
      handlers: { msisdnCode: () => (asked++, '123456') },
    });
    run.catch(() => {});
    await jest.advanceTimersByTimeAsync(60_000);
    await expect(run).rejects.toMatchObject({ code: 'PROTOCOL', message: expect.stringContaining('submit_url') });
    expect(asked).toBe(0);
  } finally {
    jest.useRealTimers();
  }
});

test('poll answers with a new session each time still back off', async () => {
  jest.useFakeTimers();
  try {
    let n = 0;
    const polls: number[] = [];
    const request = async (auth: AuthDict | null) => {
      if (auth) polls.push(Date.now());
      throw new HttpError(401, { session: `S${n++}`, flows: [{ stages: ['m.login.sso'] }] });
    };
    const actor = createUiaActor({ stages: stageMachines, request, homeserverUrl: 'https://hs.example', polling: { intervalMs: 1000, backoffFactor: 2, maxIntervalMs: 60_000 } });
    actor.start();
    actor.send({ type: 'START' });
    await jest.advanceTimersByTimeAsync(30_000);
    actor.stop();
    // 1 s, 2 s, 4 s, 8 s, 16 s: five polls in 30 s, not thirty.
    expect(polls.length).toBeLessThanOrEqual(5);
    const gaps = polls.slice(1).map((t, i) => t - polls[i]!);
    expect(gaps.every((g, i) => i === 0 || g > gaps[i - 1]!)).toBe(true);
  } finally {
    jest.useRealTimers();
  }
});

test('params.__proto__ and a stage type named after an Object.prototype key touch no prototype', async () => {
  const body = JSON.parse('{"session":"S","flows":[{"stages":["constructor"]}],"params":{"__proto__":{"polluted":true},"toString":{"a":1}}}');
  const parsed = parseAuthChallenge(body);
  if (parsed instanceof Error) throw parsed;
  expect(Object.getPrototypeOf(parsed.params)).toBeNull();
  expect(Object.keys(parsed.params).sort()).toEqual(['__proto__', 'toString']);
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  // Through the chart: the stage `constructor` gets `{}` as params, not `Object`.
  const request = async () => {
    throw new HttpError(401, body);
  };
  const actor = createUiaActor({ stages: stageMachines, request, homeserverUrl: 'https://hs.example' });
  actor.start();
  actor.send({ type: 'START' });
  const s = await routed(actor);
  expect(s.context.stage).toBe('constructor');
  expect(s.context.params.constructor).toBeUndefined();
  expect(Object.getPrototypeOf(s.context.params)).toBeNull();
  actor.stop();
});

test('neighbour: a stage type named after an Object.prototype key is no stage kind', async () => {
  const { stageKindFor } = await import('../../src/decisions/stage-kind');
  for (const type of ['constructor', '__proto__', 'toString', 'hasOwnProperty']) expect(stageKindFor(type)).toBe('fallback');
});
