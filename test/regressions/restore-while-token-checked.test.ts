/**
 * Regression (issue 14, item 3): a snapshot taken while the registration token was being checked
 * (after `TOKEN.SUBMIT`, or with a preset `inputs.registrationToken`) restored into
 * `TypeError: token.unseal is not a function`: the sealed token is only a marker in JSON, the
 * restored check resolved "unknown" with it and the stage's submit action threw; the actor ended
 * in XState's `error` status, uncaught with a next-only subscriber. Now the check reports the
 * interruption, and the stage asks for the token again, as a restored password or SMS code
 * submission does. Neighbour: the SMS code submission restored mid-flight is reported the same way.
 */
import { checkUiaSnapshot } from '../../src/api/restore-snapshot';
import { stageMachines } from '../../machines/stages';
import { createUiaActor } from '../../src/api/create-uia-machine';
import type { AuthDict } from '../../src/types';
import type { UiaActor } from '../../src/api/create-uia-machine';
import { HttpError, failOnUncaught } from '../helpers/http-error';
import { ended, routed, untilSystem } from '../helpers/wait';

// The crash this guards against ended in XState's `error` status, reported from a timer: each
// test drains it after stopping its actors, while still running, so Jest fails that test with it.
failOnUncaught();

type StageChild = { getSnapshot(): { value: unknown; context: { error: { message: string } | null } } };
/** The open stage's machine. */
const stageOf = (actor: UiaActor) => (actor.getSnapshot().children as Record<string, StageChild | undefined>).stage;
/** Resolves once the restored stage shows an error (the interruption), or the chart has ended. */
const interruptionShown = (actor: UiaActor) =>
  untilSystem(actor, () => actor.getSnapshot().status !== 'active' || stageOf(actor)?.getSnapshot().context.error != null, 'the interruption to reach the stage');

function server(stage: string) {
  const calls: (AuthDict | null)[] = [];
  const request = async (auth: AuthDict | null): Promise<unknown> => {
    calls.push(auth);
    if (auth && auth.type === stage) return { registered: true };
    throw new HttpError(401, { session: 'S', flows: [{ stages: [stage] }], params: {} });
  };
  return { calls, request };
}

const TOKEN = 'm.login.registration_token';

describe.each([
  ['TOKEN.SUBMIT', {}],
  ['a preset inputs.registrationToken', { inputs: { registrationToken: 'preset-tok-9' } }],
] as const)('restored while the registration token is checked (%s)', (how, extra) => {
  test('the interruption reaches the stage, which asks again; the token then goes through', async () => {
    const s = server(TOKEN);
    const checks: string[] = [];
    let hang = true;
    const checkRegistrationToken = (token: string) => {
      checks.push(token);
      return hang ? new Promise<boolean>(() => {}) : Promise.resolve(true);
    };
    const options = { stages: stageMachines, request: s.request, checkRegistrationToken, ...extra };
    const first = createUiaActor(options);
    first.start();
    first.send({ type: 'START' });
    await routed(first);
    if (how === 'TOKEN.SUBMIT') first.send({ type: 'TOKEN.SUBMIT', token: 'typed-tok-7' });
    await untilSystem(first, () => checks.length > 0, 'the registration token check to start');
    expect(stageOf(first)!.getSnapshot().value).toBe('validating');
    const json = JSON.stringify(first.getPersistedSnapshot());
    expect(json).not.toContain('tok-');
    first.stop();

    hang = false;
    const restored = createUiaActor({ ...options, snapshot: checkUiaSnapshot(JSON.parse(json)) });
    restored.subscribe((_snapshot) => {}); // next-only, as many apps write it
    restored.start();
    await interruptionShown(restored);
    expect(restored.getSnapshot().status).toBe('active');
    const child = stageOf(restored)!;
    expect(child.getSnapshot().value).toBe('waiting');
    expect(child.getSnapshot().context.error?.message).toMatch(/Could not check/);
    restored.send({ type: 'TOKEN.SUBMIT', token: 'typed-again-5' });
    expect((await ended(restored)).status).toBe('done');
    expect(s.calls.at(-1)).toMatchObject({ type: TOKEN, token: 'typed-again-5', session: 'S' });
    // The restored check never ran with the marker in place of the token.
    expect(checks).not.toContain('[sealed]');
    restored.stop();
  });
});

test('neighbour: an SMS code submission restored mid-flight is reported as interrupted', async () => {
  const s = server('m.login.msisdn');
  const codes: string[] = [];
  let hang = true;
  const options = {
    stages: stageMachines,
    request: s.request,
    inputs: { phoneCountry: 'GB', phoneNumber: '7700900000' },
    requestMsisdnToken: async () => ({ sid: 'm1' }),
    submitMsisdnToken: ({ token }: { token: string }) => {
      codes.push(token);
      return hang ? new Promise<boolean>(() => {}) : Promise.resolve(true);
    },
  };
  const first = createUiaActor(options);
  first.start();
  first.send({ type: 'START' });
  await untilSystem(first, () => stageOf(first)?.getSnapshot().value === 'waitingForCode', 'the SMS stage to ask for the code');
  first.send({ type: 'MSISDN.SUBMIT_CODE', code: '246810' });
  await untilSystem(first, () => codes.length > 0, 'the SMS code submission to start');
  const json = JSON.stringify(first.getPersistedSnapshot());
  expect(json).not.toContain('246810');
  first.stop();
  hang = false;
  const restored = createUiaActor({ ...options, snapshot: checkUiaSnapshot(JSON.parse(json)) });
  restored.start();
  await interruptionShown(restored);
  const child = stageOf(restored)!;
  expect(child.getSnapshot().value).toBe('waitingForCode');
  expect(child.getSnapshot().context.error?.message).toMatch(/interrupted/);
  expect(codes).toEqual(['246810']);
  restored.stop();
});
