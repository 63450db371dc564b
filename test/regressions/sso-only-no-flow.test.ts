/**
 * Regression: on a server offering only SSO for re-authentication, clients reported "no flow
 * found". An SSO-only flow opens the SSO fallback page and completes with `{session}`.
 */
import { createUiaActor } from '../../src/api/create-uia-machine';
import { selectExternalUrl } from '../../src/api/selectors';
import { createFuzzServer } from '../helpers/fuzz-server';
import { stageMachines } from '../../machines/stages';
import { ended, routed } from '../helpers/wait';

test('an SSO-only server opens the SSO page and finishes after it, instead of "no flow found"', async () => {
  const server = createFuzzServer({
    answers: [
      { kind: 'http', status: 401, body: { session: 'S1', flows: [{ stages: ['m.login.sso'] }], params: {} } },
      { kind: 'ok', body: { deleted: true } },
    ],
  });
  const actor = createUiaActor({ stages: stageMachines, request: server.request, homeserverUrl: 'https://hs.example.org', supportedStages: ['m.login.password'] });
  actor.start();
  actor.send({ type: 'START' });
  // The 401 routed: the SSO stage open (or, as the bug had it, the negotiation failed).
  const snap = await routed(actor);
  expect(snap.status).toBe('active');
  expect(snap.context.stage).toBe('m.login.sso');
  expect(selectExternalUrl(snap)).toBe('https://hs.example.org/_matrix/client/v3/auth/m.login.sso/fallback/web?session=S1');
  actor.send({ type: 'FALLBACK.DONE' });
  const out = (await ended(actor)).output;
  actor.stop();
  expect(out?.status).toBe('done');
  expect(server.calls[server.calls.length - 1]!.auth).toEqual({ session: 'S1' });
});
