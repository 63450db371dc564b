/**
 * Stage sets: the app decides which stage machines a negotiation runs (`stages`), so the others
 * stay out of its bundle. A stage whose machine is missing goes to the fallback page when the
 * fallback machine is in the set, and otherwise fails with a typed error naming what to add;
 * charts are shared per set; a set is required.
 */
import { createUiaActor, createUiaMachine, sharedUiaMachine } from '../../src/api/create-uia-machine';
import { InvalidOptionsError } from '../../src/errors/errors';
import { selectExternalUrl, selectFinalError } from '../../src/api/selectors';
import { dummyStageMachine, fallbackStageMachine, passwordStageMachine, stageMachines } from '../../machines/stages';
import { createActor, waitFor } from 'xstate';
import { createFuzzServer } from '../helpers/fuzz-server';

const HS = 'https://hs.example.org';
const PASSWORD_ONLY = { password: passwordStageMachine };
const PASSWORD_AND_PAGES = { password: passwordStageMachine, fallback: fallbackStageMachine };

function twoStageServer(stages: string[]) {
  return createFuzzServer({
    answers: [
      { kind: 'http', status: 401, body: { session: 'S1', flows: [{ stages }], params: {} } },
      { kind: 'http', status: 401, body: { session: 'S1', flows: [{ stages }], params: {}, completed: [stages[0]] } },
      { kind: 'ok', body: { done: true } },
    ],
  });
}

test('a password-only set completes a password stage with its own machine', async () => {
  const server = createFuzzServer({
    answers: [
      { kind: 'http', status: 401, body: { session: 'S1', flows: [{ stages: ['m.login.password'] }], params: {} } },
      { kind: 'ok', body: { done: true } },
    ],
  });
  const actor = createUiaActor({ stages: PASSWORD_ONLY, request: server.request, userId: '@a:hs' });
  actor.start();
  actor.send({ type: 'START' });
  await waitFor(actor, (s) => s.matches('awaitingStage'));
  expect(actor.getSnapshot().context.stageKind).toBe('password');
  actor.send({ type: 'PASSWORD.SUBMIT', password: 'pw' });
  await waitFor(actor, (s) => s.status === 'done');
  expect(actor.getSnapshot().output?.status).toBe('done');
  actor.stop();
});

test('without the machine for a stage and without the fallback machine, the negotiation fails naming what to add', async () => {
  const server = twoStageServer(['m.login.dummy', 'm.login.password']);
  const actor = createUiaActor({ stages: PASSWORD_ONLY, request: server.request, userId: '@a:hs' });
  actor.start();
  actor.send({ type: 'START' });
  const snap = await waitFor(actor, (s) => s.status === 'done');
  actor.stop();
  const error = selectFinalError(snap);
  expect(error).toBeInstanceOf(InvalidOptionsError);
  expect(error?.message).toBe('no stage machine for m.login.dummy: add dummyStageMachine (or fallbackStageMachine) to stages');
  // Nothing was sent for the stage the app cannot do.
  expect(server.calls).toHaveLength(1);
});

test('with the fallback machine in the set, a stage without its own machine opens the fallback page', async () => {
  const server = twoStageServer(['m.login.recaptcha', 'm.login.password']);
  const actor = createUiaActor({ stages: PASSWORD_AND_PAGES, request: server.request, userId: '@a:hs', homeserverUrl: HS });
  actor.start();
  actor.send({ type: 'START' });
  const snap = await waitFor(actor, (s) => s.matches('polling') || s.matches('awaitingStage'));
  expect(snap.context.stageKind).toBe('fallback');
  expect(selectExternalUrl(snap)).toBe(`${HS}/_matrix/client/v3/auth/m.login.recaptcha/fallback/web?session=S1`);
  actor.send({ type: 'FALLBACK.DONE' });
  // The next stage has its own machine in the set.
  await waitFor(actor, (s) => s.context.stageKind === 'password' && s.matches('awaitingStage'));
  actor.send({ type: 'PASSWORD.SUBMIT', password: 'pw' });
  await waitFor(actor, (s) => s.status === 'done');
  expect(actor.getSnapshot().output?.status).toBe('done');
  actor.stop();
});

test('createUiaMachine takes the same sets', async () => {
  const server = twoStageServer(['m.login.dummy', 'm.login.password']);
  const actor = createActor(createUiaMachine({ request: server.request }, { dummy: dummyStageMachine, password: passwordStageMachine }), {
    input: { userId: '@a:hs' },
  });
  actor.start();
  actor.send({ type: 'START' });
  // The dummy stage submitted itself; the password stage is open.
  await waitFor(actor, (s) => s.context.stageKind === 'password');
  expect(actor.getSnapshot().matches('awaitingStage')).toBe(true);
  actor.stop();
});

test('one chart is shared per stage set', () => {
  expect(sharedUiaMachine(PASSWORD_ONLY)).toBe(sharedUiaMachine(PASSWORD_ONLY));
  expect(sharedUiaMachine(stageMachines)).toBe(sharedUiaMachine(stageMachines));
  expect(sharedUiaMachine(PASSWORD_ONLY)).not.toBe(sharedUiaMachine(stageMachines));
});

test('a JavaScript caller without stages gets a typed error at once', () => {
  const request = async () => ({});
  expect(() => createUiaActor({ request } as never)).toThrow(InvalidOptionsError);
  expect(() => createUiaMachine({ request }, undefined as never)).toThrow(/stages is required/);
});
