/**
 * Out-of-band completion: how long after the email link is clicked the negotiation notices, and
 * how many polls a 10-minute wait costs, with the default polling settings (DEFAULT_POLLING).
 *
 * The real chart runs on a virtual clock (XState's `clock` option), so ten minutes take
 * milliseconds. The endpoint answers instantly; add one round trip to every delay for a real
 * network. matrix-js-sdk does not poll by itself (the app calls `InteractiveAuth.poll()`); it is
 * shown with an app polling every 2 s on the same clock, for reference.
 */
import { createActor } from 'xstate';
import { InteractiveAuth } from 'matrix-js-sdk/lib/interactive-auth.js';
import { createUiaMachine, DEFAULT_POLLING, toMachineInput } from '../src';
import { sdkClient } from './run-matrix-js-sdk';
import { EMAIL_SID, USER_ID } from './scenarios';
import { createUiaEndpoint, type UiaEndpoint } from './uia-endpoint';
import { delayFromSchedule, delayStats } from './poll-schedule';
import { VirtualClock } from './virtual-clock';
import { stageMachines } from '../machines/stages';

/** The wait simulated: ten minutes. */
export const HORIZON_MS = 10 * 60 * 1000;
/** The interval of the app-driven matrix-js-sdk reference. */
export const SDK_APP_INTERVAL_MS = 2000;

/** One simulated wait. */
export interface PollRun {
  /** Virtual times of the email checks (poll requests). */
  checks: number[];
  /** When the negotiation completed, or null if it had not by the horizon. */
  doneAt: number | null;
}

type Player = (endpoint: UiaEndpoint, clock: VirtualClock, onDone: () => void) => () => void;

function emailEndpoint(): UiaEndpoint {
  // Never validated by count: only the click validates it.
  return createUiaEndpoint({ flows: [['m.login.email.identity']], emailSid: EMAIL_SID, emailValidatedAfterChecks: Number.MAX_SAFE_INTEGER });
}

/** matrix-uia: the real chart with its default polling, on the virtual clock. */
const playMatrixUia: Player = (endpoint, clock, onDone) => {
  const fns = { request: (auth: unknown) => endpoint.request(auth as Record<string, unknown> | null), requestEmailToken: () => endpoint.requestEmailToken() };
  const actor = createActor(createUiaMachine(fns, stageMachines), {
    input: toMachineInput({ ...fns, userId: USER_ID, inputs: { emailAddress: 'alice@example.org' } }),
    clock,
  });
  actor.subscribe((s) => {
    if (s.status === 'done') onDone();
  });
  actor.start();
  actor.send({ type: 'START' });
  return () => actor.stop();
};

/** matrix-js-sdk: `InteractiveAuth` with the app calling `poll()` every 2 s on the virtual clock. */
const playMatrixJsSdk: Player = (endpoint, clock, onDone) => {
  let timer: number | null = null;
  let stopped = false;
  const tick = () => {
    if (stopped) return;
    void ia.poll();
    timer = clock.setTimeout(tick, SDK_APP_INTERVAL_MS);
  };
  const ia: InteractiveAuth<unknown> = new InteractiveAuth<unknown>({
    matrixClient: sdkClient,
    doRequest: (auth) => endpoint.request(auth as Record<string, unknown> | null),
    requestEmailToken: () => endpoint.requestEmailToken(),
    inputs: { emailAddress: 'alice@example.org' },
    stateUpdated: () => {
      timer ??= clock.setTimeout(tick, SDK_APP_INTERVAL_MS);
    },
  });
  ia.attemptAuth().then(onDone, () => undefined);
  return () => {
    stopped = true;
    if (timer !== null) clock.clearTimeout(timer);
  };
};

/** Simulates one wait: the link clicked at `clickAt` (null: never), up to the horizon. */
export async function simulate(play: Player, clickAt: number | null, horizon = HORIZON_MS): Promise<PollRun> {
  const clock = new VirtualClock();
  const endpoint = emailEndpoint();
  const checks: number[] = [];
  const counting: UiaEndpoint = {
    ...endpoint,
    request: (auth) => {
      if (auth?.type === 'm.login.email.identity') checks.push(clock.now());
      return endpoint.request(auth);
    },
  };
  let doneAt: number | null = null;
  if (clickAt !== null) clock.setTimeout(() => endpoint.clickEmailLink(), clickAt);
  const stop = play(counting, clock, () => {
    doneAt ??= clock.now();
  });
  await clock.runUntil(horizon);
  stop();
  return { checks, doneAt };
}

/** One row of the polling table. */
export interface PollingRow {
  name: string;
  /** Polls made in a 10-minute wait with no click. */
  pollsIn10Min: number;
  /** Delay to notice a click at these times (ms after the email was sent). */
  delays: { clickAt: number; delay: number | null; predicted: number | null }[];
  /** Over clicks uniformly spread in the first 10 minutes. */
  mean: number;
  max: number;
  /** The first poll times (ms after the email was sent). */
  firstChecks: number[];
}

/** Click times shown in the table. */
export const CLICK_TIMES = [4_500, 21_000, 71_000, 311_000, 591_000];

async function row(name: string, play: Player): Promise<PollingRow> {
  const idle = await simulate(play, null, HORIZON_MS);
  const delays = [];
  for (const clickAt of CLICK_TIMES) {
    // The real actor with a real click: must agree with what the schedule predicts.
    const run = await simulate(play, clickAt, HORIZON_MS + 60_000);
    delays.push({ clickAt, delay: run.doneAt === null ? null : run.doneAt - clickAt, predicted: delayFromSchedule(idle.checks, clickAt) });
  }
  const { mean, max } = delayStats(idle.checks, 0, HORIZON_MS);
  return { name, pollsIn10Min: idle.checks.length, delays, mean, max, firstChecks: idle.checks.slice(0, 7) };
}

/** The polling table: matrix-uia with DEFAULT_POLLING, and the app-driven matrix-js-sdk reference. */
export async function measurePolling(): Promise<PollingRow[]> {
  return [
    await row(`matrix-uia, DEFAULT_POLLING (${DEFAULT_POLLING.intervalMs} ms ×${DEFAULT_POLLING.backoffFactor}, max ${DEFAULT_POLLING.maxIntervalMs} ms)`, playMatrixUia),
    await row(`matrix-js-sdk, app calls poll() every ${SDK_APP_INTERVAL_MS} ms`, playMatrixJsSdk),
  ];
}
