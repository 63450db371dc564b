/**
 * Regression (reported against other UIA clients): while waiting for an email link, the client
 * polled by resending the whole last auth dict, password included, so the server re-hashed the
 * password every 2 s. Polls must carry the session and `threepid_creds` only.
 */
import { createUiaActor } from '../../src/api/create-uia-machine';
import { createFuzzServer, createFuzzSideFunction, type FuzzAnswer } from '../helpers/fuzz-server';
import { stageMachines } from '../../machines/stages';

const FLOW = { stages: ['m.login.password', 'm.login.email.identity'] };
const challenge = (completed: string[]): FuzzAnswer => ({ kind: 'http', status: 401, body: { session: 'S1', flows: [FLOW], params: {}, completed } });

beforeAll(() => jest.useFakeTimers());
afterAll(() => jest.useRealTimers());

test('polling after a password stage never resends the password (one hash, however long the wait)', async () => {
  let hashes = 0;
  const server = createFuzzServer({
    answers: (call) => {
      const auth = call.auth as Record<string, unknown> | null;
      if (auth && 'password' in auth) {
        hashes++;
        return challenge(['m.login.password']);
      }
      return challenge(auth?.type ? ['m.login.password'] : []);
    },
  });
  const email = createFuzzSideFunction(() => ({ kind: 'ok', body: { sid: 'sid1' } }));
  const actor = createUiaActor({ stages: stageMachines, request: server.request, requestEmailToken: email.fn, userId: '@a:hs', inputs: { emailAddress: 'a@example.org' } });
  actor.start();
  actor.send({ type: 'START' });
  await jest.advanceTimersByTimeAsync(0);
  actor.send({ type: 'PASSWORD.SUBMIT', password: 'hunter2' });
  await jest.advanceTimersByTimeAsync(120_000);
  const polls = server.calls.filter((c) => c.background);
  actor.stop();
  expect(polls.length).toBeGreaterThan(5);
  expect(hashes).toBe(1);
  for (const p of polls) expect(p.auth).toEqual({ type: 'm.login.email.identity', threepid_creds: { sid: 'sid1', client_secret: expect.any(String) }, session: 'S1' });
});
