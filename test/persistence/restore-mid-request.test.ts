/**
 * Restoring a snapshot taken while a request was in flight. XState restarts the invoked actors of
 * restored states, so without care a restore would send that request again. The defined
 * behaviour (`createUiaActor({ snapshot })`):
 *
 * - a credential is never sent twice: a submission (`submitting`) interrupted by the restore is
 *   reported to its stage, which shows the interruption and takes the user's input again;
 * - a request carrying no credential is made again: the first request (`requesting`), the final
 *   `{session}` resubmission, and a background check (`polling.checking`, with the poll dict
 *   only, never an app-given background dict);
 * - an email stage restored while requesting its token asks again with the same `send_attempt`,
 *   which the spec (and Synapse, and the simulator) answer without sending another email.
 *
 * Each case is run with the snapshot kept in memory (sealed dicts survive) and through JSON.
 */
import { checkUiaSnapshot } from '../../src/api/restore-snapshot';
import { createHomeserver } from '../../src/testing';
import { createMatrixClient, endpointFunctions, registerCall } from '../../src/fetch';
import { createUiaActor, type UiaActor } from '../../src/api/create-uia-machine';
import { NetworkError } from '../../src/errors/errors';
import { selectStageError, selectStageSnapshot } from '../../src/api/selectors';
import type { Snapshot } from 'xstate';
import { controllableRequest, controllableTokenRequest, flush } from '../helpers/controllable';
import { stageMachines } from '../../machines/stages';
import { ended, untilSystem, waitForSnapshot } from '../helpers/wait';
import type { EmailTokenRequest } from '../../src/types';

beforeEach(() => jest.useFakeTimers());
afterEach(() => jest.useRealTimers());

const S = 'S1';
const PW = 'm.login.password';
const EMAIL = 'm.login.email.identity';
const SECRET = 'correct horse battery';
const pwChallenge = { session: S, flows: [{ stages: [PW] }], params: {} };
const emailChallenge = { session: S, flows: [{ stages: [EMAIL] }], params: {} };
const EMAIL_OPTIONS = { inputs: { emailAddress: 'a@example.org' }, clientSecret: 'cs' };

type Persist = (actor: UiaActor) => Snapshot<unknown>;
const ways: [string, Persist][] = [
  ['in memory', (a) => a.getPersistedSnapshot()],
  ['through JSON', (a) => JSON.parse(JSON.stringify(a.getPersistedSnapshot()))],
];

/** A negotiation on controllable functions. */
function negotiation(options: Record<string, unknown> = {}, snapshot?: Snapshot<unknown>) {
  const req = controllableRequest();
  const email = controllableTokenRequest<EmailTokenRequest>();
  const actor = createUiaActor({
    stages: stageMachines,
    request: req.request,
    requestEmailToken: email.fn,
    userId: '@a:hs',
    ...options,
    ...(snapshot ? { snapshot: checkUiaSnapshot(snapshot) } : {}),
  });
  actor.start();
  return { actor, req, email };
}

/** A negotiation at the email stage, its token sent (sid `SID`, client secret `cs`), polling. */
async function atEmailPolling() {
  const first = negotiation(EMAIL_OPTIONS);
  first.actor.send({ type: 'START' });
  first.req.last().challenge(emailChallenge);
  await flush();
  first.email.calls[0]!.ok({ sid: 'SID' });
  await flush();
  return first;
}

describe.each(ways)('restored %s', (_way, persist) => {
  test('in submitting: the password is not sent again; the stage shows the interruption and takes it again', async () => {
    const first = negotiation();
    first.actor.send({ type: 'START' });
    first.req.last().challenge(pwChallenge);
    await flush();
    first.actor.send({ type: 'PASSWORD.SUBMIT', password: SECRET });
    expect(first.actor.getSnapshot().value).toBe('submitting');
    const saved = persist(first.actor);
    first.actor.stop();

    const second = negotiation({}, saved);
    await flush();
    expect(second.req.calls).toHaveLength(0);
    const snap = second.actor.getSnapshot();
    expect(snap.value).toBe('awaitingStage');
    expect(selectStageSnapshot(snap)?.value).toBe('waiting');
    expect(selectStageError(snap)).toBeInstanceOf(NetworkError);
    expect(selectStageError(snap)?.message).toMatch(/interrupted/);

    second.actor.send({ type: 'PASSWORD.SUBMIT', password: SECRET });
    expect(second.req.calls).toHaveLength(1);
    expect(second.req.last().auth).toMatchObject({ type: PW, password: SECRET, session: S });
    second.req.last().ok({ done: true });
    await flush();
    expect(second.actor.getSnapshot().status).toBe('done');
  });

  test('in requesting: the first request (no credential) is made again', async () => {
    const first = negotiation({ sessionId: S });
    first.actor.send({ type: 'START' });
    expect(first.actor.getSnapshot().value).toBe('requesting');
    const saved = persist(first.actor);
    first.actor.stop();

    const second = negotiation({ sessionId: S }, saved);
    await flush();
    expect(second.req.calls).toHaveLength(1);
    expect(second.req.last()).toMatchObject({ auth: { session: S }, background: false });
    second.req.last().challenge(pwChallenge);
    await flush();
    expect(second.actor.getSnapshot().value).toBe('awaitingStage');
  });

  test('in the final {session} resubmission: it is made again, not failed', async () => {
    const first = negotiation();
    first.actor.send({ type: 'START' });
    first.req.last().challenge(pwChallenge);
    await flush();
    first.actor.send({ type: 'PASSWORD.SUBMIT', password: SECRET });
    // Every stage complete but still a 401: the chart resubmits {session} once, with no stage open.
    first.req.last().challenge({ ...pwChallenge, completed: [PW] });
    await flush();
    expect(first.actor.getSnapshot().value).toBe('submitting');
    expect(first.req.last().auth).toEqual({ session: S });
    const saved = persist(first.actor);
    first.actor.stop();

    const second = negotiation({}, saved);
    await flush();
    expect(second.req.calls).toHaveLength(1);
    expect(second.req.last()).toMatchObject({ auth: { session: S }, background: false });
    second.req.last().ok({ done: true });
    await flush();
    expect(second.actor.getSnapshot().status).toBe('done');
  });

  test('in polling.checking: checks again at once with the poll dict, never with an app-given background dict', async () => {
    const first = await atEmailPolling();
    first.actor.send({ type: 'SUBMIT_AUTH', auth: { type: 'x.custom', secret: SECRET }, background: true });
    expect(first.actor.getSnapshot().value).toEqual({ polling: { checking: 'background' } });
    const saved = persist(first.actor);
    first.actor.stop();

    const second = negotiation(EMAIL_OPTIONS, saved);
    await flush();
    expect(second.req.calls).toHaveLength(1);
    expect(second.req.last()).toMatchObject({
      background: true,
      auth: { type: EMAIL, threepid_creds: { sid: 'SID', client_secret: 'cs' }, session: S },
    });
    for (const call of second.req.calls) expect(JSON.stringify(call.auth)).not.toContain(SECRET);
    expect(second.email.calls).toHaveLength(0);
  });

  test('in polling.checking.submissionWaiting: the waiting submission is sent (in memory) or reported interrupted to its stage (JSON), never stuck', async () => {
    const first = await atEmailPolling();
    first.actor.send({ type: 'POLL' });
    first.actor.send({ type: 'EMAIL.CHECK' });
    expect(first.actor.getSnapshot().value).toEqual({ polling: { checking: 'submissionWaiting' } });
    const saved = persist(first.actor);
    first.actor.stop();

    const second = negotiation(EMAIL_OPTIONS, saved);
    await flush();
    const snap = second.actor.getSnapshot();
    expect(snap.status).toBe('active');
    if (_way === 'in memory') {
      // The dict survived (a snapshot kept in memory): the submission, never sent before, goes now.
      expect(second.req.calls).toHaveLength(1);
      expect(second.req.last()).toMatchObject({ background: false, auth: { type: EMAIL, threepid_creds: { sid: 'SID', client_secret: 'cs' }, session: S } });
      expect(snap.value).toBe('submitting');
    } else {
      // Lost to JSON: the stage is told, and takes the user's click again.
      expect(second.req.calls).toHaveLength(0);
      expect(snap.hasTag('busy')).toBe(false);
      expect(selectStageError(snap)).toBeInstanceOf(NetworkError);
      expect(selectStageSnapshot(snap)?.hasTag('input')).toBe(true);
    }
    expect(second.email.calls).toHaveLength(0);
  });

  test('an email stage in requestingToken asks again with the same send_attempt', async () => {
    const first = negotiation(EMAIL_OPTIONS);
    first.actor.send({ type: 'START' });
    first.req.last().challenge(emailChallenge);
    await flush();
    expect(selectStageSnapshot(first.actor.getSnapshot())?.value).toBe('requestingToken');
    expect(first.email.calls.map((c) => c.req.attempt)).toEqual([1]);
    const saved = persist(first.actor);
    first.actor.stop();

    const second = negotiation(EMAIL_OPTIONS, saved);
    await flush();
    expect(second.email.calls.map((c) => c.req)).toEqual([{ email: 'a@example.org', clientSecret: 'cs', attempt: 1, session: S }]);
    expect(second.req.calls).toHaveLength(0);
  });
});

test('against the simulator: an email stage restored while requesting its token sends no second email', async () => {
  jest.useRealTimers();
  const hs = createHomeserver();
  hs.config.endpoints.register.flows = [[EMAIL]];
  const client = createMatrixClient({ baseUrl: 'http://hs.test', fetch: hs.fetch });
  const options = {
    ...endpointFunctions(client, registerCall({ username: 'erin', password: 'erin-pass-1' })),
    stages: stageMachines,
    inputs: { emailAddress: 'erin@example.test' },
    polling: { intervalMs: 60_000 },
  };
  // Hold the first token request at the server, so the snapshot is taken while it is in flight.
  let release!: () => void;
  const held = new Promise<void>((r) => (release = r));
  const first = createUiaActor({
    ...options,
    requestEmailToken: async (req) => {
      await held;
      return options.requestEmailToken!(req);
    },
  });
  first.start();
  first.send({ type: 'START' });
  await untilSystem(first, () => selectStageSnapshot(first.getSnapshot())?.value === 'requestingToken', 'the email stage to request its token');
  const saved = JSON.parse(JSON.stringify(first.getPersistedSnapshot()));
  release();
  // The email is sent before the token request's answer comes back to its actor, a snapshot.
  await untilSystem(first, () => hs.outbox.filter('erin@example.test').length === 1, 'the validation email');
  first.stop();

  const second = createUiaActor({ ...options, snapshot: checkUiaSnapshot(saved) });
  second.start();
  await waitForSnapshot(second, (s) => s.matches('polling'));
  expect(hs.outbox.filter('erin@example.test')).toHaveLength(1);
  hs.clickEmailLink('erin@example.test');
  second.send({ type: 'POLL' });
  expect((await ended(second)).status).toBe('done');
  expect(hs.outbox.filter('erin@example.test')).toHaveLength(1);
  second.stop();
});

test('a second start() of a restored actor does not make the resumed request again', async () => {
  const first = negotiation({ sessionId: S });
  first.actor.send({ type: 'START' });
  const saved = JSON.parse(JSON.stringify(first.actor.getPersistedSnapshot()));
  first.actor.stop();
  const second = negotiation({ sessionId: S }, saved);
  second.actor.start();
  await flush();
  expect(second.req.calls).toHaveLength(1);
  expect(second.req.inFlight()).toHaveLength(1);
});
