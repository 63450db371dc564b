/**
 * An abstract model of the parent UIA chart (machines/uia.machine.ts) for model-based tests.
 *
 * The model is written independently of the chart and of src/'s decision functions: a plain
 * transition function over a small, bounded state. Its events are what the environment can do
 * (the server answers the request in flight, the user acts, a timer fires); its state value has
 * the chart's shape, so a path through the model says, step by step, which state the real chart
 * must be in. The test driver (model-driver.ts) plays each event against the real actor.
 *
 * One fixed server keeps the model finite: two flows, `[m.login.password, m.login.sso]` and
 * `[m.login.recaptcha, m.login.sso]` (equal scores, so the first is chosen), with m.login.sso done
 * through the fallback page, whose stage polls in the background. So every chart state is
 * reachable: the foreground stages, polling (waiting, checking, a submission waiting for a check,
 * paused), 429 retries of the first
 * request and of a submission (at most {@link MODEL_MAX_RETRIES}), the final `{session}`
 * resubmission when the server reports every stage complete, and the finals.
 */
import { fromTransition } from 'xstate';

/** The stages of the model's server. */
export type ModelStage = 'm.login.password' | 'm.login.recaptcha' | 'm.login.sso';
/** The model's flows, by name. */
export type ModelFlowName = 'F1' | 'F2';

/** The server's flows, in the order it sends them. */
export const MODEL_FLOWS: Record<ModelFlowName, readonly ModelStage[]> = {
  F1: ['m.login.password', 'm.login.sso'],
  F2: ['m.login.recaptcha', 'm.login.sso'],
};
/** The server's session id. */
export const MODEL_SESSION = 'MODEL_SESSION';
/** `rateLimit.maxRetries` given to the real chart. */
export const MODEL_MAX_RETRIES = 2;

/** A state value of the chart, as `snapshot.value` shows it. */
export type ChartValue =
  | 'idle'
  | 'requesting'
  | 'rateLimited'
  | 'awaitingStage'
  | 'submitting'
  | { polling: 'waiting' | 'paused' | { checking: 'background' | 'submissionWaiting' } }
  | 'done'
  | 'failed'
  | 'cancelled';

/**
 * Every resting state value of the model, as leaf ids of the chart (`uia.polling.waiting`): the
 * fidelity test checks these against the chart's own leaf states.
 */
export const MODEL_LEAF_IDS = [
  'uia.idle',
  'uia.requesting',
  'uia.rateLimited',
  'uia.awaitingStage',
  'uia.submitting',
  'uia.polling.waiting',
  'uia.polling.checking.background',
  'uia.polling.checking.submissionWaiting',
  'uia.polling.paused',
  'uia.done',
  'uia.failed',
  'uia.cancelled',
] as const;

/**
 * Chart states the model passes through without resting there (left at once by an `always`):
 * the model's `route` step stands for `routing`.
 */
export const MODEL_TRANSIENT_IDS = ['uia.routing'] as const;

/** Error code (`UiaError.code`) a failed negotiation must end with. */
export type ModelErrorCode = 'ENDPOINT' | 'NETWORK' | 'RATE_LIMITED' | 'PROTOCOL';

/** The model's whole state. Every field is bounded, so the model has finitely many states. */
export interface ModelState {
  value: ChartValue;
  /** The open stage (its machine runs as the chart's child `stage`). */
  stage: ModelStage | null;
  /** What the server has recorded as complete, in completion order. */
  completed: ModelStage[];
  /** The flow followed so far (the chart's `chosenFlow`). */
  chosen: ModelFlowName | null;
  /** The flow the user picked with CHOOSE_FLOW (the chart's `preferredFlow`). */
  preferred: ModelFlowName | null;
  /** The open stage's machine has submitted and waits for the parent's verdict. */
  stageSubmitted: boolean;
  /** A background poll dict is known (the chart's `pollAuth`), so POLL works from awaitingStage. */
  canPoll: boolean;
  /** 429 retries of the current request, 0..MODEL_MAX_RETRIES. */
  retries: number;
  /** Which request a 429 interrupted. */
  retryTarget: 'requesting' | 'submitting' | null;
  /** `{session}` resubmissions made because every stage was complete yet 401 came back. */
  finalSubmits: number;
  /** The error code a `failed` negotiation ends with. */
  error: ModelErrorCode | null;
}

/** User actions. `DOUBLE_SUBMIT` sends the open stage's submit event twice in a row. */
export type ModelUserEvent =
  | { type: 'START' }
  | { type: 'SUBMIT' }
  | { type: 'DOUBLE_SUBMIT' }
  | { type: 'POLL' }
  | { type: 'CHOOSE_FLOW'; flow: ModelFlowName }
  | { type: 'PAUSE_POLLING' }
  | { type: 'RESUME_POLLING' }
  | { type: 'CANCEL' };

/**
 * The server's answer to the one request in flight.
 *
 * - `CHALLENGE`: 401 with the flows and what is complete, nothing new.
 * - `WRONG`: the same 401 with `errcode` (M_FORBIDDEN): the attempt at the stage was refused.
 * - `ADVANCE`: 401 with the open stage added to `completed`.
 * - `NO_FLOWS`: Synapse's 401 without flows, session or completed (seen while polling).
 * - `RATE_LIMITED`: 429 with `retry_after_ms`.
 * - `CLIENT_ERROR`: 400; `SERVER_ERROR`: 500; `NETWORK`: no answer at all.
 */
export type ModelAnswerEvent = {
  type:
    | 'ANSWER.SUCCESS'
    | 'ANSWER.CHALLENGE'
    | 'ANSWER.WRONG'
    | 'ANSWER.ADVANCE'
    | 'ANSWER.NO_FLOWS'
    | 'ANSWER.RATE_LIMITED'
    | 'ANSWER.CLIENT_ERROR'
    | 'ANSWER.SERVER_ERROR'
    | 'ANSWER.NETWORK';
};

/** Fake time advanced by the poll delay or the 429 wait. */
export type ModelTimerEvent = { type: 'TIMER.POLL' } | { type: 'TIMER.RETRY' };

/** Every event of the model. */
export type ModelEvent = ModelUserEvent | ModelAnswerEvent | ModelTimerEvent;

const USER_EVENTS: ModelUserEvent[] = [
  { type: 'START' },
  { type: 'SUBMIT' },
  { type: 'DOUBLE_SUBMIT' },
  { type: 'POLL' },
  { type: 'CHOOSE_FLOW', flow: 'F1' },
  { type: 'CHOOSE_FLOW', flow: 'F2' },
  { type: 'PAUSE_POLLING' },
  { type: 'RESUME_POLLING' },
  { type: 'CANCEL' },
];
const ANSWER_TYPES: ModelAnswerEvent['type'][] = [
  'ANSWER.SUCCESS',
  'ANSWER.CHALLENGE',
  'ANSWER.WRONG',
  'ANSWER.ADVANCE',
  'ANSWER.NO_FLOWS',
  'ANSWER.RATE_LIMITED',
  'ANSWER.CLIENT_ERROR',
  'ANSWER.SERVER_ERROR',
  'ANSWER.NETWORK',
];

/** The model's initial state. */
export const initialModelState: ModelState = {
  value: 'idle',
  stage: null,
  completed: [],
  chosen: null,
  preferred: null,
  stageSubmitted: false,
  canPoll: false,
  retries: 0,
  retryTarget: null,
  finalSubmits: 0,
  error: null,
};

/** True in `done`, `failed`, `cancelled`. */
export function isFinal(value: ChartValue): boolean {
  return value === 'done' || value === 'failed' || value === 'cancelled';
}

/** The state value as a dotted leaf path (`polling.waiting`), for messages and comparisons. */
export function valueKey(value: ChartValue): string {
  if (typeof value === 'string') return value;
  return typeof value.polling === 'string' ? `polling.${value.polling}` : `polling.checking.${value.polling.checking}`;
}

/** A background check in flight, nothing waiting for it. */
const CHECKING: ChartValue = { polling: { checking: 'background' } };

/** Whether a request is in flight in this state (exactly one, the chart promises). */
export function requestInFlight(value: ChartValue): boolean {
  const k = valueKey(value);
  return k === 'requesting' || k === 'submitting' || k.startsWith('polling.checking.');
}

/** Whether a delayed event is pending in this state. */
export function timerPending(value: ChartValue): boolean {
  const k = valueKey(value);
  return k === 'rateLimited' || k === 'polling.waiting';
}

/** Whether the chart must carry the `busy` tag. */
export function isBusy(value: ChartValue): boolean {
  const k = valueKey(value);
  return k === 'requesting' || k === 'submitting' || k === 'rateLimited' || k === 'polling.checking.submissionWaiting';
}

/** Whether a stage polls in the background: m.login.sso has no native machine, so the fallback stage runs it and polls. */
export function stagePolls(stage: ModelStage | null): boolean {
  return stage === 'm.login.sso';
}

/** What the environment can do in a state: user actions while live, answers while a request is in flight, due timers. */
export function modelEvents(state: ModelState): ModelEvent[] {
  if (isFinal(state.value)) return [];
  const events: ModelEvent[] = [...USER_EVENTS];
  if (requestInFlight(state.value)) {
    for (const type of ANSWER_TYPES) {
      // Only a stage not yet complete can be completed by an answer.
      if (type === 'ANSWER.ADVANCE' && (state.stage === null || state.completed.includes(state.stage))) continue;
      events.push({ type });
    }
  }
  const k = valueKey(state.value);
  if (k === 'polling.waiting') events.push({ type: 'TIMER.POLL' });
  if (k === 'rateLimited') events.push({ type: 'TIMER.RETRY' });
  return events;
}

// ---- the flow rules, as the spec and matrix-js-sdk state them, for this server ----

const FLOW_NAMES: ModelFlowName[] = ['F1', 'F2'];

function consistent(flow: ModelFlowName, completed: readonly ModelStage[]): boolean {
  return completed.every((s) => MODEL_FLOWS[flow].includes(s));
}

/**
 * The flow to follow: the one picked (or followed so far) while it holds everything completed,
 * else the first flow holding everything completed (both flows have the same score; no email or
 * phone is given, so both are acceptable), else the first flow.
 */
function resolveFlow(state: ModelState): ModelFlowName {
  const kept = state.preferred ?? state.chosen;
  if (kept && consistent(kept, state.completed)) return kept;
  return FLOW_NAMES.find((f) => consistent(f, state.completed)) ?? 'F1';
}

function nextStage(flow: ModelFlowName, completed: readonly ModelStage[]): ModelStage | null {
  return MODEL_FLOWS[flow].find((s) => !completed.includes(s)) ?? null;
}

/** The open stage's machine was told its submission failed: it takes input again, and a polling stage restarts its polls. */
function rejectStage(state: ModelState): ModelState {
  if (!state.stageSubmitted) return state;
  const s = { ...state, stageSubmitted: false };
  return stagePolls(s.stage) ? { ...s, value: { polling: 'waiting' }, canPoll: true } : s;
}

/** The chart's `routing`: after a 401 or a flow choice, decide what comes next. */
function route(state: ModelState): ModelState {
  const flow = resolveFlow(state);
  const stage = nextStage(flow, state.completed);
  if (stage === null) {
    if (state.finalSubmits === 0) {
      return { ...state, value: 'submitting', chosen: flow, finalSubmits: 1, retries: 0, retryTarget: null };
    }
    return fail(state, 'PROTOCOL');
  }
  if (stage === state.stage) {
    // The stage stays open; one that was polling goes on polling.
    return rejectStage({ ...state, value: state.canPoll ? { polling: 'waiting' } : 'awaitingStage', chosen: flow });
  }
  // A new stage machine: a polling stage asks for background checks as soon as it opens.
  const polls = stagePolls(stage);
  return {
    ...state,
    value: polls ? { polling: 'waiting' } : 'awaitingStage',
    stage,
    chosen: flow,
    stageSubmitted: false,
    canPoll: polls,
  };
}

function fail(state: ModelState, error: ModelErrorCode): ModelState {
  return { ...state, value: 'failed', error };
}

/** The open stage's submit event: the stage sends STAGE.SUBMIT unless it already did. */
function submit(state: ModelState): ModelState {
  if (state.stage === null || state.stageSubmitted) return state;
  const s = { ...state, stageSubmitted: true };
  const k = valueKey(state.value);
  // Only awaitingStage and polling accept a submission; elsewhere the chart drops it.
  // A stage's submission earns the flow one more `{session}` resubmission. One made while a
  // background check is in flight waits for that check's answer (the server may have run it).
  const reset = { retries: 0, retryTarget: null, finalSubmits: 0 };
  if (k === 'polling.checking.background') return { ...s, ...reset, value: { polling: { checking: 'submissionWaiting' } } };
  if (k === 'awaitingStage' || k.startsWith('polling.')) return { ...s, ...reset, value: 'submitting' };
  return s;
}

/** A 401 with flows: where it leads from the state that made the request. */
function challenge(state: ModelState, completed: ModelStage[]): ModelState {
  const progressed = completed.length !== state.completed.length;
  // `completed` changing does not earn another `{session}` resubmission (issue 14, item 1).
  const s = { ...state, completed };
  // A poll that shows nothing new: not done yet, poll again later.
  if (valueKey(state.value) === 'polling.checking.background' && !progressed) return { ...s, value: { polling: 'waiting' } };
  return route(s);
}

function answer(state: ModelState, type: ModelAnswerEvent['type']): ModelState {
  const k = valueKey(state.value);
  const polling = k === 'polling.checking.background';
  // A submission waited for this check: a success ends the negotiation; any other answer (its
  // challenge not applied) sends the submission.
  if (k === 'polling.checking.submissionWaiting') return type === 'ANSWER.SUCCESS' ? { ...state, value: 'done' } : { ...state, value: 'submitting' };
  switch (type) {
    case 'ANSWER.SUCCESS':
      return { ...state, value: 'done' };
    case 'ANSWER.CHALLENGE':
    case 'ANSWER.WRONG':
      return challenge(state, state.completed);
    case 'ANSWER.ADVANCE':
      return challenge(state, [...state.completed, state.stage!]);
    case 'ANSWER.NO_FLOWS':
      // Nothing known yet (the first request): not a UIA answer at all.
      if (state.chosen === null) return fail(state, 'ENDPOINT');
      return challenge(state, state.completed);
    case 'ANSWER.RATE_LIMITED':
      if (polling) return { ...state, value: { polling: 'waiting' } };
      if (state.retries < MODEL_MAX_RETRIES) {
        return { ...state, value: 'rateLimited', retries: state.retries + 1, retryTarget: k === 'requesting' ? 'requesting' : 'submitting' };
      }
      return fail(state, 'RATE_LIMITED');
    case 'ANSWER.SERVER_ERROR':
      if (polling) return { ...state, value: { polling: 'waiting' } };
      return fail(state, 'ENDPOINT');
    case 'ANSWER.CLIENT_ERROR':
      return fail(state, 'ENDPOINT');
    case 'ANSWER.NETWORK':
      if (polling) return { ...state, value: { polling: 'waiting' } };
      if (k === 'requesting' || state.stage === null) return fail(state, 'NETWORK');
      // The stage stays open with a network error; the user can try again.
      return rejectStage({ ...state, value: 'awaitingStage' });
  }
}

/** The model's transition function. */
export function modelTransition(state: ModelState, event: ModelEvent): ModelState {
  const next = step(state, event);
  // A final state has no behaviour left: only how it ended matters, which keeps the graph small.
  return isFinal(next.value) && next !== state ? { ...initialModelState, value: next.value, error: next.error } : next;
}

function step(state: ModelState, event: ModelEvent): ModelState {
  if (isFinal(state.value)) return state;
  const k = valueKey(state.value);
  if (event.type === 'CANCEL') return { ...state, value: 'cancelled' };
  if (event.type.startsWith('ANSWER.')) {
    if (!requestInFlight(state.value)) return state;
    return answer(state, (event as ModelAnswerEvent).type);
  }
  switch (event.type) {
    case 'START':
      return k === 'idle' ? { ...state, value: 'requesting', retries: 0 } : state;
    case 'SUBMIT':
    case 'DOUBLE_SUBMIT':
      return submit(state);
    case 'POLL':
      if (k === 'awaitingStage' && state.canPoll) return { ...state, value: CHECKING };
      if (k === 'polling.waiting' || k === 'polling.paused') return { ...state, value: CHECKING };
      return state;
    case 'CHOOSE_FLOW':
      // Not while a submission waits for a check: as in `submitting`, the flow stays.
      if (k === 'awaitingStage' || (k.startsWith('polling.') && k !== 'polling.checking.submissionWaiting')) return route({ ...state, preferred: event.flow });
      return state;
    case 'PAUSE_POLLING':
      return k === 'polling.waiting' ? { ...state, value: { polling: 'paused' } } : state;
    case 'RESUME_POLLING':
      return k === 'polling.paused' ? { ...state, value: CHECKING } : state;
    case 'TIMER.POLL':
      return k === 'polling.waiting' ? { ...state, value: CHECKING } : state;
    case 'TIMER.RETRY':
      if (k !== 'rateLimited') return state;
      return { ...state, value: state.retryTarget === 'submitting' ? 'submitting' : 'requesting' };
  }
  return state;
}

/** The model as actor logic, for xstate/graph (no invokes, no delays: plain transitions). */
export const uiaModelLogic = fromTransition<ModelState, ModelEvent, never, undefined>((state, event) => modelTransition(state, event), initialModelState);

/** A stable key of a model state (value and context), for the graph and for messages. */
export function modelStateKey(state: ModelState): string {
  return JSON.stringify(state);
}

/** A stable key of a model event. */
export function modelEventKey(event: ModelEvent): string {
  return 'flow' in event ? `${event.type}(${event.flow})` : event.type;
}
