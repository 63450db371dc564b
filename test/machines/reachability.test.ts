/**
 * Every state of the parent chart and of each stage machine is reachable: `getShortestPaths`
 * from xstate/graph walks each machine (actor answers given as event payloads), and the states
 * reached, plus the transient ones passed through on the way, must be exactly the machine's leaf
 * states as read from `machine.root`.
 */
import { getShortestPaths } from 'xstate/graph';
import type { AnyMachineSnapshot, AnyStateMachine } from 'xstate';

/** An event with any payload (actor answers, user events). */
type EventObject = { type: string; [key: string]: unknown };
import { uiaMachine } from '../../machines/uia.machine';
import {
  dummyStageMachine,
  emailStageMachine,
  fallbackStageMachine,
  msisdnStageMachine,
  oauthStageMachine,
  passwordStageMachine,
  recaptchaStageMachine,
  registrationTokenStageMachine,
  stageMachines,
  termsStageMachine,
} from '../../machines/stages';
import type { StageInput } from '../../machines/stages/stage.types';
import type { UiaMachineInput } from '../../machines/uia.types';
import { InvalidOptionsError, StageError } from '../../src/errors/errors';
import { Sealed } from '../../src/secrets/secret';
import { leafIds, microstepLeafIds, snapshotLeafIds, transientIds, withoutParentSends } from './graph';
import { stageInput } from './harness';

/** Leaf ids reached from each input: resting states of the paths plus transient ones on the way. */
function reached(machine: AnyStateMachine, inputs: unknown[], events: EventObject[], serializeState: (s: AnyMachineSnapshot) => string): Set<string> {
  const seen = new Set<string>();
  for (const input of inputs) {
    const paths = getShortestPaths(machine, { input, events: events as never, serializeState });
    for (const path of paths) {
      for (const id of snapshotLeafIds(path.state)) seen.add(id);
      let prev: AnyMachineSnapshot | undefined;
      for (const step of path.steps) {
        if (prev) for (const id of microstepLeafIds(machine, prev, step.event)) seen.add(id);
        prev = step.state;
      }
    }
  }
  return seen;
}

/** Transient states entered only as the initial state are reached by starting the machine. */
function initialTransient(machine: AnyStateMachine): string[] {
  const init = machine.root.initial?.target?.[0];
  return init && transientIds(machine).includes(init.id) ? [init.id] : [];
}

/** The parent: context counters (poll counts, retries, times) would make the graph infinite, so
 * states are told apart by value and by which stage is open. */
const byValueAndStage = (s: AnyMachineSnapshot) => JSON.stringify([s.value, (s.context as { stageKind?: unknown }).stageKind ?? null]);
/** A stage: by value and context (ticked policies matter), without the ever-growing attempt counters. */
const byValueAndContext = (s: AnyMachineSnapshot) =>
  JSON.stringify([s.value, s.context], (k, v) => (k === 'attempt' || k === 'attempts' ? undefined : v));

function expectAllReached(machine: AnyStateMachine, inputs: unknown[], events: EventObject[], serialize = byValueAndContext) {
  const got = reached(machine, inputs, events, serialize);
  for (const id of initialTransient(machine)) got.add(id);
  const all = leafIds(machine);
  const missing = all.filter((id) => !got.has(id));
  expect({ machine: machine.id, missing }).toEqual({ machine: machine.id, missing: [] });
  expect([...got].sort()).toEqual(all);
}

const err = new StageError('x', 'M_FORBIDDEN', 'no');

describe('parent chart', () => {
  const PW = 'm.login.password';
  const challenge = (extra: object = {}) => ({ session: 'S', flows: [{ stages: [PW, 'm.login.dummy'] }], params: {}, ...extra });
  const done = (output: unknown) => ({ type: 'xstate.done.actor.request', output });
  const events: EventObject[] = [
    { type: 'START' },
    { type: 'CANCEL' },
    { type: 'POLL' },
    done({ kind: 'success', data: {} }),
    done({ kind: 'http', status: 401, data: challenge() }),
    done({ kind: 'http', status: 401, data: challenge({ completed: [PW] }) }),
    done({ kind: 'http', status: 401, data: { flows: [{ stages: ['m.login.email.identity'] }] } }),
    done({ kind: 'http', status: 429, data: { retry_after_ms: 10 } }),
    done({ kind: 'http', status: 400, data: {} }),
    { type: 'xstate.error.actor.request', error: new TypeError('offline') },
    { type: 'xstate.after.rateLimitDelay.uia.rateLimited' },
    { type: 'xstate.after.pollDelay.uia.polling.waiting' },
    { type: 'STAGE.SUBMIT', auth: new Sealed({ type: PW }) },
    { type: 'STAGE.POLL', auth: {} },
    { type: 'STAGE.FAIL', error: err },
    { type: 'SUBMIT_AUTH', auth: { type: 'x' }, background: true },
    { type: 'CHOOSE_FLOW', stages: [PW, 'm.login.dummy'] },
    { type: 'PAUSE_POLLING' },
    { type: 'RESUME_POLLING' },
  ];
  test('every leaf state is reachable', () => {
    // Every stage machine available, as `stages: stageMachines` gives it.
    const chart = uiaMachine.provide({ actors: stageMachines, guards: { hasStageMachine: () => true } });
    expectAllReached(chart, [{}, { clientSecret: 'bad secret' } satisfies UiaMachineInput], events, byValueAndStage);
  });
  test('the leaf list is read from the chart, transient routing included', () => {
    expect(leafIds(uiaMachine)).toEqual(expect.arrayContaining(['uia.idle', 'uia.routing', 'uia.polling.waiting', 'uia.done']));
    expect(transientIds(uiaMachine)).toEqual(['uia.routing']);
  });
});

describe('stage machines', () => {
  const input = (over: Partial<StageInput>) => stageInput(over);
  const rejected = { type: 'PARENT.REJECTED', error: err };
  const cases: [AnyStateMachine, StageInput[], EventObject[]][] = [
    [dummyStageMachine, [input({ type: 'm.login.dummy' })], [rejected, { type: 'STAGE.RETRY' }]],
    [passwordStageMachine, [input({})], [{ type: 'PASSWORD.SUBMIT', password: 'p' }, rejected]],
    [recaptchaStageMachine, [input({ type: 'm.login.recaptcha' })], [{ type: 'RECAPTCHA.SUBMIT', response: 'r' }, rejected]],
    [
      termsStageMachine,
      [input({ type: 'm.login.terms', params: { policies: { p: { version: '1', en: { name: 'n', url: 'https://example.org/p' } } } } }), input({ type: 'm.login.terms', params: {} })],
      [{ type: 'TERMS.TOGGLE', policyId: 'p', accepted: true }, { type: 'TERMS.ACCEPT_ALL' }, { type: 'TERMS.SUBMIT' }, rejected],
    ],
    [
      registrationTokenStageMachine,
      [input({ type: 'm.login.registration_token' }), input({ type: 'm.login.registration_token', registrationToken: new Sealed('t') })],
      [
        { type: 'TOKEN.SUBMIT', token: 't' },
        { type: 'xstate.done.actor.checkRegistrationToken', output: { token: new Sealed('t'), valid: false } },
        { type: 'xstate.done.actor.checkRegistrationToken', output: { token: new Sealed('t'), valid: true } },
        { type: 'xstate.error.actor.checkRegistrationToken', error: new Error('x') },
        rejected,
      ],
    ],
    [
      emailStageMachine,
      [input({ type: 'm.login.email.identity' }), input({ type: 'm.login.email.identity', inputs: { emailAddress: 'a@b.c' } }), input({ type: 'm.login.email.identity', emailSid: 'sid' })],
      [
        { type: 'EMAIL.SET_ADDRESS', email: 'a@b.c' },
        { type: 'xstate.done.actor.requestEmailToken', output: { sid: 'sid' } },
        { type: 'xstate.error.actor.requestEmailToken', error: new Error('x') },
        { type: 'EMAIL.RESEND' },
        { type: 'EMAIL.CHECK' },
        rejected,
      ],
    ],
    [
      msisdnStageMachine,
      [input({ type: 'm.login.msisdn' }), input({ type: 'm.login.msisdn', inputs: { phoneCountry: 'GB', phoneNumber: '1' } })],
      [
        { type: 'xstate.done.actor.requestMsisdnToken', output: { sid: 'sid' } },
        { type: 'xstate.error.actor.requestMsisdnToken', error: new Error('x') },
        { type: 'MSISDN.SUBMIT_CODE', code: '1' },
        { type: 'xstate.done.actor.submitMsisdnToken', output: true },
        { type: 'xstate.error.actor.submitMsisdnToken', error: new InvalidOptionsError('x') },
        { type: 'MSISDN.RESEND' },
        rejected,
      ],
    ],
    [fallbackStageMachine, [input({ type: 'm.login.sso' }), input({ type: 'm.login.sso', homeserverUrl: undefined })], [{ type: 'FALLBACK.DONE' }, rejected]],
    [oauthStageMachine, [input({ type: 'm.oauth', params: { url: 'https://a.example/' } }), input({ type: 'm.oauth' })], [{ type: 'OAUTH.DONE' }, rejected]],
  ];
  test.each(cases.map((c) => [c[0].id, ...c] as const))('%s: every leaf state is reachable', (_id, machine, inputs, events) => {
    expectAllReached(withoutParentSends(machine), inputs, events);
  });
});
