/**
 * The floor: a minimal XState v5 chart with the transitions a password negotiation takes in
 * matrix-uia's chart, and nothing else (no flow choice, no 401 parsing, no sealing, no polling,
 * no rate limits): idle → requesting (a `fromPromise` invoke) → awaitingStage (one spawned child
 * machine waiting for the password) → submitting (a `fromPromise` invoke) → done.
 *
 * It is what an XState design of this negotiation cannot go below, so the bench's headline figure
 * for each matrix-uia entry point is its rate (and heap) divided by this chart's. Like the real
 * chart, the machines are built once (module constants) and every negotiation is one actor.
 */
import { assign, createActor, fromPromise, sendParent, sendTo, setup, spawnChild } from 'xstate';
import { PASSWORD, USER_ID, type Scenario } from './scenarios';
import type { UiaEndpoint } from './uia-endpoint';

type Request = (auth: Record<string, unknown> | null) => Promise<unknown>;
/** The answer of a request as data: the 2xx body, or the error's status and body. */
type Answer = { ok: true; data: unknown } | { ok: false; status: number; data: unknown };

/** Functions per negotiation, found through the actor system as matrix-uia's shared chart does. */
const requests = new WeakMap<object, Request>();

/** The stage child: waits for SUBMIT, hands the dict to its parent. */
const stageMachine = setup({
  types: { input: {} as { session: string }, context: {} as { session: string }, events: {} as { type: 'SUBMIT'; password: string } },
}).createMachine({
  context: ({ input }) => ({ session: input.session }),
  initial: 'waiting',
  states: {
    waiting: {
      on: {
        SUBMIT: {
          target: 'submitted',
          actions: sendParent(({ context, event }) => ({
            type: 'STAGE.SUBMIT',
            auth: { type: 'm.login.password', identifier: { type: 'm.id.user', user: USER_ID }, password: event.password, session: context.session },
          })),
        },
      },
    },
    submitted: {},
  },
});

type MinimalEvent = { type: 'START' } | { type: 'SUBMIT'; password: string } | { type: 'STAGE.SUBMIT'; auth: Record<string, unknown> };

const request = fromPromise<Answer, Record<string, unknown> | null>(async ({ input, system }) => {
  try {
    return { ok: true, data: await requests.get(system)!(input) };
  } catch (e) {
    const err = e as { httpStatus?: number; data?: unknown };
    if (typeof err.httpStatus === 'number') return { ok: false, status: err.httpStatus, data: err.data };
    throw e;
  }
});

/** The minimal chart, built once. */
export const minimalMachine = setup({
  types: {
    context: {} as { session: string | null; auth: Record<string, unknown> | null; result: unknown },
    events: {} as MinimalEvent,
  },
  actors: { request, stage: stageMachine },
}).createMachine({
  context: { session: null, auth: null, result: null },
  initial: 'idle',
  states: {
    idle: { on: { START: 'requesting' } },
    requesting: {
      invoke: {
        id: 'request',
        src: 'request',
        input: () => null,
        onDone: [
          { guard: ({ event }) => event.output.ok, target: 'done' },
          {
            target: 'awaitingStage',
            actions: [
              assign({ session: ({ event }) => (event.output.data as { session: string }).session }),
              spawnChild('stage', { id: 'stage', input: ({ context }) => ({ session: context.session! }) }),
            ],
          },
        ],
        onError: 'done',
      },
    },
    awaitingStage: {
      on: {
        SUBMIT: { actions: sendTo('stage', ({ event }) => event) },
        'STAGE.SUBMIT': { target: 'submitting', actions: assign({ auth: ({ event }) => event.auth }) },
      },
    },
    submitting: {
      invoke: {
        id: 'request',
        src: 'request',
        input: ({ context }) => context.auth,
        onDone: [{ guard: ({ event }) => event.output.ok, target: 'done', actions: assign({ result: ({ event }) => event.output.data, auth: null }) }, { target: 'done' }],
        onError: 'done',
      },
    },
    done: { type: 'final' },
  },
});

/** One password negotiation with the minimal chart; resolves when it is done. */
export function runWithMinimalChart(_s: Scenario, endpoint: UiaEndpoint, inspect?: (e: unknown) => void): Promise<unknown> {
  return new Promise((resolve) => {
    const actor = createActor(minimalMachine, inspect ? { inspect } : {});
    requests.set(actor.system, (auth) => endpoint.request(auth));
    let answered = false;
    actor.subscribe((snap) => {
      if (!answered && snap.value === 'awaitingStage') {
        answered = true;
        actor.send({ type: 'SUBMIT', password: PASSWORD });
      }
      if (snap.status === 'done') resolve(snap.context.result);
    });
    actor.start();
    actor.send({ type: 'START' });
  });
}

/** A minimal-chart negotiation started and left waiting at the password (memory figure). */
export function minimalChartSession(endpoint: UiaEndpoint): Promise<{ finish(): Promise<unknown> }> {
  return new Promise((ready) => {
    const actor = createActor(minimalMachine);
    requests.set(actor.system, (auth) => endpoint.request(auth));
    let done: ((v: unknown) => void) | null = null;
    let waiting = false;
    actor.subscribe((snap) => {
      if (!waiting && snap.value === 'awaitingStage') {
        waiting = true;
        ready({
          finish: () =>
            new Promise((res) => {
              done = res;
              actor.send({ type: 'SUBMIT', password: PASSWORD });
            }),
        });
      }
      if (snap.status === 'done') done?.(snap.context.result);
    });
    actor.start();
    actor.send({ type: 'START' });
  });
}
