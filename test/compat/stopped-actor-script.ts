/**
 * Run by stopped-actor-dev-build.test.ts under `node --conditions=development` (XState's
 * development build, which warns on every event sent to a stopped actor): a negotiation ends,
 * then the app submits twice in one tick, polls, sets the sid, asks for an email and cancels.
 * Prints DONE; XState's warnings (if any) go to the console for the test to find.
 */
import { InteractiveAuth } from '../../src/api/interactive-auth';

async function main(): Promise<void> {
  const ia = new InteractiveAuth<unknown>({
    authData: { session: 'S', flows: [{ stages: ['m.login.password'] }] },
    doRequest: async () => ({ ok: true }),
    requestEmailToken: async () => ({ sid: 'x' }),
    stateUpdated: () => undefined,
  });
  const result = ia.attemptAuth();
  // Twice in one tick: the second waits for the first, which ends the negotiation.
  void ia.submitAuthDict({ type: 'm.login.password', password: 'pw-one' });
  void ia.submitAuthDict({ type: 'm.login.password', password: 'pw-two' });
  await result;
  await new Promise((r) => setImmediate(r));
  void ia.submitAuthDict({ type: 'm.login.password', password: 'pw-three' });
  void ia.poll();
  ia.setEmailSid('late');
  await ia.requestEmailToken().catch(() => undefined);
  ia.cancel();
  await new Promise((r) => setImmediate(r));
  console.log('DONE');
}
void main();
