/**
 * Single-transition tests of the parent chart (machines/uia.machine.ts): each state's events,
 * the context and stage events they produce, the `busy` tag, one request in flight at most,
 * late answers dropped with their signal aborted, cancel from every live state, 429 handling,
 * network faults, and Synapse's flow-less 401 while polling.
 */
import { AbortedError, EndpointError, InvalidOptionsError, NetworkError, NoAuthFlowFoundError, ProtocolError, RateLimitedError, StageError } from '../../src/errors/errors';
import { selectBusy, selectFinalError, selectResult, selectStageError } from '../../src/api/selectors';
import { flush } from '../helpers/controllable';
import { startChart } from './harness';

const PW = 'm.login.password';
const EMAIL = 'm.login.email.identity';
const pwChallenge = { session: 'S', flows: [{ stages: [PW] }], params: {} };
const emailChallenge = { session: 'S', flows: [{ stages: [EMAIL] }], params: {} };
const twoStage = { session: 'S', flows: [{ stages: ['m.login.recaptcha', 'm.login.terms'] }], params: { 'm.login.terms': { policies: {} } } };

beforeEach(() => jest.useFakeTimers());
afterEach(() => jest.useRealTimers());

/** A chart that has made its first request and got a password challenge. */
async function atPasswordStage(input = {}) {
  const c = startChart({ userId: '@alice:example.org', ...input });
  c.actor.send({ type: 'START' });
  c.req.last().challenge(pwChallenge);
  await flush();
  return c;
}

/** A chart polling an email stage (the token request answered). */
async function atEmailPolling(input = {}) {
  const c = startChart({ inputs: { emailAddress: 'a@example.org' }, clientSecret: 'cs', ...input });
  c.actor.send({ type: 'START' });
  c.req.last().challenge(emailChallenge);
  await flush();
  c.email.calls[0]!.ok({ sid: 'SID' });
  await flush();
  return c;
}

describe('idle', () => {
  test('starts idle, makes no request', () => {
    const c = startChart();
    expect(c.snap().value).toBe('idle');
    expect(c.req.calls).toHaveLength(0);
  });
  test('START makes the first request without auth, busy', () => {
    const c = startChart();
    c.actor.send({ type: 'START' });
    expect(c.snap().value).toBe('requesting');
    expect(c.snap().hasTag('busy')).toBe(true);
    expect(c.req.calls).toHaveLength(1);
    expect(c.req.last().auth).toBeNull();
    expect(c.req.last().background).toBe(false);
  });
  test('START with a sessionId sends {session}', () => {
    const c = startChart({ sessionId: 'OLD' });
    c.actor.send({ type: 'START' });
    expect(c.req.last().auth).toEqual({ session: 'OLD' });
  });
  test('START with authData (flows) makes no request and opens the stage', () => {
    const c = startChart({ authData: pwChallenge, userId: '@a:b' });
    c.actor.send({ type: 'START' });
    expect(c.snap().value).toBe('awaitingStage');
    expect(c.req.calls).toHaveLength(0);
    expect(c.snap().context.session).toBe('S');
    expect(c.snap().context.stage).toBe(PW);
  });
  test('START with authData lacking flows makes the first request', () => {
    const c = startChart({ authData: { session: 'S' } });
    c.actor.send({ type: 'START' });
    expect(c.snap().value).toBe('requesting');
    expect(c.req.last().auth).toEqual({ session: 'S' });
  });
  test('START with an invalid clientSecret fails with InvalidOptionsError, no request', () => {
    const c = startChart({ clientSecret: 'not valid!' });
    c.actor.send({ type: 'START' });
    expect(c.snap().value).toBe('failed');
    expect(selectFinalError(c.snap())).toBeInstanceOf(InvalidOptionsError);
    expect(c.req.calls).toHaveLength(0);
  });
  test('events other than START and CANCEL do nothing', () => {
    const c = startChart();
    c.actor.send({ type: 'POLL' });
    c.actor.send({ type: 'PASSWORD.SUBMIT', password: 'x' });
    c.actor.send({ type: 'SUBMIT_AUTH', auth: { type: 'm.login.dummy' } });
    expect(c.snap().value).toBe('idle');
    expect(c.req.calls).toHaveLength(0);
  });
});

describe('requesting', () => {
  test('2xx → done with the result', async () => {
    const c = startChart();
    c.actor.send({ type: 'START' });
    c.req.last().ok({ done: true });
    await flush();
    expect(c.snap().value).toBe('done');
    expect(c.snap().output?.status).toBe('done');
    expect(selectResult(c.snap())).toEqual({ done: true });
  });
  test('401 with flows → awaitingStage with the stage open, not busy', async () => {
    const c = await atPasswordStage();
    const s = c.snap();
    expect(s.value).toBe('awaitingStage');
    expect(s.context).toMatchObject({ session: 'S', flows: [{ stages: [PW] }], chosenFlow: { stages: [PW] }, stage: PW, stageKind: 'password', pendingAuth: null });
    expect(s.hasTag('busy')).toBe(false);
    expect(selectBusy(s)).toBe(false);
    expect(c.stage()?.value).toBe('waiting');
    expect(c.stage()?.hasTag('input')).toBe(true);
  });
  test('401 with a malformed body → failed ProtocolError', async () => {
    const c = startChart();
    c.actor.send({ type: 'START' });
    c.req.last().challenge({ flows: 'nope' });
    await flush();
    expect(c.snap().value).toBe('failed');
    expect(selectFinalError(c.snap())).toBeInstanceOf(ProtocolError);
  });
  test('401 without flows (nothing known) → failed EndpointError', async () => {
    const c = startChart();
    c.actor.send({ type: 'START' });
    c.req.last().challenge({ errcode: 'M_MISSING_TOKEN', error: 'Missing access token' });
    await flush();
    const e = selectFinalError(c.snap()) as EndpointError;
    expect(e).toBeInstanceOf(EndpointError);
    expect(e.errcode).toBe('M_MISSING_TOKEN');
  });
  test('401 with no acceptable flow → failed NoAuthFlowFoundError', async () => {
    const c = startChart();
    c.actor.send({ type: 'START' });
    c.req.last().challenge(emailChallenge);
    await flush();
    expect(c.snap().value).toBe('failed');
    const e = selectFinalError(c.snap()) as NoAuthFlowFoundError;
    expect(e).toBeInstanceOf(NoAuthFlowFoundError);
    expect(e.flows).toEqual([{ stages: [EMAIL] }]);
  });
  test('400 → failed EndpointError', async () => {
    const c = startChart();
    c.actor.send({ type: 'START' });
    c.req.last().http(400, { errcode: 'M_UNKNOWN', error: 'Unknown session ID: x' });
    await flush();
    const e = selectFinalError(c.snap()) as EndpointError;
    expect(e.httpStatus).toBe(400);
  });
  test('network error on the first request → failed NetworkError', async () => {
    const c = startChart();
    c.actor.send({ type: 'START' });
    c.req.last().network('ECONNREFUSED');
    await flush();
    expect(c.snap().value).toBe('failed');
    const e = selectFinalError(c.snap())!;
    expect(e).toBeInstanceOf(NetworkError);
    expect(e.message).toContain('ECONNREFUSED');
  });
});

describe('rateLimited', () => {
  test('429 waits retry_after_ms, then retries the same request', async () => {
    const c = startChart({ sessionId: 'S0' });
    c.actor.send({ type: 'START' });
    c.req.last().http(429, { errcode: 'M_LIMIT_EXCEEDED', retry_after_ms: 1500 });
    await flush();
    expect(c.snap().value).toBe('rateLimited');
    expect(c.snap().hasTag('busy')).toBe(true);
    await jest.advanceTimersByTimeAsync(1499);
    expect(c.req.calls).toHaveLength(1);
    await jest.advanceTimersByTimeAsync(1);
    expect(c.req.calls).toHaveLength(2);
    expect(c.snap().value).toBe('requesting');
    expect(c.req.last().auth).toEqual({ session: 'S0' });
  });
  test('the wait is capped by maxWaitMs; the Retry-After header counts when the body has none', async () => {
    const c = startChart({ rateLimit: { maxWaitMs: 5000 } });
    c.actor.send({ type: 'START' });
    c.req.last().http(429, { retry_after_ms: 3_600_000 });
    await flush();
    expect(c.snap().context.retry.afterMs).toBe(5000);
    await jest.advanceTimersByTimeAsync(5000);
    expect(c.req.calls).toHaveLength(2);
    c.req.last().http(429, {}, 700);
    await flush();
    expect(c.snap().context.retry.afterMs).toBe(700);
  });
  test('without a hint the default wait is used', async () => {
    const c = startChart({ rateLimit: { defaultWaitMs: 250 } });
    c.actor.send({ type: 'START' });
    c.req.last().http(429, {});
    await flush();
    await jest.advanceTimersByTimeAsync(249);
    expect(c.req.calls).toHaveLength(1);
    await jest.advanceTimersByTimeAsync(1);
    expect(c.req.calls).toHaveLength(2);
  });
  test('retries exhausted → failed RateLimitedError', async () => {
    const c = startChart({ rateLimit: { maxRetries: 2 } });
    c.actor.send({ type: 'START' });
    for (let i = 0; i < 2; i++) {
      c.req.last().http(429, { retry_after_ms: 10 });
      await flush();
      await jest.advanceTimersByTimeAsync(10);
    }
    expect(c.req.calls).toHaveLength(3);
    c.req.last().http(429, { retry_after_ms: 10 });
    await flush();
    expect(c.snap().value).toBe('failed');
    const e = selectFinalError(c.snap()) as RateLimitedError;
    expect(e).toBeInstanceOf(RateLimitedError);
    expect(e.retries).toBe(2);
    await jest.advanceTimersByTimeAsync(1000);
    expect(c.req.calls).toHaveLength(3);
  });
  test('a 429 on a submission retries that submission (same dict, password included)', async () => {
    const c = await atPasswordStage();
    c.actor.send({ type: 'PASSWORD.SUBMIT', password: 'pw1' });
    await flush();
    const sent = c.req.last().auth;
    c.req.last().http(429, { retry_after_ms: 100 });
    await flush();
    expect(c.snap().value).toBe('rateLimited');
    await jest.advanceTimersByTimeAsync(100);
    expect(c.snap().value).toBe('submitting');
    expect(c.req.calls).toHaveLength(3);
    expect(c.req.last().auth).toEqual(sent);
    c.req.last().ok({});
    await flush();
    expect(c.snap().value).toBe('done');
  });
});

describe('awaitingStage and submitting', () => {
  test('a stage submission is sent with the session, busy, the stage waits for the answer', async () => {
    const c = await atPasswordStage();
    c.actor.send({ type: 'PASSWORD.SUBMIT', password: 'pw' });
    await flush();
    expect(c.stageEvents()).toEqual(['STAGE.SUBMIT']);
    expect(c.snap().value).toBe('submitting');
    expect(c.snap().hasTag('busy')).toBe(true);
    expect(c.req.last().auth).toEqual({ type: PW, identifier: { type: 'm.id.user', user: '@alice:example.org' }, password: 'pw', session: 'S' });
    expect(c.stage()?.value).toBe('submitted');
  });
  test('a second submit while one is in flight is not sent', async () => {
    const c = await atPasswordStage();
    c.actor.send({ type: 'PASSWORD.SUBMIT', password: 'pw' });
    await flush();
    c.actor.send({ type: 'PASSWORD.SUBMIT', password: 'pw' });
    c.actor.send({ type: 'SUBMIT_AUTH', auth: { type: PW } });
    c.actor.send({ type: 'POLL' });
    await flush();
    expect(c.req.calls).toHaveLength(2);
    expect(c.req.inFlight()).toHaveLength(1);
    expect(c.snap().value).toBe('submitting');
  });
  test('401 M_FORBIDDEN → the same stage, showing the error, accepting input again', async () => {
    const c = await atPasswordStage();
    c.actor.send({ type: 'PASSWORD.SUBMIT', password: 'wrong' });
    await flush();
    c.req.last().challenge({ ...pwChallenge, completed: [], errcode: 'M_FORBIDDEN', error: 'Invalid username or password' });
    await flush();
    expect(c.snap().value).toBe('awaitingStage');
    const err = selectStageError(c.snap()) as StageError;
    expect(err).toBeInstanceOf(StageError);
    expect(err.errcode).toBe('M_FORBIDDEN');
    expect(err.stage).toBe(PW);
    expect(c.stage()?.value).toBe('waiting');
    expect(c.stage()?.context.attempts).toBe(1);
    c.actor.send({ type: 'PASSWORD.SUBMIT', password: 'right' });
    await flush();
    expect(c.req.last().auth).toMatchObject({ password: 'right' });
  });
  test('401 with progress → the next stage opens in a new stage machine', async () => {
    const c = startChart();
    c.actor.send({ type: 'START' });
    c.req.last().challenge(twoStage);
    await flush();
    expect(c.snap().context.stageKind).toBe('recaptcha');
    const first = c.snap().children.stage;
    c.actor.send({ type: 'RECAPTCHA.SUBMIT', response: 'captcha' });
    await flush();
    c.req.last().challenge({ ...twoStage, completed: ['m.login.recaptcha'] });
    await flush();
    expect(c.snap().value).toBe('awaitingStage');
    expect(c.snap().context).toMatchObject({ stage: 'm.login.terms', stageKind: 'terms', completed: ['m.login.recaptcha'] });
    expect(c.snap().children.stage).not.toBe(first);
    expect(first!.getSnapshot().status).toBe('stopped');
  });
  test('2xx → done', async () => {
    const c = await atPasswordStage();
    c.actor.send({ type: 'PASSWORD.SUBMIT', password: 'pw' });
    await flush();
    c.req.last().ok({ ok: 1 });
    await flush();
    expect(c.snap().value).toBe('done');
    expect(selectResult(c.snap())).toEqual({ ok: 1 });
  });
  test('network error on a submit → awaitingStage with the error shown and the stage accepting input', async () => {
    const c = await atPasswordStage();
    c.actor.send({ type: 'PASSWORD.SUBMIT', password: 'pw' });
    await flush();
    c.req.last().network('offline');
    await flush();
    expect(c.snap().value).toBe('awaitingStage');
    expect(selectStageError(c.snap())).toBeInstanceOf(NetworkError);
    expect(c.snap().context.stageError).toBeInstanceOf(NetworkError);
    expect(c.stage()?.value).toBe('waiting');
    expect(c.stage()?.hasTag('input')).toBe(true);
    c.actor.send({ type: 'PASSWORD.SUBMIT', password: 'pw' });
    await flush();
    expect(c.snap().value).toBe('submitting');
    expect(c.snap().context.stageError).toBeNull();
  });
  test('a non-401 answer to a submit → failed EndpointError', async () => {
    const c = await atPasswordStage();
    c.actor.send({ type: 'PASSWORD.SUBMIT', password: 'pw' });
    await flush();
    c.req.last().http(403, { errcode: 'M_FORBIDDEN', error: 'Invalid auth' });
    await flush();
    expect(c.snap().value).toBe('failed');
    expect((selectFinalError(c.snap()) as EndpointError).httpStatus).toBe(403);
  });
  test('SUBMIT_AUTH sends a hand-made dict with the session', async () => {
    const c = await atPasswordStage();
    c.actor.send({ type: 'SUBMIT_AUTH', auth: { type: 'm.login.custom', x: 1 } });
    await flush();
    expect(c.snap().value).toBe('submitting');
    expect(c.req.last().auth).toEqual({ type: 'm.login.custom', x: 1, session: 'S' });
  });
  test('CHOOSE_FLOW to an offered flow opens its stage; an unknown flow is ignored', async () => {
    const c = startChart({ inputs: {} });
    c.actor.send({ type: 'START' });
    c.req.last().challenge({ session: 'S', flows: [{ stages: ['m.login.dummy'] }, { stages: [PW] }], params: {} });
    await flush();
    expect(c.snap().context.stage).toBe('m.login.dummy');
    // The dummy stage submitted by itself.
    expect(c.snap().value).toBe('submitting');
    c.req.last().challenge({ session: 'S', flows: [{ stages: ['m.login.dummy'] }, { stages: [PW] }], params: {}, errcode: 'M_UNKNOWN', error: 'no dummy today' });
    await flush();
    expect(c.stage()?.value).toBe('rejected');
    c.actor.send({ type: 'CHOOSE_FLOW', stages: ['m.login.nope'] });
    expect(c.snap().context.stage).toBe('m.login.dummy');
    c.actor.send({ type: 'CHOOSE_FLOW', stages: [PW] });
    expect(c.snap().value).toBe('awaitingStage');
    expect(c.snap().context).toMatchObject({ stage: PW, chosenFlow: { stages: [PW] }, preferredFlow: { stages: [PW] } });
  });
  test('every stage complete yet 401: one {session} resubmission, then a ProtocolError', async () => {
    const c = await atPasswordStage();
    c.actor.send({ type: 'PASSWORD.SUBMIT', password: 'pw' });
    await flush();
    c.req.last().challenge({ ...pwChallenge, completed: [PW] });
    await flush();
    expect(c.snap().value).toBe('submitting');
    expect(c.req.last().auth).toEqual({ session: 'S' });
    c.req.last().challenge({ ...pwChallenge, completed: [PW] });
    await flush();
    expect(c.snap().value).toBe('failed');
    expect(selectFinalError(c.snap())).toBeInstanceOf(ProtocolError);
  });
  test('STAGE.FAIL from a stage (terms params invalid) → failed', async () => {
    const c = startChart();
    c.actor.send({ type: 'START' });
    c.req.last().challenge({ session: 'S', flows: [{ stages: ['m.login.terms'] }], params: { 'm.login.terms': { policies: 'x' } } });
    await flush();
    expect(c.snap().value).toBe('failed');
    expect(selectFinalError(c.snap())).toBeInstanceOf(ProtocolError);
  });
});

describe('polling', () => {
  test('an email stage starts polling with threepid_creds in the background, never busy', async () => {
    const c = await atEmailPolling();
    expect(c.stageEvents()).toEqual(['STAGE.UPDATE', 'STAGE.POLL']);
    expect(c.snap().value).toEqual({ polling: 'waiting' });
    expect(c.snap().context).toMatchObject({ email: { sid: 'SID', attempt: 1 } });
    expect(c.snap().hasTag('busy')).toBe(false);
    await jest.advanceTimersByTimeAsync(2000);
    expect(c.snap().value).toEqual({ polling: { checking: 'background' } });
    expect(c.snap().hasTag('busy')).toBe(false);
    expect(c.req.last()).toMatchObject({ background: true, auth: { type: EMAIL, threepid_creds: { sid: 'SID', client_secret: 'cs' }, session: 'S' } });
  });
  test('"not validated yet" (Synapse exchange 59) → back to waiting, no error shown, backoff grows', async () => {
    const c = await atEmailPolling();
    const notYet = { ...emailChallenge, completed: [], error: 'Unable to get validated threepid', errcode: 'M_UNAUTHORIZED' };
    await jest.advanceTimersByTimeAsync(2000);
    c.req.last().challenge(notYet);
    await flush();
    expect(c.snap().value).toEqual({ polling: 'waiting' });
    expect(c.stage()?.context.error).toBeNull();
    expect(c.snap().context.poll.count).toBe(1);
    await jest.advanceTimersByTimeAsync(2999);
    expect(c.req.calls).toHaveLength(2);
    await jest.advanceTimersByTimeAsync(1);
    expect(c.req.calls).toHaveLength(3);
  });
  test('a Synapse-style 401 without flows while polling keeps the known flows and session', async () => {
    const c = await atEmailPolling();
    await jest.advanceTimersByTimeAsync(2000);
    c.req.last().challenge({});
    await flush();
    expect(c.snap().value).toEqual({ polling: 'waiting' });
    expect(c.snap().context).toMatchObject({ flows: emailChallenge.flows, session: 'S', stage: EMAIL });
  });
  test('a poll that succeeds → done', async () => {
    const c = await atEmailPolling();
    await jest.advanceTimersByTimeAsync(2000);
    c.req.last().ok({ user_id: '@a:b' });
    await flush();
    expect(c.snap().value).toBe('done');
  });
  test('network errors and 5xx while polling keep polling; 429 waits at least its hint', async () => {
    const c = await atEmailPolling({ polling: { intervalMs: 100, backoffFactor: 1 } });
    await jest.advanceTimersByTimeAsync(100);
    c.req.last().network();
    await flush();
    expect(c.snap().value).toEqual({ polling: 'waiting' });
    await jest.advanceTimersByTimeAsync(100);
    c.req.last().http(502, {});
    await flush();
    expect(c.snap().value).toEqual({ polling: 'waiting' });
    await jest.advanceTimersByTimeAsync(100);
    c.req.last().http(429, { retry_after_ms: 5000 });
    await flush();
    const n = c.req.calls.length;
    await jest.advanceTimersByTimeAsync(4999);
    expect(c.req.calls).toHaveLength(n);
    await jest.advanceTimersByTimeAsync(1);
    expect(c.req.calls).toHaveLength(n + 1);
  });
  test('a 4xx while polling fails', async () => {
    const c = await atEmailPolling();
    await jest.advanceTimersByTimeAsync(2000);
    c.req.last().http(400, { errcode: 'M_UNKNOWN' });
    await flush();
    expect(c.snap().value).toBe('failed');
  });
  test('POLL checks at once', async () => {
    const c = await atEmailPolling();
    c.actor.send({ type: 'POLL' });
    expect(c.snap().value).toEqual({ polling: { checking: 'background' } });
    expect(c.req.calls).toHaveLength(2);
  });
  test('polling gives up after giveUpAfterMs; the stage stays open, POLL checks again', async () => {
    const c = await atEmailPolling({ polling: { intervalMs: 1000, backoffFactor: 1, giveUpAfterMs: 2500 } });
    for (let i = 0; i < 2; i++) {
      await jest.advanceTimersByTimeAsync(1000);
      c.req.last().challenge({});
      await flush();
    }
    await jest.advanceTimersByTimeAsync(1000);
    expect(c.snap().value).toBe('awaitingStage');
    expect(c.snap().context.poll.stopped).toBe(true);
    const n = c.req.calls.length;
    await jest.advanceTimersByTimeAsync(60_000);
    expect(c.req.calls).toHaveLength(n);
    c.actor.send({ type: 'POLL' });
    expect(c.snap().value).toEqual({ polling: { checking: 'background' } });
    expect(c.snap().context.poll.stopped).toBe(false);
  });
  test('a submit during a poll waits for the poll (busy; never two requests, the poll not aborted), then is sent', async () => {
    const c = await atEmailPolling();
    await jest.advanceTimersByTimeAsync(2000);
    const poll = c.req.last();
    expect(poll.background).toBe(true);
    c.actor.send({ type: 'EMAIL.CHECK' });
    await flush();
    expect(c.snap().value).toEqual({ polling: { checking: 'submissionWaiting' } });
    expect(c.snap().hasTag('busy')).toBe(true);
    expect(poll.signal.aborted).toBe(false);
    expect(c.req.inFlight()).toEqual([poll]);
    // The poll's "not yet": the submission goes now.
    poll.challenge({ ...emailChallenge, completed: [], errcode: 'M_UNAUTHORIZED', error: 'Unable to get validated threepid' });
    await flush();
    expect(c.snap().value).toBe('submitting');
    expect(c.req.inFlight()).toHaveLength(1);
    const submit = c.req.last();
    expect(submit).not.toBe(poll);
    expect(submit.background).toBe(false);
    expect(submit.auth).toMatchObject({ type: EMAIL, session: 'S' });
    submit.challenge({ ...emailChallenge, completed: [], errcode: 'M_UNAUTHORIZED', error: 'Unable to get validated threepid' });
    await flush();
    expect(c.snap().value).toEqual({ polling: 'waiting' });
    expect(c.stage()?.context.notValidatedYet).toBe(true);
    expect(c.stage()?.context.error).toBeNull();
  });
  test('a submit during a poll that succeeds is never sent: the poll ends the negotiation', async () => {
    const c = await atEmailPolling();
    await jest.advanceTimersByTimeAsync(2000);
    const poll = c.req.last();
    const calls = c.req.calls.length;
    c.actor.send({ type: 'EMAIL.CHECK' });
    await flush();
    poll.ok({ done: 1 });
    await flush();
    expect(c.snap().value).toBe('done');
    expect(selectResult(c.snap())).toEqual({ done: 1 });
    expect(c.req.calls).toHaveLength(calls);
    expect(c.snap().context.pendingAuth).toBeNull();
  });
  test('a background SUBMIT_AUTH checks with that dict, once', async () => {
    const c = await atEmailPolling();
    c.actor.send({ type: 'SUBMIT_AUTH', auth: { type: 'x.custom', k: 1 }, background: true });
    expect(c.snap().value).toEqual({ polling: { checking: 'background' } });
    expect(c.req.last()).toMatchObject({ background: true, auth: { type: 'x.custom', k: 1, session: 'S' } });
    c.req.last().challenge({});
    await flush();
    await jest.advanceTimersByTimeAsync(3000);
    expect(c.req.last().auth).toMatchObject({ type: EMAIL });
  });
});

describe('cancel', () => {
  async function inState(name: string) {
    switch (name) {
      case 'idle':
        return { c: startChart(), inFlight: undefined };
      case 'requesting': {
        const c = startChart();
        c.actor.send({ type: 'START' });
        return { c, inFlight: c.req.last() };
      }
      case 'rateLimited': {
        const c = startChart();
        c.actor.send({ type: 'START' });
        c.req.last().http(429, { retry_after_ms: 1000 });
        await flush();
        return { c, inFlight: undefined };
      }
      case 'awaitingStage':
        return { c: await atPasswordStage(), inFlight: undefined };
      case 'submitting': {
        const c = await atPasswordStage();
        c.actor.send({ type: 'PASSWORD.SUBMIT', password: 'pw' });
        await flush();
        return { c, inFlight: c.req.last() };
      }
      case 'polling.waiting':
        return { c: await atEmailPolling(), inFlight: undefined };
      case 'polling.checking.background': {
        const c = await atEmailPolling();
        c.actor.send({ type: 'POLL' });
        return { c, inFlight: c.req.last() };
      }
      case 'polling.checking.submissionWaiting': {
        const c = await atEmailPolling();
        c.actor.send({ type: 'POLL' });
        c.actor.send({ type: 'EMAIL.CHECK' });
        return { c, inFlight: c.req.last() };
      }
    }
    throw new Error(name);
  }
  test.each(['idle', 'requesting', 'rateLimited', 'awaitingStage', 'submitting', 'polling.waiting', 'polling.checking.background', 'polling.checking.submissionWaiting'])(
    'CANCEL in %s → cancelled, request aborted, late answer ignored, nothing more sent',
    async (name) => {
      const { c, inFlight } = await inState(name);
      expect(c.snap().value).toEqual(name.split('.').reduceRight<unknown>((inner, key) => (inner === undefined ? key : { [key]: inner }), undefined));
      const before = c.req.calls.length;
      c.actor.send({ type: 'CANCEL' });
      expect(c.snap().value).toBe('cancelled');
      expect(c.snap().output).toMatchObject({ status: 'cancelled' });
      expect(selectFinalError(c.snap())).toBeInstanceOf(AbortedError);
      if (inFlight) {
        expect(inFlight.signal.aborted).toBe(true);
        inFlight.ok({ late: true });
        await flush();
        expect(c.snap().value).toBe('cancelled');
        expect(selectResult(c.snap())).toBeUndefined();
      }
      await jest.advanceTimersByTimeAsync(120_000);
      expect(c.req.calls).toHaveLength(before);
      expect(c.snap().context.pendingAuth).toBeNull();
    },
  );
  test('CANCEL in a final state changes nothing', async () => {
    const c = startChart();
    c.actor.send({ type: 'START' });
    c.req.last().ok({});
    await flush();
    c.actor.send({ type: 'CANCEL' });
    expect(c.snap().value).toBe('done');
  });
});
