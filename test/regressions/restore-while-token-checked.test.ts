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
import { HttpError, collectUncaught } from '../helpers/http-error';


const uncaught = collectUncaught();

const tick = () => new Promise((r) => setTimeout(r, 5));

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
    await tick();
    if (how === 'TOKEN.SUBMIT') first.send({ type: 'TOKEN.SUBMIT', token: 'typed-tok-7' });
    await tick();
    const stage = (first.getSnapshot().children as Record<string, { getSnapshot(): { value: unknown } }>).stage!;
    expect(stage.getSnapshot().value).toBe('validating');
    const json = JSON.stringify(first.getPersistedSnapshot());
    expect(json).not.toContain('tok-');
    first.stop();

    hang = false;
    const restored = createUiaActor({ ...options, snapshot: checkUiaSnapshot(JSON.parse(json)) });
    restored.subscribe((_snapshot) => {}); // next-only, as many apps write it
    restored.start();
    await tick();
    const snap = restored.getSnapshot();
    expect(snap.status).toBe('active');
    const child = (snap.children as Record<string, { getSnapshot(): { value: unknown; context: { error: { message: string } | null } } }>).stage!;
    expect(child.getSnapshot().value).toBe('waiting');
    expect(child.getSnapshot().context.error?.message).toMatch(/Could not check/);
    restored.send({ type: 'TOKEN.SUBMIT', token: 'typed-again-5' });
    await tick();
    expect(restored.getSnapshot().status).toBe('done');
    expect(s.calls.at(-1)).toMatchObject({ type: TOKEN, token: 'typed-again-5', session: 'S' });
    // The restored check never ran with the marker in place of the token.
    expect(checks).not.toContain('[sealed]');
    restored.stop();
    await tick();
    expect(uncaught).toEqual([]);
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
  await tick();
  first.send({ type: 'MSISDN.SUBMIT_CODE', code: '246810' });
  await tick();
  const json = JSON.stringify(first.getPersistedSnapshot());
  expect(json).not.toContain('246810');
  first.stop();
  hang = false;
  const restored = createUiaActor({ ...options, snapshot: checkUiaSnapshot(JSON.parse(json)) });
  restored.start();
  await tick();
  const child = (restored.getSnapshot().children as Record<string, { getSnapshot(): { value: unknown; context: { error: { message: string } | null } } }>).stage!;
  expect(child.getSnapshot().value).toBe('waitingForCode');
  expect(child.getSnapshot().context.error?.message).toMatch(/interrupted/);
  expect(codes).toEqual(['246810']);
  restored.stop();
  await tick();
  expect(uncaught).toEqual([]);
});
