/**
 * Plays a path of the UIA model (model-uia.ts) against the real chart: a real actor from
 * `createUiaActor` with a controllable request function, under jest's fake timers.
 *
 * Each model event becomes what it stands for in the world: a server answer settles the one
 * request in flight with the matching HTTP answer, a user action is sent as the app would send
 * it, and a timer event advances fake time by the poll delay or the 429 wait. After every step the
 * real snapshot is held against the model's next state: the state value, the open stage, the
 * `busy` tag, exactly one request in flight where the model has one (with the right dict, in the
 * foreground or background), exactly one timer where the model waits, and in a final state the
 * right outcome. Any request the chart abandoned is then answered late, and must change nothing.
 */
import { createUiaActor, type UiaActor } from '../../src/api/create-uia-machine';
import { selectBusy, selectFinalError, selectStage } from '../../src/api/selectors';
import type { AuthDict } from '../../src/types';
import { controllableRequest, flush, type PendingCall } from './controllable';
import {
  MODEL_FLOWS,
  MODEL_MAX_RETRIES,
  MODEL_SESSION,
  initialModelState,
  isBusy,
  isFinal,
  modelTransition,
  requestInFlight,
  timerPending,
  valueKey,
  type ModelEvent,
  type ModelStage,
  type ModelState,
} from './model-uia';
import { stageMachines } from '../../machines/stages';

/** The user's id, for the password stage's default identifier. */
export const MODEL_USER_ID = '@model:example.org';
const PASSWORD = 'model-password';
const CAPTCHA = 'model-captcha-response';
/** The delay between polls the real chart is given (constant: no backoff). */
export const MODEL_POLL_MS = 1000;
/** The wait every 429 asks for (below the poll interval, so it never stretches a poll delay). */
export const MODEL_RETRY_MS = 500;

/** What the server's 401 body looks like with these stages complete. */
function challengeBody(completed: readonly ModelStage[], extra: Record<string, unknown> = {}) {
  return {
    session: MODEL_SESSION,
    flows: [{ stages: [...MODEL_FLOWS.F1] }, { stages: [...MODEL_FLOWS.F2] }],
    params: {},
    completed: [...completed],
    ...extra,
  };
}

/** Settles the request in flight as the model's answer event says. */
function answer(call: PendingCall, event: ModelEvent, before: ModelState): void {
  switch (event.type) {
    case 'ANSWER.SUCCESS':
      return call.ok({ user_id: MODEL_USER_ID });
    case 'ANSWER.CHALLENGE':
      return call.challenge(challengeBody(before.completed));
    case 'ANSWER.WRONG':
      return call.challenge(challengeBody(before.completed, { errcode: 'M_FORBIDDEN', error: 'Invalid password' }));
    case 'ANSWER.ADVANCE':
      return call.challenge(challengeBody([...before.completed, before.stage!]));
    case 'ANSWER.NO_FLOWS':
      // Synapse 1.67.0 answers some polls like this (fixture exchange 59 has the same shape).
      return call.challenge({ errcode: 'M_UNAUTHORIZED', error: 'Unable to get validated threepid' });
    case 'ANSWER.RATE_LIMITED':
      return call.http(429, { errcode: 'M_LIMIT_EXCEEDED', error: 'Too Many Requests', retry_after_ms: MODEL_RETRY_MS });
    case 'ANSWER.CLIENT_ERROR':
      return call.http(400, { errcode: 'M_UNKNOWN', error: 'Unknown session ID' });
    case 'ANSWER.SERVER_ERROR':
      return call.http(500, { errcode: 'M_UNKNOWN', error: 'Internal server error' });
    case 'ANSWER.NETWORK':
      return call.network('ECONNRESET');
    default:
      throw new Error(`not an answer: ${event.type}`);
  }
}

/** The user event that submits a stage, as a UI sends it. */
function submitEvent(stage: ModelStage | null) {
  switch (stage) {
    case 'm.login.recaptcha':
      return { type: 'RECAPTCHA.SUBMIT', response: CAPTCHA } as const;
    case 'm.login.sso':
      return { type: 'FALLBACK.DONE' } as const;
    default:
      return { type: 'PASSWORD.SUBMIT', password: PASSWORD } as const;
  }
}

/** The dict the request in flight must carry in this model state. */
function expectedAuth(state: ModelState): AuthDict | null {
  const k = valueKey(state.value);
  if (k === 'requesting') return null;
  // The check in flight (a submission waiting for it is not sent yet).
  if (k.startsWith('polling.checking.')) return { session: MODEL_SESSION } as AuthDict;
  // A fallback stage and the final resubmission send the session alone.
  if (state.stage === null || state.stage === 'm.login.sso' || state.completed.includes(state.stage)) return { session: MODEL_SESSION } as AuthDict;
  if (state.stage === 'm.login.recaptcha') return { type: 'm.login.recaptcha', response: CAPTCHA, session: MODEL_SESSION };
  return { type: 'm.login.password', identifier: { type: 'm.id.user', user: MODEL_USER_ID }, password: PASSWORD, session: MODEL_SESSION };
}

const OUTCOME: Record<string, string> = { done: 'done', failed: 'failed', cancelled: 'cancelled' };

/** A real actor bound to a controllable request function, in the model's configuration. */
export function startModelActor(): { actor: UiaActor; req: ReturnType<typeof controllableRequest> } {
  const req = controllableRequest();
  const actor = createUiaActor({ stages: stageMachines,
    request: req.request,
    userId: MODEL_USER_ID,
    homeserverUrl: 'https://hs.example.org',
    polling: { intervalMs: MODEL_POLL_MS, backoffFactor: 1, maxIntervalMs: MODEL_POLL_MS, giveUpAfterMs: 1e9 },
    rateLimit: { maxRetries: MODEL_MAX_RETRIES, defaultWaitMs: MODEL_RETRY_MS, maxWaitMs: MODEL_RETRY_MS },
  });
  actor.start();
  return { actor, req };
}

/** Differences between the real chart and the model's state, as readable lines (empty: they agree). */
export function compare(actor: UiaActor, req: ReturnType<typeof controllableRequest>, model: ModelState): string[] {
  const problems: string[] = [];
  const snap = actor.getSnapshot();
  const want = valueKey(model.value);
  const got = typeof snap.value === 'string' ? snap.value : JSON.stringify(snap.value).replace(/[{}"]/g, '').replace(/:/g, '.');
  if (got !== want) problems.push(`state ${got}, model ${want}`);
  const inFlight = req.inFlight();
  const wantInFlight = requestInFlight(model.value) ? 1 : 0;
  if (inFlight.length !== wantInFlight) problems.push(`${inFlight.length} requests in flight, model ${wantInFlight}`);
  if (inFlight.length === 1 && wantInFlight === 1) {
    const call = inFlight[0]!;
    const background = want.startsWith('polling.checking.');
    if (call.background !== background) problems.push(`request in flight background=${call.background}, model ${background}`);
    const auth = expectedAuth(model);
    if (JSON.stringify(call.auth) !== JSON.stringify(auth)) problems.push(`request in flight sent ${JSON.stringify(call.auth)}, model ${JSON.stringify(auth)}`);
  }
  const timers = jest.getTimerCount();
  const wantTimers = timerPending(model.value) ? 1 : 0;
  if (timers !== wantTimers) problems.push(`${timers} timers pending, model ${wantTimers}`);
  if (snap.hasTag('busy') !== isBusy(model.value)) problems.push(`busy tag ${snap.hasTag('busy')}, model ${isBusy(model.value)}`);
  if (isFinal(model.value)) {
    if (snap.status !== 'done') problems.push(`status ${snap.status} in a final state`);
    if (snap.output?.status !== OUTCOME[want]) problems.push(`output ${snap.output?.status}, model ${want}`);
    if (want === 'failed' && selectFinalError(snap)?.code !== model.error) problems.push(`error ${selectFinalError(snap)?.code}, model ${model.error}`);
    if (want === 'cancelled' && selectFinalError(snap)?.code !== 'ABORTED') problems.push(`error ${selectFinalError(snap)?.code}, model ABORTED`);
  } else {
    const stage = selectStage(snap)?.type ?? null;
    if (stage !== model.stage) problems.push(`open stage ${stage}, model ${model.stage}`);
    // Only a foreground request makes the chart busy; the open stages here have none of their own.
    if (selectBusy(snap) !== isBusy(model.value)) problems.push(`selectBusy ${selectBusy(snap)}, model ${isBusy(model.value)}`);
  }
  return problems;
}

/** Plays one model event against the real actor. */
export async function playEvent(actor: UiaActor, req: ReturnType<typeof controllableRequest>, event: ModelEvent, before: ModelState): Promise<void> {
  if (event.type.startsWith('ANSWER.')) {
    const [call] = req.inFlight();
    if (!call) throw new Error(`${event.type}: no request in flight`);
    answer(call, event, before);
  } else if (event.type === 'TIMER.POLL') {
    await jest.advanceTimersByTimeAsync(MODEL_POLL_MS);
  } else if (event.type === 'TIMER.RETRY') {
    await jest.advanceTimersByTimeAsync(MODEL_RETRY_MS);
  } else if (event.type === 'SUBMIT') {
    actor.send(submitEvent(before.stage));
  } else if (event.type === 'DOUBLE_SUBMIT') {
    actor.send(submitEvent(before.stage));
    actor.send(submitEvent(before.stage));
  } else if (event.type === 'CHOOSE_FLOW') {
    actor.send({ type: 'CHOOSE_FLOW', stages: [...MODEL_FLOWS[event.flow]] });
  } else if (event.type === 'START' || event.type === 'CANCEL' || event.type === 'POLL' || event.type === 'PAUSE_POLLING' || event.type === 'RESUME_POLLING') {
    actor.send({ type: event.type });
  } else {
    throw new Error(`unknown model event ${event.type}`);
  }
  await flush();
}

/** Answers every request the chart abandoned (aborted, unanswered) as the server might: late, with success. */
async function answerAbandoned(req: ReturnType<typeof controllableRequest>): Promise<number> {
  const abandoned = req.calls.filter((c) => c.signal.aborted && !c.settled);
  for (const call of abandoned) call.ok({ late: true });
  if (abandoned.length) await flush();
  return abandoned.length;
}

/** One step of a played path, as seen by coverage: the model state before and the event. */
export interface PlayedStep {
  before: ModelState;
  event: ModelEvent;
}

/**
 * Plays a whole path of model events from the start and stops the actor.
 *
 * @returns a description of the first disagreement between chart and model, or `null`.
 */
export async function playPath(events: readonly ModelEvent[], onStep?: (step: PlayedStep) => void): Promise<string | null> {
  const { actor, req } = startModelActor();
  let model = initialModelState;
  const trail: string[] = [];
  try {
    let problems = compare(actor, req, model);
    if (problems.length) return `at start: ${problems.join('; ')}`;
    for (const event of events) {
      const next = modelTransition(model, event);
      trail.push('flow' in event ? `${event.type}(${event.flow})` : event.type);
      await playEvent(actor, req, event, model);
      onStep?.({ before: model, event });
      model = next;
      problems = compare(actor, req, model);
      // A request the chart left behind, answered now, must not move it.
      if (!problems.length && (await answerAbandoned(req))) {
        problems = compare(actor, req, model).map((p) => `after a late answer to an abandoned request: ${p}`);
      }
      if (problems.length) return `${trail.join(' → ')}: ${problems.join('; ')}`;
    }
    actor.stop();
    if (jest.getTimerCount() !== 0) return `${trail.join(' → ')}: ${jest.getTimerCount()} timers left after stop`;
    if (req.inFlight().length !== 0) return `${trail.join(' → ')}: a request still in flight after stop`;
    return null;
  } finally {
    actor.stop();
    jest.clearAllTimers();
  }
}
