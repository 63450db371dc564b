/**
 * Regression: after a refusal runUia asked a code/answer handler again at once. A synchronous
 * handler that keeps giving a refused answer, against a request function that answers without
 * I/O, re-asked in a microtask loop that starved every timer. Re-asks are now paced: the first
 * after a turn of the event loop, then after a growing pause.
 */
import { runUia } from '../../src/api/run-uia';
import { AbortedError } from '../../src/errors/errors';
import { scriptedBy, uia401 } from '../helpers/scripted-server';

const wrong = { session: 'S', flows: [{ stages: ['m.login.password'] }], params: {}, errcode: 'M_FORBIDDEN', error: 'Invalid username or password' };

test('a handler that keeps giving a wrong password cannot spin the event loop', async () => {
  const s = scriptedBy(() => uia401(wrong));
  const ac = new AbortController();
  let asked = 0;
  const run = runUia({
    request: s.request,
    userId: '@a:hs',
    signal: ac.signal,
    handlers: {
      password: () => {
        // Past this, the loop ends itself so that a regression fails rather than hangs.
        if (++asked > 20) ac.abort();
        return 'wrong';
      },
    },
  });
  run.catch(() => {});
  // One macrotask turn: with a spin, every call happened before this callback could run.
  await new Promise((r) => setTimeout(r, 0));
  expect(asked).toBeLessThanOrEqual(2);
  ac.abort();
  await expect(run).rejects.toBeInstanceOf(AbortedError);
});

describe('with fake timers', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  test('re-asks after refusals come after growing pauses, and none is left after cancel', async () => {
    const s = scriptedBy(() => uia401(wrong));
    const ac = new AbortController();
    let asked = 0;
    const run = runUia({ request: s.request, userId: '@a:hs', signal: ac.signal, handlers: {
        password: () => {
          if (++asked > 20) ac.abort(); // ends a spin, so that a regression fails rather than hangs
          return 'wrong';
        },
      },
    });
    run.catch(() => {});
    await jest.advanceTimersByTimeAsync(0);
    expect(asked).toBe(2); // the first ask, and the first re-ask after one turn
    await jest.advanceTimersByTimeAsync(249);
    expect(asked).toBe(2);
    await jest.advanceTimersByTimeAsync(1);
    expect(asked).toBe(3);
    await jest.advanceTimersByTimeAsync(500);
    expect(asked).toBe(4);
    ac.abort();
    await expect(run).rejects.toBeInstanceOf(AbortedError);
    expect(jest.getTimerCount()).toBe(0);
  });
});
