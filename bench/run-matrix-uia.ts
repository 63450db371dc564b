/**
 * Plays a benchmark scenario with matrix-uia, as an app does: `runUia` with stage handlers
 * (the user's answers), the endpoint as request function.
 */
import { createUiaActor, runUia, selectWaitingForInput, type PollingOptions, type StageHandlers } from '../src';
import { stageMachines } from '../machines/stages';
import { USER_ID, type Scenario } from './scenarios';
import type { UiaEndpoint } from './uia-endpoint';

/** Polling fast enough for a benchmark that waits for real timers (the chart's floor is 50 ms). */
export const FAST_POLLING: PollingOptions = { intervalMs: 50, backoffFactor: 1, maxIntervalMs: 50 };

/** The handlers answering a scenario's stages the way its user would. */
export function handlersFor(s: Scenario): StageHandlers {
  return {
    password: (p) => s.passwords?.[p.attempt - 1] ?? '',
    registrationToken: () => s.registrationToken ?? '',
    terms: () => true,
  };
}

/** Runs one negotiation of `s` against `endpoint`; resolves when it is done. */
export function runWithMatrixUia(s: Scenario, endpoint: UiaEndpoint, polling: PollingOptions = FAST_POLLING): Promise<unknown> {
  return runUia({
    request: (auth) => endpoint.request(auth as Record<string, unknown> | null),
    requestEmailToken: () => endpoint.requestEmailToken(),
    userId: USER_ID,
    polling,
    ...(s.emailAddress ? { inputs: { emailAddress: s.emailAddress } } : {}),
    ...(s.sessionId ? { sessionId: s.sessionId } : {}),
    ...(s.authData ? { authData: structuredClone(s.authData) } : {}),
    handlers: handlersFor(s),
  });
}

/**
 * Runs one password negotiation with a bare `createUiaActor` actor, as a UI drives it: the app
 * watches snapshots and, once the password stage waits for input, sends `PASSWORD.SUBMIT`.
 */
export function runWithUiaActor(s: Scenario, endpoint: UiaEndpoint): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const actor = createUiaActor({ stages: stageMachines, request: (auth) => endpoint.request(auth as Record<string, unknown> | null), userId: USER_ID });
    let attempt = 0;
    let waiting = false;
    actor.subscribe((snap) => {
      // Answer once per time the stage starts waiting (a refusal makes it wait again).
      const nowWaiting = selectWaitingForInput(snap);
      if (nowWaiting && !waiting) actor.send({ type: 'PASSWORD.SUBMIT', password: s.passwords?.[attempt++] ?? '' });
      waiting = nowWaiting;
      if (snap.status === 'done') (snap.output?.status === 'done' ? resolve : reject)(snap.output);
    });
    actor.start();
    actor.send({ type: 'START' });
  });
}
