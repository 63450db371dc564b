/**
 * Memory: heap held per live negotiation waiting at a stage, and what is left once they finish.
 *
 * Must run with `--expose-gc`: bench/index.ts runs it in a bundled process of its own
 * (bench/measure.ts, bench/bundled.ts).
 *
 * For each library, 10,000 password negotiations are started against one endpoint and left
 * waiting for the password (matrix-uia: bare actors as a UI holds them, and `runUia` promises
 * whose handler has not answered yet; matrix-js-sdk: `InteractiveAuth` objects whose
 * `stateUpdated` has fired). Heap after a full gc, minus the heap before, divided by the count,
 * is the cost of one waiting session. Then every session is answered, awaited and dropped, and
 * the heap after gc is compared with the baseline: what remains is leaked.
 */
import type { AnyActorRef } from 'xstate';
import { createUiaActor, runUia, type UiaActor } from '../src';
import { minimalChartSession } from './minimal-chart';
import { CLASSES, interactiveAuthSession, SDK43_ERROR } from './run-matrix-js-sdk';
import { PASSWORD, scenario, USER_ID } from './scenarios';
import { createUiaEndpoint, type HttpErrorClass, type UiaEndpoint } from './uia-endpoint';
import { stageMachines } from '../machines/stages';

/** Sessions held open at once. */
export const SESSIONS = 10_000;
/** Negotiations run to completion before the baseline is taken. */
const WARMUP = 1_000;

/** One library's memory figures, in bytes. */
export interface MemoryRow {
  /** The library's id (bench/libraries.ts). */
  name: string;
  /** Heap per waiting session. */
  perSession: number;
  /** Heap left after every session finished and was dropped, minus the baseline. */
  retainedAfter: number;
}

const gc = (globalThis as { gc?: () => void }).gc;

/** Heap in use after a full collection (twice: finalizers and weak maps need a second pass). */
async function settledHeap(): Promise<number> {
  if (!gc) throw new Error('run with node --expose-gc');
  for (let i = 0; i < 3; i++) {
    await new Promise((r) => setImmediate(r));
    gc();
  }
  return process.memoryUsage().heapUsed;
}

/** A started session: resolves once it waits at the stage; `finish` answers it and resolves when done. */
interface Waiting {
  finish(): Promise<unknown>;
}

/** A bare matrix-uia actor, as a UI holds it: started, waiting for PASSWORD.SUBMIT. */
export function uiaActorSession(endpoint: UiaEndpoint): Promise<Waiting> {
  return new Promise((ready) => {
    const actor: UiaActor = createUiaActor({ stages: stageMachines, request: (auth) => endpoint.request(auth as Record<string, unknown> | null), userId: USER_ID });
    let done: (() => void) | null = null;
    let stage: AnyActorRef | undefined;
    actor.subscribe((snap) => {
      const s = (snap.children as Record<string, AnyActorRef | undefined>).stage;
      if (s && !stage && snap.matches('awaitingStage')) {
        stage = s;
        ready({
          finish: () =>
            new Promise<void>((res) => {
              done = res;
              actor.send({ type: 'PASSWORD.SUBMIT', password: PASSWORD });
            }),
        });
      }
      if (snap.status === 'done') done?.();
    });
    actor.start();
    actor.send({ type: 'START' });
  });
}

/** A `runUia` negotiation whose password handler has been asked and not answered yet. */
export function runUiaSession(endpoint: UiaEndpoint): Promise<Waiting> {
  return new Promise((ready) => {
    let answer!: (p: string) => void;
    const result = runUia({
      request: (auth) => endpoint.request(auth as Record<string, unknown> | null),
      userId: USER_ID,
      handlers: {
        password: () =>
          new Promise<string>((res) => {
            answer = res;
            ready({ finish: () => (answer(PASSWORD), result) });
          }),
      },
    });
  });
}

/** Opens `SESSIONS` sessions with `open`, measures, finishes them all, measures again. */
async function measure(name: string, open: (e: UiaEndpoint) => Promise<Waiting>, ErrorClass?: HttpErrorClass): Promise<MemoryRow> {
  const endpoint = createUiaEndpoint(scenario('password').endpoint, ErrorClass);
  // Warm up: code compiled, shared structures built, so the baseline holds them already.
  for (let i = 0; i < WARMUP; i++) await (await open(endpoint)).finish();
  const baseline = await settledHeap();
  let sessions: Waiting[] | null = [];
  for (let i = 0; i < SESSIONS; i++) sessions.push(await open(endpoint));
  const live = await settledHeap();
  await Promise.all(sessions.map((w) => w.finish()));
  sessions = null;
  const after = await settledHeap();
  return { name, perSession: (live - baseline) / SESSIONS, retainedAfter: after - baseline };
}

/** Measures every library in turn (run in a process of its own). */
export async function measureMemory(): Promise<MemoryRow[]> {
  return [
    await measure('minimal', minimalChartSession),
    await measure('actor', uiaActorSession),
    await measure('runUia', runUiaSession),
    await measure('dropIn', (e) => interactiveAuthSession(...CLASSES.dropIn, e)),
    await measure('sdk43', (e) => interactiveAuthSession(...CLASSES.sdk43, e), SDK43_ERROR),
    await measure('sdk', (e) => interactiveAuthSession(...CLASSES.sdk, e)),
  ];
}
