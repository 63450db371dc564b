/**
 * Regression (issue 14, item 6, second half): a preset `inputs.registrationToken` stayed in
 * clear in the actor's `options.input` for the actor's whole life, where anything walking the
 * actor (the live snapshot's children lead back to their parent) reached it. `createUiaActor`
 * now seals it on the way in; the stage still submits it.
 */
import { inspect } from 'node:util';
import { stageMachines } from '../../machines/stages';
import { createUiaActor } from '../../src/api/create-uia-machine';
import { runUia } from '../../src/api/run-uia';
import type { AuthDict } from '../../src/types';
import { HttpError } from '../helpers/http-error';
import { ended } from '../helpers/wait';

const TOKEN = 'preset-Tok-31337';


function server() {
  const calls: (AuthDict | null)[] = [];
  const request = async (auth: AuthDict | null): Promise<unknown> => {
    calls.push(auth);
    if (auth) return { done: true };
    throw new HttpError(401, { session: 'S', flows: [{ stages: ['m.login.registration_token'] }] });
  };
  return { calls, request };
}

test("the actor's input, and what a live snapshot leads to, hold the token only sealed", async () => {
  const s = server();
  const actor = createUiaActor({ stages: stageMachines, request: s.request, inputs: { registrationToken: TOKEN } });
  expect(inspect(actor.options.input, { depth: 10 })).not.toContain(TOKEN);
  expect(JSON.stringify(actor.options.input)).not.toContain(TOKEN);
  actor.start();
  actor.send({ type: 'START' });
  // A live snapshot is walked at its end (as on the way there: the token is sealed on the way in).
  await ended(actor);
  expect(inspect(actor.getSnapshot(), { depth: 12 })).not.toContain(TOKEN);
  expect(actor.getSnapshot().status).toBe('done');
  expect(s.calls[1]).toMatchObject({ type: 'm.login.registration_token', token: TOKEN, session: 'S' });
  actor.stop();
});

test('runUia passes the preset token sealed too, and it is still submitted', async () => {
  const s = server();
  let input: unknown;
  await expect(runUia({ request: s.request, inputs: { registrationToken: TOKEN }, onActor: (a) => void (input = a.options.input) })).resolves.toEqual({ done: true });
  expect(inspect(input, { depth: 10 })).not.toContain(TOKEN);
  expect(s.calls[1]).toMatchObject({ token: TOKEN });
});
