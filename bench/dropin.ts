/**
 * The drop-in class at the XState floor (issue 15, item 1): CPU per negotiation, heap per
 * waiting session and heap retained after 10,000 finished sessions, for matrix-uia's
 * `InteractiveAuth` next to a minimal XState v5 chart with the same transitions (idle →
 * requesting with a `fromPromise` invoke → awaitingStage with one child machine → submitting →
 * done), `createUiaActor`, and matrix-js-sdk's `InteractiveAuth`, in the same run.
 *
 *   npx tsx bench/dropin.ts [negotiations=10000] [rounds=3] [--memory-only]
 *
 * It bundles itself first with esbuild as the package is built (scripts/build.mjs: no
 * `keepNames`), then runs the bundle with `node --expose-gc`: under tsx every function gets a
 * `name` property (keepNames), which costs each closure made per session a properties array
 * that users' builds do not have.
 *
 * Password change against the in-process endpoint (answers settle on a microtask). CPU is this
 * process's (user + system), entry points alternating in blocks of 1,000; the figure is the
 * median of the rounds. Prints a Markdown table; the ratio column is the minimal chart's CPU per
 * negotiation over the entry point's (≥ 0.9 is the target) and its heap over the chart's.
 */
import { InteractiveAuth as SdkInteractiveAuth } from 'matrix-js-sdk/lib/interactive-auth.js';
import { assign, createActor, fromPromise, sendParent, sendTo, setup, type AnyActorRef } from 'xstate';
import { createUiaActor, InteractiveAuth } from '../src';
import { passwordStageMachine } from '../machines/stages/password.machine';
import { sdkClient } from './run-matrix-js-sdk';
import { PASSWORD, scenario, USER_ID } from './scenarios';
import { createUiaEndpoint, type UiaEndpoint } from './uia-endpoint';

const passwordDict = { type: 'm.login.password', identifier: { type: 'm.id.user', user: USER_ID }, password: PASSWORD };
const PASSWORD_STAGES = { password: passwordStageMachine };

// --- the floor: a minimal chart with the same transitions ------------------------------------

type Answer = { ok: true; data: unknown } | { ok: false; session?: string };
const stageChild = setup({ types: { events: {} as { type: 'SUBMIT'; password: string } } }).createMachine({
  on: { SUBMIT: { actions: sendParent(({ event }) => ({ type: 'STAGE.SUBMIT', auth: { ...passwordDict, password: event.password } })) } },
});
const minimalChart = setup({
  types: {
    context: {} as { session?: string; result?: unknown },
    events: {} as { type: 'START' } | { type: 'SUBMIT'; password: string } | { type: 'STAGE.SUBMIT'; auth: Record<string, unknown> },
  },
  actors: {
    request: fromPromise<Answer, { auth: Record<string, unknown> | null; fn: (a: Record<string, unknown> | null) => Promise<unknown> }>(async ({ input }) => {
      try {
        return { ok: true, data: await input.fn(input.auth) };
      } catch (e) {
        return { ok: false, session: (e as { data?: { session?: string } }).data?.session };
      }
    }),
    stage: stageChild,
  },
}).createMachine({
  context: {},
  initial: 'idle',
  states: {
    idle: { on: { START: 'requesting' } },
    requesting: {
      invoke: {
        src: 'request',
        input: ({ self }) => ({ auth: null, fn: fnOf(self) }),
        onDone: [{ guard: ({ event }) => event.output.ok, target: 'done' }, { target: 'awaitingStage', actions: assign({ session: ({ event }) => (event.output as { session?: string }).session }) }],
      },
    },
    awaitingStage: {
      invoke: { id: 'stage', src: 'stage' },
      on: {
        SUBMIT: { actions: sendTo('stage', ({ event }) => event) },
        'STAGE.SUBMIT': { target: 'submitting', actions: assign({ result: ({ event }) => event.auth }) },
      },
    },
    submitting: {
      invoke: {
        src: 'request',
        input: ({ context, self }) => ({ auth: { ...(context.result as object), session: context.session }, fn: fnOf(self) }),
        onDone: [{ guard: ({ event }) => event.output.ok, target: 'done', actions: assign({ result: ({ event }) => (event.output as { data: unknown }).data }) }, { target: 'awaitingStage' }],
      },
    },
    done: { type: 'final' },
  },
  output: ({ context }) => context.result,
});
// The request function per actor system, as the library binds its own.
const fns = new WeakMap<object, (a: Record<string, unknown> | null) => Promise<unknown>>();
function fnOf(self: AnyActorRef): (a: Record<string, unknown> | null) => Promise<unknown> {
  return fns.get(self.system)!;
}

// --- the entry points, each as a session that waits at the password and can be finished -----

interface Session {
  /** Resolves once the session waits at the password stage. */
  ready: Promise<void>;
  /** Answers the password; resolves when the negotiation is done. */
  finish(): Promise<unknown>;
}
type Opener = (e: UiaEndpoint) => Session;

function minimalSession(endpoint: UiaEndpoint): Session {
  const actor = createActor(minimalChart);
  fns.set(actor.system, (a) => endpoint.request(a));
  let ready!: () => void;
  let done!: (v: unknown) => void;
  const readyP = new Promise<void>((r) => (ready = r));
  const doneP = new Promise<unknown>((r) => (done = r));
  actor.subscribe((s) => {
    if (s.matches('awaitingStage')) ready();
    if (s.status === 'done') done(s.output);
  });
  actor.start();
  actor.send({ type: 'START' });
  return { ready: readyP, finish: () => (actor.send({ type: 'SUBMIT', password: PASSWORD }), doneP) };
}

function actorSession(endpoint: UiaEndpoint): Session {
  const actor = createUiaActor({ stages: PASSWORD_STAGES, request: (auth) => endpoint.request(auth as Record<string, unknown> | null), userId: USER_ID });
  let ready!: () => void;
  let done!: (v: unknown) => void;
  const readyP = new Promise<void>((r) => (ready = r));
  const doneP = new Promise<unknown>((r) => (done = r));
  actor.subscribe((s) => {
    if (s.matches('awaitingStage') && (s.children as Record<string, unknown>).stage) ready();
    if (s.status === 'done') done(s.output);
  });
  actor.start();
  actor.send({ type: 'START' });
  return { ready: readyP, finish: () => (actor.send({ type: 'PASSWORD.SUBMIT', password: PASSWORD }), doneP) };
}

function dropinSession(endpoint: UiaEndpoint): Session {
  let ready!: () => void;
  const readyP = new Promise<void>((r) => (ready = r));
  const ia: InteractiveAuth<unknown> = new InteractiveAuth<unknown>({
    doRequest: (auth) => endpoint.request(auth as Record<string, unknown> | null),
    stateUpdated: () => ready(),
  });
  const result = ia.attemptAuth();
  return { ready: readyP, finish: () => (void ia.submitAuthDict(passwordDict), result) };
}

function sdkSession(endpoint: UiaEndpoint): Session {
  let ready!: () => void;
  const readyP = new Promise<void>((r) => (ready = r));
  const ia: SdkInteractiveAuth<unknown> = new SdkInteractiveAuth<unknown>({
    matrixClient: sdkClient,
    requestEmailToken: () => endpoint.requestEmailToken(),
    doRequest: (auth) => endpoint.request(auth as Record<string, unknown> | null),
    stateUpdated: () => ready(),
  });
  const result = ia.attemptAuth();
  return { ready: readyP, finish: () => (void ia.submitAuthDict(passwordDict as never), result) };
}

const ENTRIES: [string, Opener][] = [
  ['minimal XState chart', minimalSession],
  ['`createUiaActor`', actorSession],
  ['`InteractiveAuth` (drop-in)', dropinSession],
  ['matrix-js-sdk 37.5.0 `InteractiveAuth`', sdkSession],
];

// --- CPU ---------------------------------------------------------------------------------------

async function negotiate(open: Opener, endpoint: UiaEndpoint): Promise<void> {
  const s = open(endpoint);
  await s.ready;
  // The user answers after the UI rendered, never inside the callback.
  await Promise.resolve();
  await s.finish();
}

async function cpuOfBlock(open: Opener, n: number): Promise<number> {
  const endpoint = createUiaEndpoint(scenario('password').endpoint);
  const start = process.cpuUsage();
  for (let i = 0; i < n; i++) await negotiate(open, endpoint);
  const used = process.cpuUsage(start);
  if (endpoint.counts.requests !== 2 * n) throw new Error(`expected ${2 * n} requests, saw ${endpoint.counts.requests}`);
  return used.user + used.system;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1]!;
}

async function cpu(negotiations: number, rounds: number): Promise<number[]> {
  const BLOCK = 1_000;
  for (const [, open] of ENTRIES) await cpuOfBlock(open, 2_000);
  const perRound: number[][] = ENTRIES.map(() => []);
  for (let r = 0; r < rounds; r++) {
    const total = ENTRIES.map(() => 0);
    for (let done = 0; done < negotiations; done += BLOCK) {
      for (let i = 0; i < ENTRIES.length; i++) total[i]! += await cpuOfBlock(ENTRIES[i]![1], Math.min(BLOCK, negotiations - done));
    }
    total.forEach((t, i) => perRound[i]!.push(t / negotiations));
  }
  return perRound.map(median);
}

// --- memory ------------------------------------------------------------------------------------

const gc = (globalThis as { gc?: () => void }).gc;
async function settledHeap(): Promise<number> {
  if (!gc) throw new Error('run with node --expose-gc');
  for (let i = 0; i < 3; i++) {
    await new Promise((r) => setImmediate(r));
    gc();
  }
  return process.memoryUsage().heapUsed;
}

async function memory(open: Opener, sessions: number): Promise<{ perSession: number; retained: number }> {
  const endpoint = createUiaEndpoint(scenario('password').endpoint);
  for (let i = 0; i < 1_000; i++) await negotiate(open, endpoint);
  const baseline = await settledHeap();
  let open_: Session[] = [];
  for (let i = 0; i < sessions; i++) {
    const s = open(endpoint);
    await s.ready;
    open_.push(s);
  }
  const waiting = await settledHeap();
  await Promise.all(open_.map((s) => s.finish()));
  open_ = [];
  const after = await settledHeap();
  return { perSession: (waiting - baseline) / sessions, retained: after - baseline };
}

async function main(): Promise<void> {
  const [n, r] = process.argv.slice(2).filter((a) => !a.startsWith('--'));
  const negotiations = Number(n ?? 10_000);
  const rounds = Number(r ?? 3);
  const memoryOnly = process.argv.includes('--memory-only');
  const us = memoryOnly ? ENTRIES.map(() => NaN) : await cpu(negotiations, rounds);
  const mem: { perSession: number; retained: number }[] = [];
  for (const [, open] of ENTRIES) mem.push(await memory(open, negotiations));
  const floorCpu = us[0]!;
  const floorHeap = mem[0]!.perSession;
  console.log(`${negotiations.toLocaleString('en')} negotiations × ${rounds} rounds, node ${process.version}\n`);
  console.log('| client | CPU µs / negotiation | minimal chart ÷ client (CPU) | heap per waiting session | ÷ minimal chart | retained after all finished |');
  console.log('| --- | ---: | ---: | ---: | ---: | ---: |');
  ENTRIES.forEach(([name], i) => {
    const m = mem[i]!;
    console.log(
      `| ${name} | ${us[i]!.toFixed(0)} | ${(floorCpu / us[i]!).toFixed(2)} | ${(m.perSession / 1024).toFixed(1)} KB | ${(m.perSession / floorHeap).toFixed(2)} | ${(m.retained / 1024 / 1024).toFixed(2)} MB |`,
    );
  });
}

if (process.env.MATRIX_UIA_BENCH_BUNDLED === '1') {
  void main();
} else {
  // Bundled as users get it, then run with --expose-gc (see the header).
  void (async () => {
    const { build } = await import('esbuild');
    const path = await import('node:path');
    const { spawnSync } = await import('node:child_process');
    const root = path.resolve(__dirname, '..');
    const outfile = path.join(root, 'node_modules/.cache/matrix-uia-bench/dropin.cjs');
    await build({ entryPoints: [__filename], bundle: true, platform: 'node', format: 'cjs', target: 'node20', outfile, logLevel: 'error' });
    const child = spawnSync(process.execPath, ['--expose-gc', outfile, ...process.argv.slice(2)], { stdio: 'inherit', env: { ...process.env, MATRIX_UIA_BENCH_BUNDLED: '1' } });
    process.exit(child.status ?? 1);
  })();
}
