/**
 * User events for the open stage may be sent to the negotiation: the chart forwards every event of
 * a stage namespace (`PASSWORD.*`, `EMAIL.*`, ...) and the user's `STAGE.RETRY` to the child
 * `stage`, in any live state, and the stage judges them. An app's own stage machine may add events
 * to its namespace and receives them the same way; events of no stage namespace are not forwarded.
 */
import { assign, createMachine, waitFor } from 'xstate';
import { createUiaActor } from '../../src/api/create-uia-machine';
import { selectStageSnapshot } from '../../src/api/selectors';
import type { StageMachineSet } from '../../machines/stages';
import { createFuzzServer } from '../helpers/fuzz-server';

/** A password stage of an app's own that records the type of every event it receives. */
const recordingPasswordStage = createMachine({
  id: 'recordingPasswordStage',
  types: {} as { context: { received: string[] }; events: { type: string } },
  context: { received: [] },
  tags: ['input'],
  on: { '*': { actions: assign({ received: ({ context, event }) => [...context.received, event.type] }) } },
});

function passwordChallenge() {
  return createFuzzServer({
    answers: [{ kind: 'http', status: 401, body: { session: 'S1', flows: [{ stages: ['m.login.password'] }], params: {} } }],
  });
}

test('events of a stage namespace reach the open stage, an event the library never defined included; others do not', async () => {
  const server = passwordChallenge();
  const actor = createUiaActor({ stages: { password: recordingPasswordStage } as unknown as StageMachineSet, request: server.request });
  actor.start();
  actor.send({ type: 'START' });
  await waitFor(actor, (s) => s.matches('awaitingStage'));
  const send = actor.send as (event: { type: string }) => void;
  send({ type: 'PASSWORD.SHOW_HINT' });
  send({ type: 'PASSWORD.SUBMIT' });
  send({ type: 'EMAIL.RESEND' });
  send({ type: 'STAGE.RETRY' });
  send({ type: 'UNRELATED.EVENT' });
  send({ type: 'PASSWORDS.SUBMIT' });
  const received = (selectStageSnapshot(actor.getSnapshot())?.context.received as string[]).filter((t) => !t.startsWith('xstate.'));
  expect(received).toEqual(['PASSWORD.SHOW_HINT', 'PASSWORD.SUBMIT', 'EMAIL.RESEND', 'STAGE.RETRY']);
  // Forwarding changes nothing in the chart itself.
  expect(actor.getSnapshot().value).toBe('awaitingStage');
  actor.stop();
});

test('with no stage open, a stage event is dropped, not an error', async () => {
  const server = passwordChallenge();
  const actor = createUiaActor({ stages: { password: recordingPasswordStage } as unknown as StageMachineSet, request: server.request });
  actor.start();
  (actor.send as (event: { type: string }) => void)({ type: 'PASSWORD.SUBMIT' });
  expect(actor.getSnapshot().value).toBe('idle');
  expect(actor.getSnapshot().status).toBe('active');
  actor.stop();
});
