/**
 * The answer to a manual email check ("I clicked the link", EMAIL.CHECK) while the link is not
 * clicked yet: Synapse answers 401 M_UNAUTHORIZED "Unable to get validated threepid" (exchange 59
 * of test fixtures synapse-1.67.0-uia.json). That is the normal "not yet", not an error to show:
 * `selectStageError` stays null, on the chart as on the stage. Any other refusal of the check is
 * still shown.
 */
import { StageError } from '../../src/errors/errors';
import { selectStageError } from '../../src/api/selectors';
import { flush } from '../helpers/controllable';
import { startChart } from './harness';

const EMAIL = 'm.login.email.identity';
const emailChallenge = { session: 'S', flows: [{ stages: [EMAIL] }], params: {} };
const notYet = { ...emailChallenge, completed: [], errcode: 'M_UNAUTHORIZED', error: 'Unable to get validated threepid' };

beforeEach(() => jest.useFakeTimers());
afterEach(() => jest.useRealTimers());

/** A chart whose email stage waits for the link, with the user's manual check in flight. */
async function checkingByHand() {
  const c = startChart({ inputs: { emailAddress: 'a@example.org' }, clientSecret: 'cs' });
  c.actor.send({ type: 'START' });
  c.req.last().challenge(emailChallenge);
  await flush();
  c.email.calls[0]!.ok({ sid: 'SID' });
  await flush();
  c.actor.send({ type: 'EMAIL.CHECK' });
  await flush();
  expect(c.snap().value).toBe('submitting');
  return c;
}

test('a manual check answered "not validated yet" shows no error and goes on polling', async () => {
  const c = await checkingByHand();
  c.req.last().challenge(notYet);
  await flush();
  expect(c.snap().value).toEqual({ polling: 'waiting' });
  expect(c.stage()?.context).toMatchObject({ notValidatedYet: true, error: null });
  expect(c.snap().context.stageError).toBeNull();
  expect(selectStageError(c.snap())).toBeNull();
});

test('after "not validated yet", a resend shows no stale error either', async () => {
  const c = await checkingByHand();
  c.req.last().challenge(notYet);
  await flush();
  c.actor.send({ type: 'EMAIL.RESEND' });
  await flush();
  expect(c.stage()?.value).toBe('requestingToken');
  expect(selectStageError(c.snap())).toBeNull();
});

test('any other refusal of the check is still shown', async () => {
  const c = await checkingByHand();
  c.req.last().challenge({ ...emailChallenge, completed: [], errcode: 'M_FORBIDDEN', error: 'Threepid not allowed' });
  await flush();
  const error = selectStageError(c.snap());
  expect(error).toBeInstanceOf(StageError);
  expect(error).toMatchObject({ errcode: 'M_FORBIDDEN' });
  expect(c.stage()?.context.notValidatedYet).toBe(false);
});
