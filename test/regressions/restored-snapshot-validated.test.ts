/**
 * Regression (issue 14, item 7): restored snapshots were trusted as given.
 * `settings.polling.intervalMs` 0, -1 or a string polled 625 times a second and never gave up;
 * missing `settings` or an unknown state value gave an untyped error state; `status: "error"`
 * restored as an error. Now `createUiaActor({ snapshot })` restores only a snapshot that
 * `checkUiaSnapshot` validated: `InvalidOptionsError` (or `ProtocolError` for 401 data) for a
 * bad one, numeric settings clamped as the input's are. Neighbour: a one-off background dict
 * (`poll.override`, sealed) restored as its JSON marker crashed the chart's poll input.
 */
import { stageMachines } from '../../machines/stages';
import { createUiaActor } from '../../src/api/create-uia-machine';
import { checkUiaSnapshot } from '../../src/api/restore-snapshot';
import type { AuthDict } from '../../src/types';
import { InvalidOptionsError } from '../../src/errors/errors';
import { HttpError } from '../helpers/http-error';


beforeEach(() => jest.useFakeTimers());
afterEach(() => jest.useRealTimers());

const ssoChallenge = { session: 'S', flows: [{ stages: ['m.login.sso'] }] };

function server() {
  const calls: (AuthDict | null)[] = [];
  const request = async (auth: AuthDict | null): Promise<unknown> => {
    calls.push(auth);
    throw new HttpError(401, ssoChallenge);
  };
  return { calls, request };
}

/** A started chart on `s`, its first 401 answered: the fallback (SSO) stage open, polling. */
async function atSsoStage(s: ReturnType<typeof server>) {
  const actor = createUiaActor({ stages: stageMachines, request: s.request, homeserverUrl: 'https://hs.example' });
  actor.start();
  actor.send({ type: 'START' });
  await jest.advanceTimersByTimeAsync(10);
  return actor;
}

/** A real persisted snapshot of a chart polling a fallback stage, as JSON data. */
async function pollingSnapshot(): Promise<Record<string, any>> {
  const s = server();
  const actor = await atSsoStage(s);
  expect(actor.getSnapshot().value).toEqual({ polling: 'waiting' });
  const json = JSON.parse(JSON.stringify(actor.getPersistedSnapshot()));
  actor.stop();
  return json;
}

test.each([0, -1, '5', null, Number.NaN])('polling.intervalMs %p restored: clamped, no poll storm, and polling still gives up', async (bad) => {
  const saved = await pollingSnapshot();
  saved.context.settings.polling.intervalMs = bad;
  saved.context.settings.polling.giveUpAfterMs = 'never';
  const s = server();
  const actor = createUiaActor({ stages: stageMachines, request: s.request, snapshot: checkUiaSnapshot(saved) });
  actor.start();
  await jest.advanceTimersByTimeAsync(1000);
  // The input's own clamp: at least 50 ms between polls (the default when not a number).
  expect(s.calls.length).toBeLessThanOrEqual(21);
  expect(actor.getSnapshot().context.settings.polling.giveUpAfterMs).toBe(30 * 60 * 1000);
  actor.stop();
});

test.each<[string, (s: Record<string, any>) => unknown, RegExp]>([
  ['missing settings', (s) => void delete s.context.settings, /settings/],
  ['an unknown state value', (s) => void (s.value = 'nowhere'), /not a state/],
  ['an unknown nested state value', (s) => void (s.value = { polling: 'sleeping' }), /not a state/],
  ['status "error"', (s) => void (s.status = 'error'), /status/],
  ['no context', (s) => void delete s.context, /context/],
  ['a counter that is a string', (s) => void (s.context.poll.count = '3'), /poll\.count/],
  ['an invalid client secret', (s) => void (s.context.settings.clientSecret = 'a b'), /clientSecret/],
  ['a stage child of another kind', (s) => void (s.children.stage.src = 'password'), /children\.stage/],
  ['a child in error', (s) => void (s.children.stage.snapshot.status = 'error'), /children\.stage/],
  ['a stage kind that does not exist', (s) => void (s.context.stageKind = 'teleport'), /stageKind/],
])('%s: InvalidOptionsError, nothing restored', async (_, tamper, message) => {
  const saved = await pollingSnapshot();
  tamper(saved);
  let error: unknown;
  try {
    checkUiaSnapshot(saved);
  } catch (e) {
    error = e;
  }
  expect(error).toMatchObject({ code: 'INVALID_OPTIONS', message: expect.stringMatching(message) });
});

test('401 data in the snapshot goes through the parser: ProtocolError for what a server could not send', async () => {
  const saved = await pollingSnapshot();
  saved.context.flows = [{ stages: Array.from({ length: 100 }, () => 'm.login.sso') }];
  expect(() => checkUiaSnapshot(saved)).toThrow(expect.objectContaining({ code: 'PROTOCOL' }));
});

test('a raw snapshot is refused by createUiaActor: InvalidOptionsError naming checkUiaSnapshot', async () => {
  const saved = await pollingSnapshot();
  expect(() => createUiaActor({ stages: stageMachines, request: server().request, snapshot: saved as never })).toThrow(
    expect.objectContaining({ code: 'INVALID_OPTIONS', message: expect.stringContaining('checkUiaSnapshot') }),
  );
});

test('neighbour: a background dict (poll.override) restored as its JSON marker does not crash the check', async () => {
  const s = server();
  const actor = await atSsoStage(s);
  actor.send({ type: 'SUBMIT_AUTH', auth: { type: 'm.login.sso' } as AuthDict, background: true });
  const saved = JSON.parse(JSON.stringify(actor.getPersistedSnapshot()));
  actor.stop();
  expect(saved.value).toEqual({ polling: { checking: 'background' } });
  expect(saved.context.poll.override).toBe('[sealed]');
  const restored = createUiaActor({ stages: stageMachines, request: s.request, snapshot: checkUiaSnapshot(saved) });
  restored.start();
  await jest.advanceTimersByTimeAsync(10);
  expect(restored.getSnapshot().status).toBe('active');
  expect(s.calls.at(-1)).toEqual({ session: 'S' });
  restored.stop();
});

test('a snapshot saved before polling.checking had sub-states ({polling: "checking"}) resumes its check', async () => {
  const s = server();
  const actor = await atSsoStage(s);
  actor.send({ type: 'POLL' });
  const saved = JSON.parse(JSON.stringify(actor.getPersistedSnapshot()));
  actor.stop();
  expect(saved.value).toEqual({ polling: { checking: 'background' } });
  const calls = s.calls.length;
  const restored = createUiaActor({ stages: stageMachines, request: s.request, snapshot: checkUiaSnapshot({ ...saved, value: { polling: 'checking' } }) });
  restored.start();
  expect(restored.getSnapshot().value).toEqual({ polling: { checking: 'background' } });
  await jest.advanceTimersByTimeAsync(10);
  expect(restored.getSnapshot().status).toBe('active');
  expect(s.calls.length).toBe(calls + 1);
  expect(s.calls.at(-1)).toEqual({ session: 'S' });
  // Only that one old shape is mapped: a compound state named without its child is still refused.
  expect(() => checkUiaSnapshot({ ...saved, value: 'polling' })).toThrow(InvalidOptionsError);
  expect(() => checkUiaSnapshot({ ...saved, value: { polling: { checking: 'nope' } } })).toThrow(InvalidOptionsError);
  restored.stop();
});

test('fields the chart does not persist meaningfully (historyValue, error, extra keys) are rebuilt, not copied', async () => {
  // Found by the tampered-snapshot property (test/properties/hardening-round-two.test.ts).
  const saved = await pollingSnapshot();
  Object.assign(saved, { historyValue: [false], error: 'boom', extra: { a: 1 } });
  saved.children.stage.snapshot.historyValue = 7;
  const checked = checkUiaSnapshot(saved) as unknown as Record<string, unknown>;
  expect(checked.extra).toBeUndefined();
  const s = server();
  const actor = createUiaActor({ stages: stageMachines, request: s.request, snapshot: checkUiaSnapshot(saved) });
  actor.subscribe({ error: () => {} });
  actor.start();
  await jest.advanceTimersByTimeAsync(100);
  expect(actor.getSnapshot().status).toBe('active');
  actor.stop();
});
