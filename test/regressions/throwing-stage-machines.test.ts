/**
 * Regression (issue 14, item 2): a lone UTF-16 surrogate in a stage type (or a session, or in
 * `authData`) made `encodeURIComponent` throw `URIError` inside the fallback stage's context
 * factory; XState rethrew it uncaught and Node exited. Now the chart takes any failure of its
 * stage child (a context factory, an action or a guard that throws) as the end of the
 * negotiation with a `ProtocolError` (one mechanism for every such failure, rather than a parser
 * rule for this one input). The second half throws from every action and guard of every stage machine, and from
 * a context factory, and checks that nothing escapes: the actor never ends in XState's `error`
 * status (which reports an uncaught error to a subscriber without an error handler).
 */
import { createMachine, setup, type AnyStateMachine } from 'xstate';
import { stageMachines, type StageMachineSet } from '../../machines/stages';
import { createUiaActor } from '../../src/api/create-uia-machine';
import { runUia } from '../../src/api/run-uia';
import type { AuthDict } from '../../src/types';
import type { UiaSnapshot } from '../../src/api/selectors';
import { HttpError, failOnUncaught } from '../helpers/http-error';
import { drain } from '../helpers/wait';

// XState reports an unhandled actor error from a timer, after the test's last await: each test
// drains it while still running, so Jest fails that test with it.
failOnUncaught();

const LONE = 'm.login.\ud800';

test('a stage type with a lone surrogate: ProtocolError, not a crash', async () => {
  const request = async () => {
    throw new HttpError(401, { session: 'S', flows: [{ stages: [LONE] }] });
  };
  await expect(runUia({ request, homeserverUrl: 'https://hs.example' })).rejects.toMatchObject({ code: 'PROTOCOL' });
});

test('a session with a lone surrogate on an SSO stage, and the same as authData: ProtocolError', async () => {
  const body = { session: '\ud800', flows: [{ stages: ['m.login.sso'] }] };
  const request = async () => {
    throw new HttpError(401, body);
  };
  await expect(runUia({ request, homeserverUrl: 'https://hs.example' })).rejects.toMatchObject({ code: 'PROTOCOL' });
  await expect(runUia({ request, homeserverUrl: 'https://hs.example', authData: body })).rejects.toMatchObject({ code: 'PROTOCOL' });
  // A resumed session id given by the app goes through no parser: the stage's failure is caught.
  await expect(
    runUia({ request: async () => Promise.reject(new HttpError(401, { flows: [{ stages: ['m.login.sso'] }] })), homeserverUrl: 'https://hs.example', sessionId: '\udfff' }),
  ).rejects.toMatchObject({ code: 'PROTOCOL' });
});

/** A negotiation over one stage type whose machine is `machine`, driven with every user event once. */
async function drive(kind: string, type: string, machine: AnyStateMachine): Promise<UiaSnapshot> {
  const params: Record<string, unknown> = {
    'm.login.terms': { policies: { p: { version: '1', en: { name: 'P', url: 'https://example.org/p' } } } },
    'm.login.recaptcha': { public_key: 'k' },
    'm.oauth': { url: 'https://hs.example/account' },
  };
  let n = 0;
  const request = async (auth: AuthDict | null): Promise<unknown> => {
    n++;
    if (n > 20) return {};
    throw new HttpError(401, { session: 'S', flows: [{ stages: [type] }], params, completed: [], ...(auth ? { errcode: 'M_FORBIDDEN', error: 'no' } : {}) });
  };
  const stages = { ...stageMachines, [kind]: machine } as StageMachineSet;
  const actor = createUiaActor({
    stages,
    request,
    userId: '@a:hs',
    homeserverUrl: 'https://hs.example',
    // Email and phone inputs make flow choice require those stages (as matrix-js-sdk does).
    inputs: kind === 'email' ? { emailAddress: 'a@example.org' } : kind === 'msisdn' ? { phoneCountry: 'GB', phoneNumber: '7700900000' } : { registrationToken: 'tok' },
    requestEmailToken: async () => ({ sid: 'e1' }),
    requestMsisdnToken: async () => ({ sid: 'm1' }),
    submitMsisdnToken: async () => true,
    checkRegistrationToken: async () => true,
    polling: { intervalMs: 50, giveUpAfterMs: 200 },
  });
  // A subscriber without an error handler, as many apps write it.
  actor.subscribe(() => {});
  actor.start();
  actor.send({ type: 'START' });
  const events = [
    { type: 'PASSWORD.SUBMIT', password: 'pw' },
    { type: 'RECAPTCHA.SUBMIT', response: 'r' },
    { type: 'TERMS.TOGGLE', policyId: 'p', accepted: true },
    { type: 'TERMS.ACCEPT_ALL' },
    { type: 'TERMS.SUBMIT' },
    { type: 'TOKEN.SUBMIT', token: 't' },
    { type: 'EMAIL.SET_ADDRESS', email: 'b@example.org' },
    { type: 'EMAIL.RESEND' },
    { type: 'EMAIL.CHECK' },
    { type: 'MSISDN.SUBMIT_CODE', code: '123' },
    { type: 'MSISDN.RESEND' },
    { type: 'FALLBACK.DONE' },
    { type: 'OAUTH.DONE' },
    { type: 'STAGE.RETRY' },
  ] as const;
  for (let round = 0; round < 3; round++) {
    for (const e of events) {
      await new Promise((r) => setTimeout(r, 0));
      if (actor.getSnapshot().status !== 'active') break;
      actor.send(e);
    }
  }
  // What the last events started (answers, stage transitions, a crash of the stage child) runs in
  // microtasks and zero-delay timers: let it all run, then read where it left the chart. Any state
  // but XState's `error` passes, so how far the negotiation got does not matter, only that
  // everything it had queued has run.
  await drain();
  const snapshot = actor.getSnapshot();
  actor.stop();
  return snapshot;
}

const TYPES: Record<string, string> = {
  dummy: 'm.login.dummy',
  password: 'm.login.password',
  email: 'm.login.email.identity',
  msisdn: 'm.login.msisdn',
  recaptcha: 'm.login.recaptcha',
  terms: 'm.login.terms',
  registrationToken: 'm.login.registration_token',
  fallback: 'm.login.sso',
  oauth: 'm.oauth',
};

const boom = () => {
  throw new Error('boom from the app');
};

const overrides: [string, string, 'action' | 'guard'][] = [];
for (const [kind, machine] of Object.entries(stageMachines)) {
  for (const name of Object.keys((machine as AnyStateMachine).implementations.actions)) overrides.push([kind, name, 'action']);
  for (const name of Object.keys((machine as AnyStateMachine).implementations.guards)) overrides.push([kind, name, 'guard']);
}

test.each(overrides)('%s stage, %s %s throwing: a typed failure, nothing uncaught', async (kind, name, what) => {
  const machine = (stageMachines as Record<string, AnyStateMachine>)[kind]!;
  const provided = machine.provide(what === 'action' ? { actions: { [name]: boom } } : { guards: { [name]: boom } });
  const s = await drive(kind, TYPES[kind]!, provided);
  expect(s.status).not.toBe('error');
  if (s.status === 'done' && s.output?.status !== 'done') expect(s.output?.error.code).toMatch(/^[A-Z_]+$/);
});

test('a stage machine whose context factory, entry action or guard throws: ProtocolError', async () => {
  const machines = [
    createMachine({ context: () => boom() as never }),
    setup({ actions: { boom } }).createMachine({ entry: 'boom' }),
    setup({ guards: { boom } }).createMachine({ initial: 'a', states: { a: { always: { guard: 'boom', target: 'b' } }, b: {} } }),
  ];
  for (const machine of machines) {
    const s = await drive('password', 'm.login.password', machine);
    expect(s.status).toBe('done');
    expect(s.output).toMatchObject({ status: 'failed', error: { code: 'PROTOCOL' } });
  }
});
