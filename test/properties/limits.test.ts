/**
 * Hardening: size limits on what is parsed from a 401 (src/decisions/limits.ts).
 *
 * Each limit is tried at its value (accepted) and one past it (refused with a `ProtocolError`
 * naming what was too big), through the parser and through the real chart, which fails with that
 * typed error instead of walking an unbounded answer.
 */
import { createUiaActor } from '../../src/api/create-uia-machine';
import { ProtocolError } from '../../src/errors/errors';
import { LIMITS } from '../../src/decisions/limits';
import { parseAuthChallenge } from '../../src/decisions/parse-auth-response';
import { createFuzzServer } from '../helpers/fuzz-server';
import { stageMachines } from '../../machines/stages';
import { ended } from '../helpers/wait';

const flow = { stages: ['m.login.dummy'] };

/**
 * The limits on a 401 body. The others bound the chart's own requests and what is kept of
 * error answers: test/regressions/endless-session-resubmission.test.ts, kept-error-bodies.test.ts.
 */
type BodyLimit = Exclude<keyof typeof LIMITS, 'maxUnattendedRequests' | 'maxKeptChars' | 'maxErrorTextLength'>;

/** A 401 body with one dimension set to `n`. */
const bodies: Record<BodyLimit, { make: (n: number) => Record<string, unknown>; message: RegExp }> = {
  maxFlows: { make: (n) => ({ flows: Array.from({ length: n }, () => flow) }), message: /flows \(limit 64\)/ },
  maxStagesPerFlow: { make: (n) => ({ flows: [{ stages: Array.from({ length: n }, () => 'm.login.dummy') }] }), message: /stages \(limit 32\)/ },
  maxStageTypeLength: { make: (n) => ({ flows: [{ stages: ['x'.repeat(n)] }] }), message: /stage that is not a non-empty string/ },
  maxSessionLength: { make: (n) => ({ flows: [flow], session: 's'.repeat(n) }), message: /"session"/ },
  maxCompleted: { make: (n) => ({ flows: [flow], completed: Array.from({ length: n }, (_, i) => `c${i}`) }), message: /"completed" has \d+ entries \(limit 64\)/ },
  // `{"m.login.sso":{"b":"…"}}` is 24 characters around the padding.
  maxParamsJsonLength: { make: (n) => ({ flows: [flow], params: { 'm.login.sso': { b: 'x'.repeat(n - 24) } } }), message: /"params" is \d+ characters \(limit 65536\)/ },
};

describe.each(Object.keys(bodies) as BodyLimit[])('limit %s', (name) => {
  const { make, message } = bodies[name];
  const limit = LIMITS[name];

  test('at the limit: parsed', () => {
    expect(parseAuthChallenge(make(limit))).not.toBeInstanceOf(ProtocolError);
  });

  test('one past the limit: a ProtocolError naming it', () => {
    const result = parseAuthChallenge(make(limit + 1));
    expect(result).toBeInstanceOf(ProtocolError);
    expect((result as ProtocolError).message).toMatch(message);
  });

  test('one past the limit, from a server: the chart fails with that ProtocolError', async () => {
    const server = createFuzzServer({ answers: [{ kind: 'http', status: 401, body: make(limit + 1) }] });
    const actor = createUiaActor({ stages: stageMachines, request: server.request });
    actor.start();
    actor.send({ type: 'START' });
    const out = (await ended(actor)).output;
    actor.stop();
    expect(out?.status).toBe('failed');
    expect(out && out.status !== 'done' ? out.error : null).toBeInstanceOf(ProtocolError);
    expect(out && out.status !== 'done' ? out.error.message : '').toMatch(message);
    expect(server.calls).toHaveLength(1);
  });
});
