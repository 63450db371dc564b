/**
 * Persistence: a persisted snapshot of every waiting state, serialised as JSON, carries none of
 * the secrets typed in the test; it restores into the same stage; and a restored chart sends
 * nothing by itself, except that a stage that was polling (email, fallback, m.oauth) resumes its
 * background polls with `threepid_creds` or `{session}` only.
 */
import { checkUiaSnapshot } from '../../src/api/restore-snapshot';
import { createActor, type AnyActorRef } from 'xstate';
import { createUiaActor, createUiaMachine } from '../../src/api/create-uia-machine';
import type { UiaMachineInput } from '../../machines/uia.types';
import { selectStage, selectStageSnapshot, type UiaSnapshot } from '../../src/api/selectors';
import type { AuthDict } from '../../src/types';
import { controllableRequest, controllableTokenRequest, flush } from '../helpers/controllable';
import { startChart } from '../machines/harness';
import { stageMachines } from '../../machines/stages';

beforeEach(() => jest.useFakeTimers());
afterEach(() => jest.useRealTimers());

const S = 'SESSION1';
const challenge = (stages: string[], params: Record<string, unknown> = {}, extra: object = {}) => ({ session: S, flows: [{ stages }], params, ...extra });
const terms = { 'm.login.terms': { policies: { privacy: { version: '1', en: { name: 'P', url: 'https://x/p' } }, tos: { version: '1', en: { name: 'T', url: 'https://x/t' } } } } };

interface Case {
  name: string;
  input: UiaMachineInput;
  /** Drives a started chart into the waiting state; returns the secrets typed on the way. */
  drive(c: ReturnType<typeof startChart>): Promise<string[]>;
  stageValue: unknown;
  /** The dict a restored chart may poll with, or null when it must stay silent. */
  polls: AuthDict | null;
}

const cases: Case[] = [
  {
    name: 'password waiting',
    input: { userId: '@a:b' },
    drive: async (c) => {
      c.req.last().challenge(challenge(['m.login.password']));
      return [];
    },
    stageValue: 'waiting',
    polls: null,
  },
  {
    name: 'password after a wrong attempt',
    input: { userId: '@a:b' },
    drive: async (c) => {
      c.req.last().challenge(challenge(['m.login.password']));
      await flush();
      c.actor.send({ type: 'PASSWORD.SUBMIT', password: 'hunter2-wrong-pw' });
      await flush();
      c.req.last().challenge(challenge(['m.login.password'], {}, { completed: [], errcode: 'M_FORBIDDEN', error: 'Invalid username or password' }));
      return ['hunter2-wrong-pw'];
    },
    stageValue: 'waiting',
    polls: null,
  },
  {
    name: 'recaptcha after a refused response',
    input: {},
    drive: async (c) => {
      c.req.last().challenge(challenge(['m.login.recaptcha'], { 'm.login.recaptcha': { public_key: 'k' } }));
      await flush();
      c.actor.send({ type: 'RECAPTCHA.SUBMIT', response: 'captcha-response-xyz' });
      await flush();
      c.req.last().challenge(challenge(['m.login.recaptcha'], { 'm.login.recaptcha': { public_key: 'k' } }, { errcode: 'M_UNAUTHORIZED', error: 'bad captcha' }));
      return ['captcha-response-xyz'];
    },
    stageValue: 'waiting',
    polls: null,
  },
  {
    name: 'terms with one policy ticked',
    input: {},
    drive: async (c) => {
      c.req.last().challenge(challenge(['m.login.terms'], terms));
      await flush();
      c.actor.send({ type: 'TERMS.TOGGLE', policyId: 'tos', accepted: true });
      return [];
    },
    stageValue: 'waiting',
    polls: null,
  },
  {
    name: 'registration token waiting after a refused token (preset token given too)',
    input: { inputs: { registrationToken: 'preset-token-abc' } },
    drive: async (c) => {
      c.req.last().challenge(challenge(['m.login.registration_token']));
      await flush();
      c.req.last().challenge(challenge(['m.login.registration_token'], {}, { errcode: 'M_UNAUTHORIZED', error: 'Invalid registration token' }));
      await flush();
      c.actor.send({ type: 'TOKEN.SUBMIT', token: 'typed-token-def' });
      await flush();
      c.req.last().challenge(challenge(['m.login.registration_token'], {}, { errcode: 'M_UNAUTHORIZED', error: 'Invalid registration token' }));
      return ['preset-token-abc', 'typed-token-def'];
    },
    stageValue: 'waiting',
    polls: null,
  },
  {
    name: 'email waiting (polling)',
    input: { inputs: { emailAddress: 'a@example.org' }, clientSecret: 'cs' },
    drive: async (c) => {
      c.req.last().challenge(challenge(['m.login.email.identity']));
      await flush();
      c.email.calls[0]!.ok({ sid: 'SID' });
      return [];
    },
    stageValue: 'waiting',
    polls: { type: 'm.login.email.identity', threepid_creds: { sid: 'SID', client_secret: 'cs' }, session: S },
  },
  {
    name: 'msisdn waiting for the code after a wrong one',
    input: { inputs: { phoneCountry: 'GB', phoneNumber: '7700900000' } },
    drive: async (c) => {
      c.req.last().challenge(challenge(['m.login.msisdn']));
      await flush();
      c.sms.calls[0]!.ok({ sid: 'SMS' });
      await flush();
      c.actor.send({ type: 'MSISDN.SUBMIT_CODE', code: '987654' });
      return ['987654'];
    },
    stageValue: 'waitingForCode',
    polls: null,
  },
  {
    name: 'fallback (unsupported recaptcha)',
    input: { supportedStages: [], homeserverUrl: 'https://hs.example.org' },
    drive: async (c) => {
      c.req.last().challenge(challenge(['m.login.recaptcha']));
      return [];
    },
    stageValue: 'waiting',
    polls: { session: S },
  },
  {
    name: 'm.oauth',
    input: {},
    drive: async (c) => {
      c.req.last().challenge(challenge(['m.oauth'], { 'm.oauth': { url: 'https://account.example/approve' } }));
      return [];
    },
    stageValue: 'waiting',
    polls: { session: S },
  },
];

test.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, tc) => {
  const c = startChart(tc.input, { submitMsisdnToken: async () => false });
  c.actor.send({ type: 'START' });
  const secrets = await tc.drive(c);
  await flush();
  const before = c.snap();
  const stageBefore = selectStage(before);
  expect(selectStageSnapshot(before)?.value).toEqual(tc.stageValue);
  expect(selectStageSnapshot(before)?.hasTag('input')).toBe(true);

  const json = JSON.stringify(c.actor.getPersistedSnapshot());
  for (const secret of secrets) expect(json).not.toContain(secret);
  c.actor.stop();

  const req = controllableRequest();
  const email = controllableTokenRequest();
  const sms = controllableTokenRequest();
  const machine = createUiaMachine({ request: req.request, requestEmailToken: email.fn, requestMsisdnToken: sms.fn, submitMsisdnToken: async () => true }, stageMachines);
  const restored = createActor(machine, { snapshot: JSON.parse(json), input: tc.input });
  restored.start();
  const snap = restored.getSnapshot() as UiaSnapshot;
  expect(snap.value).toEqual(before.value);
  expect(selectStage(snap)).toEqual(stageBefore);
  const stage = (snap.children as Record<string, AnyActorRef | undefined>).stage;
  expect(stage?.getSnapshot().value).toEqual(tc.stageValue);

  await jest.advanceTimersByTimeAsync(10 * 60_000);
  expect(email.calls).toHaveLength(0);
  expect(sms.calls).toHaveLength(0);
  if (tc.polls === null) {
    expect(req.calls).toHaveLength(0);
  } else {
    // Polls are answered "not yet" as they come; each one is background and carries only the poll dict.
    for (let i = 0; i < 3; i++) {
      await jest.advanceTimersByTimeAsync(20_000);
      const open = req.inFlight();
      for (const call of open) call.challenge({});
      await flush();
    }
    for (const call of req.calls) {
      expect(call.background).toBe(true);
      expect(call.auth).toEqual(tc.polls);
    }
  }
  restored.stop();
});

/**
 * XState keeps pending `after` timers in the system snapshot, which `getPersistedSnapshot` leaves
 * out, so a bare `createActor(machine, {snapshot})` restored in `polling.waiting` waits for a POLL
 * (next test). `createUiaActor({..., snapshot})`, the documented way to restore, checks at once.
 */
test.each(cases.filter((c) => c.polls !== null).map((c) => [c.name, c] as const))('%s: restored with createUiaActor, the stage resumes polling by itself', async (_name, tc) => {
  const c = startChart(tc.input);
  c.actor.send({ type: 'START' });
  await tc.drive(c);
  await flush();
  const json = JSON.stringify(c.actor.getPersistedSnapshot());
  c.actor.stop();
  const req = controllableRequest();
  const restored = createUiaActor({ stages: stageMachines, request: req.request, ...tc.input, snapshot: checkUiaSnapshot(JSON.parse(json)) });
  restored.start();
  await jest.advanceTimersByTimeAsync(0);
  expect(req.calls).toHaveLength(1);
  expect(req.calls[0]).toMatchObject({ background: true, auth: tc.polls });
  restored.stop();
});

test('a restored polling stage polls again once the app sends POLL, with the poll dict only', async () => {
  const tc = cases.find((c) => c.name === 'email waiting (polling)')!;
  const c = startChart(tc.input);
  c.actor.send({ type: 'START' });
  await tc.drive(c);
  await flush();
  const json = JSON.stringify(c.actor.getPersistedSnapshot());
  c.actor.stop();
  const req = controllableRequest();
  const restored = createActor(createUiaMachine({ request: req.request }, stageMachines), { snapshot: JSON.parse(json), input: tc.input });
  restored.start();
  restored.send({ type: 'POLL' });
  expect(req.calls).toHaveLength(1);
  expect(req.calls[0]).toMatchObject({ background: true, auth: tc.polls });
  restored.stop();
});
