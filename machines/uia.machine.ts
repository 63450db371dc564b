/**
 * The User-Interactive Authentication chart.
 *
 *   idle ──START──▶ requesting ──401 + flows──▶ routing ──▶ awaitingStage ◀──┐
 *                     │  ▲                        ▲            │  ▲        │
 *                     │  └── rateLimited ◀── 429 ─┤            │  │        │ not done yet
 *                     │        (named delay)      │   STAGE.SUBMIT │        │
 *                     │                           │            ▼  │        │
 *                     │                        401 ◀──── submitting         │
 *                     │                                        │           │
 *                     ▼                                        ▼           │
 *                    done ◀──── 2xx ──────────────────── polling ──────────┘
 *                  failed  (typed error)          (waiting ⇄ checking, named backoff delay)
 *               cancelled  (CANCEL from anywhere)
 *
 * - `requesting` makes the first request: no `auth`, or `{session}` when resuming.
 * - `routing` is transient: it applies the flow choice and next-stage rules (pure functions in
 *   src/) to the latest 401 and either fails (no acceptable flow), re-sends `{session}` (every
 *   stage already complete), or opens a stage.
 * - The open stage runs as a child machine spawned under the id `stage`; it lives until the stage
 *   changes, across `awaitingStage`, `submitting`, `polling` and `rateLimited`, so its own state
 *   (email attempt, ticked policies) survives a round trip. It talks to this chart with
 *   `STAGE.*` events; user events for it may be sent here and are forwarded.
 * - `submitting` sends the stage's auth dict with the session added. Only `awaitingStage` and
 *   `polling` accept a submission, so at most one request is ever in flight: a submission made
 *   while a poll is in flight waits for its answer (`polling.checking.submissionWaiting`, busy)
 *   rather than abort it, since the server may have run the poll already; a poll that succeeded
 *   ends the negotiation, any other answer sends the submission.
 * - `polling` re-checks out-of-band stages (email link, fallback page, SSO, m.oauth) in the
 *   background with `{session}` or the email's `threepid_creds`, never with a password.
 *   `PAUSE_POLLING` parks it in `polling.paused` (no timer) while the page is hidden;
 *   `RESUME_POLLING` or `POLL` checks at once.
 *
 * Server answers are data: the request actor resolves with every HTTP answer, and guards route
 * it; `onError` means no answer at all. Leaving a state stops its request actor, which aborts its
 * signal, and XState drops the late answer, so an abandoned request never changes state.
 * Foreground request states carry the `busy` tag.
 */
import { assign, enqueueActions, sendTo, setup } from 'xstate';
import { createRequestActor, type RequestActorInput } from '../src/actors/request.actor';
import { boundFunction } from '../src/actors/bound-functions';
import { AbortedError, InvalidOptionsError, NetworkError, ProtocolError, RateLimitedError, StageError, type UiaError } from '../src/errors/errors';
import { MAX_UNATTENDED_REQUESTS } from '../src/decisions/limits';
import { VERBOSE } from '../src/errors/verbose';
import { decideNextStep, sameMembers, type NextStep } from '../src/decisions/next-step';
import { classifyResponse, parseAuthChallenge, type RequestOutcome, type ResponseClass } from '../src/decisions/parse-auth-response';
import { Sealed, unseal } from '../src/secrets/secret';
import { stageKindFor, type StageKind } from '../src/decisions/stage-kind';
import { sameStages } from '../src/decisions/choose-flow';
import { EMPTY_RECORD } from '../src/decisions/shared-empty';
import type { AuthChallenge, AuthDict, UIAFlow } from '../src/types';
import type { StageMachines } from './stages';
import type { StageInput } from './stages/stage.types';
import { createInitialContext, IDLE_POLL } from './uia.context';
import type { UiaContext, UiaEvent, UiaMachineInput, UiaOutput, UiaPollState } from './uia.types';

type DoneRequestEvent = { type: 'xstate.done.actor.request'; output: RequestOutcome<unknown> };

/**
 * Classifications already made, per done event: several guards of one transition read the same
 * answer, and validating a 401 body once per event is enough.
 */
const answers = new WeakMap<object, { context: UiaContext; result: ResponseClass<unknown> }>();

/** The answer of the request that just finished, classified against what is already known. */
function answer(context: UiaContext, event: UiaEvent): ResponseClass<unknown> {
  const cached = answers.get(event);
  if (cached && cached.context === context) return cached.result;
  // The context itself stands for the challenge in hand (flows, params, completed, session): a
  // 401 lacking them is filled from it, and the validation keeps only those fields.
  const result = classifyResponse((event as unknown as DoneRequestEvent).output, context.flows.length ? context : null);
  answers.set(event, { context, result });
  return result;
}

/**
 * Next steps already decided, per context: `routing` asks up to six guards and an action about
 * the same context, and a context is never changed in place (every assign makes a new one).
 */
const steps = new WeakMap<UiaContext, NextStep>();

function nextStep(context: UiaContext): NextStep {
  let step = steps.get(context);
  if (!step) steps.set(context, (step = decideNextStep({
    flows: context.flows,
    completed: context.completed,
    inputs: context.settings.inputs,
    emailSid: context.email.sid,
    supportedStages: context.settings.supportedStages,
    preferredFlow: context.preferredFlow ?? context.chosenFlow,
    currentStage: context.stage,
  })));
  return step;
}

/** The dict `auth` with the session added, sealed. */
function sealedWithSession(auth: AuthDict | null, context: UiaContext): Sealed<AuthDict | null> {
  return new Sealed(withSession(auth, context.session));
}

/** The wait a 429 answer asks for (or the default), capped. */
function rateLimitWait(context: UiaContext, event: UiaEvent): number {
  return Math.min(askedWait(context, event), context.settings.rateLimit.maxWaitMs);
}

/** The wait a 429 answer asks for, or the default, uncapped (what `RateLimitedError` reports). */
function askedWait(context: UiaContext, event: UiaEvent): number {
  const a = answer(context, event);
  return (a.kind === 'rateLimited' ? a.retryAfterMs : undefined) ?? context.settings.rateLimit.defaultWaitMs;
}

/** The offered flow a CHOOSE_FLOW event names, if the server offered it. */
function offeredFlow(context: UiaContext, event: UiaEvent): UIAFlow | undefined {
  if (event.type !== 'CHOOSE_FLOW') return undefined;
  return context.flows.find((f) => sameStages(f, event));
}

/** Backoff before the next poll: interval × factor^(unchanged polls), capped; at least any 429 wait. */
function pollDelay(context: UiaContext): number {
  const p = context.settings.polling;
  const backoff = Math.min(p.intervalMs * Math.pow(p.backoffFactor, context.poll.count), p.maxIntervalMs);
  return Math.max(backoff, context.poll.penaltyMs);
}

/** The poll bookkeeping with `changes` applied. */
function poll(context: UiaContext, changes: Partial<UiaPollState>): UiaPollState {
  return { ...context.poll, ...changes };
}

/** Routes for the answer to a foreground request (`requesting`, `submitting`): every HTTP answer is data. */
function foregroundAnswer(target: 'requesting' | 'submitting') {
  return [
    { guard: 'isSuccess', target: 'done', actions: 'storeResult' },
    { guard: 'isChallenge', target: 'routing', actions: 'applyChallenge' },
    { guard: 'canRetryRateLimit', target: 'rateLimited', actions: { type: 'enterRateLimit', params: { target } } },
    { guard: 'isRateLimited', target: 'failed', actions: 'storeRateLimitError' },
    { target: 'failed', actions: 'storeAnswerError' },
  ] as const;
}

/** The request actor's input in `submitting`: the dict the submission prepared. */
function submissionInput({ context }: { context: UiaContext }): RequestActorInput {
  return { auth: context.pendingAuth ?? new Sealed(null), background: false };
}

/**
 * Whether the child `stage` exists in the state being computed. Read from context, not from
 * `self.getSnapshot()`: that is the last committed snapshot (and a stub under XState's pure
 * `transition()` and the graph utilities), not the one this transition builds.
 */
function stageOpen(context: UiaContext): boolean {
  return context.stageKind !== null;
}

/**
 * Whether a refusal is the email stage's "not validated yet": Synapse answers `threepid_creds`
 * with 401 M_UNAUTHORIZED until the link is clicked. The email stage shows that as a state
 * (`notValidatedYet`, its guard of the same name), so it is no error for the chart to keep.
 */
function emailNotValidatedYet(context: UiaContext, error: UiaError): boolean {
  return context.stageKind === 'email' && error instanceof StageError && error.errcode === 'M_UNAUTHORIZED';
}

/**
 * The context changes a challenge makes (a 401 answer, or the app's `authData`): its flows, params,
 * completed stages and session, the refusal it carries as the open stage's error, and no dict in
 * flight any more.
 */
function challengeApplied(c: AuthChallenge, context: UiaContext): Partial<UiaContext> {
  return {
    pendingAuth: null,
    session: c.session ?? context.session,
    flows: c.flows,
    params: c.params,
    completed: c.completed,
    stageError: c.errcode || c.error ? new StageError(context.stage, c.errcode, c.error) : null,
  };
}

/** Adds the session to a dict, as every submission must carry it. */
function withSession(auth: AuthDict | null, session: string | undefined): AuthDict | null {
  if (!session) return auth;
  return { ...(auth ?? {}), session } as AuthDict;
}

/**
 * The stage-forwarded user events: accepted in any live state, judged by the stage itself. Each
 * stage's events share its namespace (`PASSWORD.SUBMIT`, `EMAIL.RESEND`), so a partial wildcard
 * per namespace forwards them all, an event a stage adds later included; `STAGE.*` is not one:
 * that namespace is the stages' own protocol with this chart (STAGE.SUBMIT, STAGE.POLL, ...), of
 * which only the user's retry is forwarded.
 */
const FORWARDED = ['PASSWORD.*', 'RECAPTCHA.*', 'TERMS.*', 'TOKEN.*', 'EMAIL.*', 'MSISDN.*', 'FALLBACK.*', 'OAUTH.*', 'STAGE.RETRY'] as const;

/**
 * The stage actors as typed for the chart: every kind may be provided, and `createUiaMachine` /
 * `createUiaActor` provide the app's `stages`. None is bundled with the chart itself, so an app
 * ships only the stage machines it gives.
 */
type StageActors = { request: typeof boundRequestActor } & StageMachines;

/** The request actor: the app's request function bound to the negotiation (`createUiaActor`). */
const boundRequestActor = createRequestActor<unknown>(boundFunction('request'));

/**
 * The parent UIA chart. Use `createUiaMachine(functions, stages)` or `createUiaActor` to give it
 * a request function and the stage machines to run.
 */
export const uiaMachine = setup({
  // Types only: an empty object at run time (XState reads no `types`), so no bytes in an app.
  types: {} as { input: UiaMachineInput | undefined; context: UiaContext; events: UiaEvent; output: UiaOutput; tags: 'busy' },
  actors: { request: boundRequestActor } as StageActors,
  delays: {
    /** Backoff between polls: interval × factor^(unchanged polls), capped; at least any 429 wait. */
    pollDelay: ({ context }) => pollDelay(context),
    /** The wait a 429 asked for, capped. */
    rateLimitDelay: ({ context }) => context.retry.afterMs,
  },
  guards: {
    hasConfigError: ({ context }) => context.settings.configError !== null,
    // As in matrix-js-sdk, auth data without flows is no challenge yet: the first request is made.
    hasAuthData: ({ context }) => Array.isArray(context.settings.authData?.flows),
    isSuccess: ({ context, event }) => answer(context, event).kind === 'success',
    isChallenge: ({ context, event }) => answer(context, event).kind === 'challenge',
    canRetryRateLimit: ({ context, event }) =>
      answer(context, event).kind === 'rateLimited' && context.retry.count < context.settings.rateLimit.maxRetries,
    isRateLimited: ({ context, event }) => answer(context, event).kind === 'rateLimited',
    /** A poll whose 401 shows nothing new: the out-of-band stage is not done yet. */
    pollUnchanged: ({ context, event }) => {
      const a = answer(context, event);
      return a.kind === 'challenge' && a.challenge.session === context.session && sameMembers(a.challenge.completed, context.completed);
    },
    /** 5xx during a background poll is a passing fault, like a network error: keep polling. */
    isServerFault: ({ context, event }) => {
      const a = answer(context, event);
      // A ProtocolError (a malformed 401) has no status: no fault to wait out.
      return a.kind === 'error' && ((a.error as { httpStatus?: number }).httpStatus ?? 0) >= 500;
    },
    retryIsSubmit: ({ context }) => context.retry.target === 'submitting',
    noFlow: ({ context }) => nextStep(context).kind === 'noFlow',
    /** The chart made too many requests by itself (no app or user event between them). */
    unattendedLoop: ({ context }) => context.retry.unattended >= MAX_UNATTENDED_REQUESTS,
    flowCompleteFirstTime: ({ context }) => nextStep(context).kind === 'flowComplete' && context.retry.finalSubmits === 0,
    flowComplete: ({ context }) => nextStep(context).kind === 'flowComplete',
    sameStage: ({ context }) => {
      const step = nextStep(context);
      return step.kind === 'stage' && step.same;
    },
    hasPollAuth: ({ context }) => context.poll.auth !== null,
    /** A submission made during a background check waits for it (`polling.checking.submissionWaiting`). */
    submissionWaiting: ({ context }) => context.pendingAuth !== null,
    sameStagePolling: ({ context }) => {
      const step = nextStep(context);
      return step.kind === 'stage' && step.same && context.poll.auth !== null && !context.poll.stopped;
    },
    stageOpen: ({ context }) => stageOpen(context),
    // Named, not `not('stageOpen')`: the generated diagram (docs/statechart.md) and the inspector show the name.
    noStageOpen: ({ context }) => !stageOpen(context),
    /** Checked when the poll timer fires: the waits so far plus this one reach `giveUpAfterMs`. */
    pollGaveUp: ({ context }) =>
      context.poll.waitedMs !== null && context.poll.waitedMs + pollDelay(context) >= context.settings.polling.giveUpAfterMs,
    isBackground: ({ event }) => event.type === 'SUBMIT_AUTH' && event.background === true,
    isOfferedFlow: ({ context, event }) => !!offeredFlow(context, event),
    /** Whether the chart has a machine for a stage kind: none by itself; `createUiaMachine` provides the app's answer. */
    hasStageMachine: (_, _params: { kind: StageKind }) => false,
  },
  actions: {
    failWithConfigError: assign({ error: ({ context }) => context.settings.configError }),
    applyAuthData: assign(({ context }) => {
      const parsed = parseAuthChallenge(context.settings.authData);
      // Routed by `routing`: no flows means NoAuthFlowFoundError, as matrix-js-sdk reports it.
      return challengeApplied(parsed instanceof ProtocolError ? { flows: [], params: {}, completed: [] } : parsed, context);
    }),
    prepareSubmit: assign(({ context, event }) => {
      // `unseal` rather than `.unseal()`: an app's own stage machine may send its dict unsealed.
      const auth = event.type === 'STAGE.SUBMIT' ? unseal(event.auth) : event.type === 'SUBMIT_AUTH' ? event.auth : null;
      // A stage's submission earns the flow one more `{session}` resubmission. One the stage made
      // by itself (`auto`: dummy, a preset token) counts as unattended; the user's or app's resets.
      const unattended = event.type === 'STAGE.SUBMIT' && event.auto ? context.retry.unattended + 1 : 0;
      return { pendingAuth: sealedWithSession(auth, context), retry: { ...context.retry, count: 0, finalSubmits: 0, unattended }, stageError: null };
    }),
    /** The `{session}` resubmission again, after a restore interrupted it (no credential in it). */
    rebuildSessionSubmit: assign({ pendingAuth: ({ context }) => sealedWithSession({}, context) }),
    prepareSessionSubmit: assign(({ context }) => ({
      pendingAuth: sealedWithSession({}, context),
      retry: { ...context.retry, count: 0, finalSubmits: context.retry.finalSubmits + 1, unattended: context.retry.unattended + 1 },
    })),
    clearPendingAuth: assign(({ context }) => ({ pendingAuth: null, poll: context.poll.override ? poll(context, { override: null }) : context.poll })),
    /** The 401's challenge; the dict that got it is dropped (every request state is left for `routing`). */
    applyChallenge: assign(({ context, event }) => {
      const a = answer(context, event);
      // `retry.finalSubmits` is not reset here: a server that only reshuffles `completed` while
      // every stage stays complete would otherwise earn a `{session}` resubmission per answer.
      return a.kind === 'challenge' ? challengeApplied(a.challenge, context) : {};
    }),
    /** The result, sealed; the dict that obtained it is dropped (`done` has no entry action of its own). */
    storeResult: assign({
      result: ({ event }) => {
        const output = (event as unknown as DoneRequestEvent).output;
        return new Sealed(output.kind === 'success' ? output.data : null);
      },
      pendingAuth: null,
    }),
    storeAnswerError: assign({
      error: ({ context, event }) => {
        const a = answer(context, event);
        return a.kind === 'error' ? a.error : new ProtocolError('unexpected answer');
      },
    }),
    storeNetworkError: assign({ error: ({ event }) => new NetworkError((event as { error?: unknown }).error) }),
    storeNoFlowError: assign({
      error: ({ context }) => {
        const step = nextStep(context);
        return step.kind === 'noFlow' ? step.error : null;
      },
    }),
    storeLoopError: assign({
      error: () => new ProtocolError(VERBOSE ? 'the server keeps asking for authentication without progress' : 'no progress'),
    }),
    storeStageFailure: assign({ error: ({ event }) => (event.type === 'STAGE.FAIL' ? event.error : null) }),
    /** The stage machine itself threw (a context factory, action or guard): no stage can go on. */
    storeStageCrash: assign({
      error: ({ event }) => new ProtocolError('the stage machine failed', { cause: (event as { error?: unknown }).error }),
    }),
    storeCancelled: assign({ error: () => new AbortedError() }),
    enterRateLimit: assign(({ context, event }, params: { target: 'requesting' | 'submitting' }) => ({
      retry: { ...context.retry, target: params.target, afterMs: rateLimitWait(context, event), count: context.retry.count + 1 },
    })),
    storeRateLimitError: assign({
      error: ({ context, event }) => new RateLimitedError(askedWait(context, event), context.retry.count),
    }),
    /** Opens the next stage: stops the old stage machine and spawns the new one as `stage`. */
    openStage: enqueueActions(({ context, enqueue, check }) => {
      const step = nextStep(context);
      if (step.kind !== 'stage') return;
      // Stopping a child that does not exist (no stage open yet) is a no-op in XState.
      enqueue.stopChild('stage');
      const { settings } = context;
      const native = stageKindFor(step.stage, settings.supportedStages);
      // XState types `check` in setup's actions for inline guards only; named ones resolve at run time.
      const has = (kind: StageKind) => check({ type: 'hasStageMachine', params: { kind } } as unknown as Parameters<typeof check>[0]);
      // A kind the app left out of `stages` is done on the fallback page, as the spec allows; with
      // no fallback machine either, the app cannot do this stage at all: say which machine is missing.
      const kind = has(native) ? native : has('fallback') ? 'fallback' : null;
      enqueue.assign({ stage: step.stage, stageKind: kind, chosenFlow: step.flow, stageError: null, poll: IDLE_POLL });
      if (!kind) {
        const error = new InvalidOptionsError(
          VERBOSE ? `no stage machine for ${step.stage}: add ${native}StageMachine (or fallbackStageMachine) to stages` : `no stage machine for ${step.stage}`,
        );
        enqueue.raise({ type: 'STAGE.FAIL', error });
        return;
      }
      const input: StageInput = {
        type: step.stage,
        session: context.session,
        params: context.params[step.stage] ?? EMPTY_RECORD,
        inputs: settings.inputs,
        userId: settings.userId,
        homeserverUrl: settings.homeserverUrl,
        // Without one, the email or SMS stage makes the secret and reports it (STAGE.UPDATE): the
        // generator is bundled with those stages, not with every app.
        clientSecret: kind === 'email' || kind === 'msisdn' ? (settings.clientSecret ?? '') : '',
        emailSid: context.email.sid,
        emailAttempt: context.email.attempt,
        registrationToken: settings.presetToken instanceof Sealed ? settings.presetToken : null,
      };
      // The kind is computed at run time; every kind is a key of `actors` above.
      enqueue.spawnChild(kind as 'password', { id: 'stage', input });
    }),
    keepFlow: assign({
      chosenFlow: ({ context }) => {
        const step = nextStep(context);
        return step.kind === 'stage' || step.kind === 'flowComplete' ? step.flow : context.chosenFlow;
      },
    }),
    /** Tells the open stage its submission did not complete it, so it accepts input again. */
    rejectStage: enqueueActions(({ context, enqueue }) => {
      if (!stageOpen(context)) return;
      const error: UiaError = context.stageError ?? new StageError(context.stage, undefined, 'The stage is not complete yet');
      enqueue.sendTo('stage', { type: 'PARENT.REJECTED', error });
      // Kept, selectStageError would show "Unable to get validated threepid" on a normal wait.
      if (emailNotValidatedYet(context, error)) enqueue.assign({ stageError: null });
    }),
    rejectStageNetwork: enqueueActions(({ context, enqueue, event }) => {
      const error = new NetworkError((event as { error?: unknown }).error);
      enqueue.assign({ stageError: error });
      if (stageOpen(context)) enqueue.sendTo('stage', { type: 'PARENT.REJECTED', error });
    }),
    // Guarded by `stageOpen` where it is used: a plain sendTo costs less than enqueueActions,
    // and this runs for every user event.
    forwardToStage: sendTo('stage', ({ event }) => event),
    storeStageUpdate: assign(({ context, event }) => {
      if (event.type !== 'STAGE.UPDATE') return {};
      const { settings, email } = context;
      const { emailSid = email.sid, emailAttempt = email.attempt, clientSecret = settings.clientSecret } = event;
      return { email: { sid: emailSid, attempt: emailAttempt }, settings: clientSecret === settings.clientSecret ? settings : { ...settings, clientSecret } };
    }),
    setPollAuth: assign(({ context, event }) => ({
      poll: poll(context, {
        auth: event.type === 'STAGE.POLL' ? event.auth : context.poll.auth,
        waitedMs: context.poll.waitedMs ?? 0,
        stopped: false,
      }),
    })),
    setPollOverride: assign(({ context, event }) => ({ poll: poll(context, { override: event.type === 'SUBMIT_AUTH' ? new Sealed(event.auth) : null }) })),
    clearPollOverride: assign(({ context }) => ({ poll: poll(context, { override: null }) })),
    restartPolling: assign(({ context }) => ({ poll: poll(context, { count: 0, waitedMs: 0, stopped: false }) })),
    /** The poll timer fired: its wait counts towards `giveUpAfterMs`. */
    notePollWait: assign(({ context }) => ({
      poll: context.poll.waitedMs === null ? context.poll : poll(context, { waitedMs: context.poll.waitedMs + pollDelay(context) }),
    })),
    countPoll: assign(({ context }) => ({ poll: poll(context, { count: context.poll.count + 1, penaltyMs: 0 }) })),
    penalisePoll: assign(({ context, event }) => ({ poll: poll(context, { penaltyMs: rateLimitWait(context, event), count: context.poll.count + 1 }) })),
    stopPolling: assign(({ context }) => ({ poll: poll(context, { stopped: true }) })),
    choosePreferredFlow: assign({ preferredFlow: ({ context, event }) => offeredFlow(context, event) ?? null }),
  },
}).createMachine({
  id: 'uia',
  /** The initial context, built from the input the chart was given. */
  context: ({ input }) => createInitialContext(input),
  initial: 'idle',
  on: {
    CANCEL: { target: '.cancelled' },
    'STAGE.UPDATE': { actions: 'storeStageUpdate' },
    'STAGE.FAIL': { target: '.failed', actions: 'storeStageFailure' },
    // Without this, a stage child that throws (bad data in a context factory, an app's action)
    // puts the chart in XState's `error` status, reported as an uncaught error.
    'xstate.error.actor.stage': { target: '.failed', actions: 'storeStageCrash' },
    ...Object.fromEntries(FORWARDED.map((t) => [t, { guard: 'stageOpen', actions: 'forwardToStage' }])),
  },
  states: {
    idle: {
      on: {
        START: [
          { guard: 'hasConfigError', target: 'failed', actions: 'failWithConfigError' },
          { guard: 'hasAuthData', target: 'routing', actions: 'applyAuthData' },
          { target: 'requesting' },
        ],
      },
    },
    requesting: {
      tags: ['busy'],
      invoke: {
        id: 'request',
        src: 'request',
        /**
         * The first request's dict, made from the context on entry rather than kept in it: no
         * credential, only the session when resuming (one assign fewer per negotiation). After a
         * 429 or a restore's RESUME it is made again the same way.
         */
        input: ({ context }): RequestActorInput => ({ auth: sealedWithSession(null, context), background: false }),
        onDone: foregroundAnswer('requesting'),
        onError: { target: 'failed', actions: 'storeNetworkError' },
      },
      // Sent by createUiaActor to a chart restored here: the request it had in flight is not
      // repeated as restored, and the first request carries no credential, so it is made afresh.
      on: { RESUME: { target: 'requesting', reenter: true } },
    },
    rateLimited: {
      tags: ['busy'],
      after: {
        rateLimitDelay: [{ guard: 'retryIsSubmit', target: 'submitting' }, { target: 'requesting' }],
      },
      // Sent by createUiaActor to a chart restored here: XState does not persist delays, so the
      // wait is scheduled again.
      on: { RESUME: { target: 'rateLimited', reenter: true } },
    },
    routing: {
      // No entry action: every way in leaves no dict behind (applyChallenge drops the one sent;
      // from idle, awaitingStage and polling there is none, and leaving polling.checking drops an
      // app's background dict). An assign per entry was measurable in the CPU profile.
      always: [
        { guard: 'unattendedLoop', target: 'failed', actions: 'storeLoopError' },
        { guard: 'noFlow', target: 'failed', actions: 'storeNoFlowError' },
        { guard: 'flowCompleteFirstTime', target: 'submitting', actions: ['keepFlow', 'prepareSessionSubmit'] },
        { guard: 'flowComplete', target: 'failed', actions: 'storeLoopError' },
        // The open stage stays open: a stage that was polling goes on polling (a CHOOSE_FLOW that
        // keeps the stage, or a poll answer that changes nothing about it, must not end its checks).
        { guard: 'sameStagePolling', target: 'polling', actions: ['keepFlow', 'rejectStage'] },
        { guard: 'sameStage', target: 'awaitingStage', actions: ['keepFlow', 'rejectStage'] },
        { target: 'awaitingStage', actions: 'openStage' },
      ],
    },
    awaitingStage: {
      // No entry action: `routing` and `polling` hold no dict; a submission that got no answer
      // drops its own (`rejectStageNetwork`).
      on: {
        'STAGE.SUBMIT': { target: 'submitting', actions: 'prepareSubmit' },
        'STAGE.POLL': { target: 'polling', actions: 'setPollAuth' },
        SUBMIT_AUTH: [
          { guard: 'isBackground', target: 'polling.checking', actions: 'setPollOverride' },
          { target: 'submitting', actions: 'prepareSubmit' },
        ],
        POLL: { guard: 'hasPollAuth', target: 'polling.checking', actions: 'restartPolling' },
        CHOOSE_FLOW: { guard: 'isOfferedFlow', target: 'routing', actions: 'choosePreferredFlow' },
      },
    },
    submitting: {
      tags: ['busy'],
      invoke: {
        id: 'request',
        src: 'request',
        /** The pending dict, sent in the foreground. */
        input: submissionInput,
        onDone: foregroundAnswer('submitting'),
        // No answer: the stage stays open with a network error, so the user can try again. With no
        // stage open (the final `{session}` resubmission) there is nothing to retry from: fail.
        onError: [
          { guard: 'noStageOpen', target: 'failed', actions: 'storeNetworkError' },
          { target: 'awaitingStage', actions: ['clearPendingAuth', 'rejectStageNetwork'] },
        ],
      },
      on: {
        // A stage may (re)start its background check while a submission is in flight.
        'STAGE.POLL': { actions: 'setPollAuth' },
        // Sent by createUiaActor to a chart restored here. The final `{session}` resubmission
        // (every stage complete) carries no credential and is made afresh; a stage's submission is
        // not repeated: its interruption reaches the stage (onError) and the user submits again.
        RESUME: { guard: 'flowComplete', target: 'submitting', reenter: true, actions: 'rebuildSessionSubmit' },
      },
    },
    polling: {
      initial: 'waiting',
      // Not clearPendingAuth: a background SUBMIT_AUTH from awaitingStage sets poll.override on
      // this very transition, and `checking` clears it on exit.
      entry: assign({ pendingAuth: null }),
      on: {
        'STAGE.SUBMIT': { target: 'submitting', actions: 'prepareSubmit' },
        'STAGE.POLL': { target: 'polling', reenter: true, actions: 'setPollAuth' },
        SUBMIT_AUTH: [
          { guard: 'isBackground', target: '.checking', actions: 'setPollOverride' },
          { target: 'submitting', actions: 'prepareSubmit' },
        ],
        CHOOSE_FLOW: { guard: 'isOfferedFlow', target: 'routing', actions: 'choosePreferredFlow' },
      },
      states: {
        waiting: {
          after: {
            pollDelay: [{ guard: 'pollGaveUp', target: '#uia.awaitingStage', actions: 'stopPolling' }, { target: 'checking', actions: 'notePollWait' }],
          },
          on: {
            POLL: { target: 'checking', actions: 'restartPolling' },
            // Sent by createUiaActor to a chart restored here: XState does not persist delayed
            // events, so the next poll was lost (the email link opened in the same tab): check now.
            RESUME: { target: 'checking', actions: 'restartPolling' },
            PAUSE_POLLING: { target: 'paused' },
          },
        },
        // The page is hidden (matrix-uia/browser): no timer runs until the user is back, then
        // one check at once instead of the polls missed meanwhile.
        paused: {
          on: {
            RESUME_POLLING: { target: 'checking', actions: 'restartPolling' },
            POLL: { target: 'checking', actions: 'restartPolling' },
          },
        },
        checking: {
          exit: 'clearPollOverride',
          initial: 'background',
          states: {
            background: {},
            // A submission made while this check is in flight waits for its answer instead of
            // aborting it: an abort only stops the client from reading the answer, and once an
            // out-of-band stage is done the check *is* the final request, which the server may
            // already have run (a deactivation, whose token is gone for the submission after it).
            submissionWaiting: {
              tags: ['busy'],
              on: {
                // Held here as in `submitting`: the waiting submission is neither dropped (a new
                // poll or flow would leave the stage waiting for an answer) nor replaced by a
                // background dict (it is sent anyway once the check answers).
                'STAGE.POLL': { actions: 'setPollAuth' },
                CHOOSE_FLOW: {},
                SUBMIT_AUTH: { guard: 'isBackground' },
                // Sent by createUiaActor to a chart restored here: the submission's dict did not
                // survive, so `submitting` reports it interrupted to the stage, as a restored
                // submission is, and the user submits again.
                RESUME: { target: '#uia.submitting' },
              },
            },
          },
          on: {
            'STAGE.SUBMIT': { target: '.submissionWaiting', actions: 'prepareSubmit' },
            SUBMIT_AUTH: [
              { guard: 'isBackground', target: 'checking', reenter: true, actions: 'setPollOverride' },
              { target: '.submissionWaiting', actions: 'prepareSubmit' },
            ],
            // Sent by createUiaActor to a chart restored here: check afresh with the poll dict (an
            // app-given background dict is dropped on exit, not sent again).
            RESUME: { target: 'checking', reenter: true },
          },
          invoke: {
            id: 'request',
            src: 'request',
            /** The actor's input, read from the context when the state is entered. */
            input: ({ context }): RequestActorInput => ({
              auth: sealedWithSession(context.poll.override?.unseal() ?? context.poll.auth ?? {}, context),
              background: true,
            }),
            onDone: [
              { guard: 'isSuccess', target: '#uia.done', actions: 'storeResult' },
              // Answered without success: the waiting submission goes now.
              { guard: 'submissionWaiting', target: '#uia.submitting' },
              { guard: 'pollUnchanged', target: 'waiting', actions: 'countPoll' },
              // Counted as a poll too: a server answering each poll with a new session must not
              // reset the backoff (a stage that changes opens afresh with IDLE_POLL anyway).
              { guard: 'isChallenge', target: '#uia.routing', actions: ['applyChallenge', 'countPoll'] },
              { guard: 'isRateLimited', target: 'waiting', actions: 'penalisePoll' },
              { guard: 'isServerFault', target: 'waiting', actions: 'countPoll' },
              { target: '#uia.failed', actions: 'storeAnswerError' },
            ],
            // A network blip while polling in the background is not the user's problem: back off.
            onError: [
              { guard: 'submissionWaiting', target: '#uia.submitting' },
              { target: 'waiting', actions: 'countPoll' },
            ],
          },
        },
      },
    },
    // Reached only with storeResult, which drops the dict.
    done: { type: 'final' },
    failed: { type: 'final', entry: 'clearPendingAuth' },
    cancelled: { type: 'final', entry: ['clearPendingAuth', 'storeCancelled'] },
  },
  /** What the finished negotiation produced: the sealed result, or the error. */
  output: ({ context }): UiaOutput => {
    if (context.result) return { status: 'done', result: context.result };
    if (context.error?.code === 'ABORTED') return { status: 'cancelled', error: context.error };
    return { status: 'failed', error: context.error ?? new ProtocolError(VERBOSE ? 'negotiation ended without a result' : 'no result') };
  },
});

/** The parent chart's type, for typing actors and snapshots. */
export type UiaMachine = typeof uiaMachine;
