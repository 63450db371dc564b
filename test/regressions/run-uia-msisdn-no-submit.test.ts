/**
 * Regression: an SMS stage with no `submitMsisdnToken` function and no `submit_url` in the
 * server's requestToken answer. The code actor threw a plain Error, the stage went back to
 * waiting for a code, and runUia asked a synchronous code handler again in a microtask loop
 * (CPU spin, timers starved). Now the stage fails the negotiation with an `InvalidOptionsError`.
 *
 * The handler aborts the run itself past a few calls, so a regression fails instead of spinning.
 */
import { runUia } from '../../src/api/run-uia';
import { InvalidOptionsError } from '../../src/errors/errors';
import { scripted, uia401 } from '../helpers/scripted-server';

test('no submitMsisdnToken and no submit_url: rejects with InvalidOptionsError, the code asked once', async () => {
  const s = scripted([uia401({ session: 'S', flows: [{ stages: ['m.login.msisdn'] }], params: {} })]);
  const ac = new AbortController();
  let codeAsked = 0;
  let actorStatus = () => '';
  const requestMsisdnToken = jest.fn(async () => ({ sid: 'SID', msisdn: '447700900000' })); // no submit_url
  const outcome = await runUia({
    request: s.request,
    inputs: { phoneCountry: 'GB', phoneNumber: '7700900000' },
    requestMsisdnToken,
    signal: ac.signal,
    onActor: (a) => void (actorStatus = () => a.getSnapshot().status),
    handlers: {
      msisdnCode: () => {
        if (++codeAsked > 5) ac.abort();
        return '123456';
      },
    },
  }).catch((e: unknown) => e);
  expect(outcome).toBeInstanceOf(InvalidOptionsError);
  expect((outcome as Error).message).toBe('m.login.msisdn: no submitMsisdnToken function and the server gave no submit_url');
  expect(codeAsked).toBe(1);
  expect(requestMsisdnToken).toHaveBeenCalledTimes(1);
  expect(s.calls).toHaveLength(1);
  expect(actorStatus()).toBe('done');
});
