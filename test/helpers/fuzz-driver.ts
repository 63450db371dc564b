/**
 * Drives the real UIA chart (createUiaActor from src) under Jest's fake timers against a fuzz
 * server, and checks the invariants every property shares:
 *
 * - no exception escapes: the actor's error listener is never called, no rejection goes
 *   unhandled, no error is thrown out of a timer or a send;
 * - the chart is always in a defined state: waiting for the user (a stage open and asking for
 *   input, or being polled), in a request, or final with a typed `UiaError`;
 * - at most one request to the endpoint is in flight, and no request storm happens without the
 *   clock moving;
 * - no secret appears in a persisted snapshot, a sanitized inspection event, an error message or
 *   a console line.
 *
 * `finish()` then cancels a live chart and proves it is inert: no request and no timer after it,
 * and answers to abandoned requests change nothing.
 */
import { inspect as nodeInspect } from 'node:util';
import type { AnyActorRef, InspectionEvent } from 'xstate';
import { createUiaActor, type UiaActor } from '../../src/api/create-uia-machine';
import { UiaError } from '../../src/errors/errors';
import type { UiaOptions } from '../../src/api/options';
import { selectStageSnapshot } from '../../src/api/selectors';
import { sanitizedInspector } from '../../src/secrets/sanitize';
import { stageAnswer, type Secrets, type UserAction } from './fuzz-arbitraries';
import type { FuzzServer } from './fuzz-server';
import { stageMachines } from '../../machines/stages';

/** Parent chart states a snapshot may be observed in (`routing` is transient). */
const DEFINED_STATES = new Set([
  'idle',
  'requesting',
  'rateLimited',
  'awaitingStage',
  'submitting',
  'polling.waiting',
  'polling.paused',
  'polling.checking.background',
  'polling.checking.submissionWaiting',
  'done',
  'failed',
  'cancelled',
]);

/** A state value as a dotted path. */
export function stateName(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object') {
    const [k, v] = Object.entries(value)[0] ?? [];
    return k === undefined ? '?' : `${k}.${stateName(v)}`;
  }
  return String(value);
}

/** JSON text of anything, tolerating cycles (a repeated object prints as `[cycle]`). */
export function safeStringify(value: unknown): string {
  const seen = new WeakSet<object>();
  return (
    JSON.stringify(value, (_k, v: unknown) => {
      if (typeof v === 'bigint') return `${v}n`;
      if (typeof v === 'symbol') return v.toString();
      if (typeof v === 'function') return undefined;
      if (v && typeof v === 'object') {
        if (seen.has(v)) return '[cycle]';
        seen.add(v);
      }
      return v;
    }) ?? ''
  );
}

/** Listens for unhandled rejections process-wide; install in beforeAll, remove in afterAll. */
export function watchUnhandledRejections() {
  const seen: unknown[] = [];
  const listener = (reason: unknown) => seen.push(reason);
  process.on('unhandledRejection', listener);
  return {
    seen,
    stop: () => process.off('unhandledRejection', listener),
  };
}

/** Console methods watched for leaked secrets. */
const CONSOLE_METHODS = ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const;

/** Captures console output (and silences it) while a run goes on. */
export function captureConsole() {
  const lines: string[] = [];
  const spies = CONSOLE_METHODS.map((m) =>
    jest.spyOn(console, m).mockImplementation((...args: unknown[]) => {
      lines.push(args.map((a) => (typeof a === 'string' ? a : nodeInspect(a, { depth: 6 }))).join(' '));
    }),
  );
  return { lines, restore: () => spies.forEach((s) => s.mockRestore()) };
}

/** What a driven run needs. */
export interface DriveOptions<T> extends Omit<UiaOptions<T>, 'request'> {
  server: FuzzServer<T>;
  /** Secrets whose appearance anywhere observable is a leak. */
  secrets?: string[];
  /** Check each sanitized inspection event for secrets (costly; on by default). */
  checkInspection?: boolean;
}

/** A run of the chart under test. */
export class FuzzDriver<T> {
  readonly actor: UiaActor;
  readonly server: FuzzServer<T>;
  readonly violations: string[] = [];
  /** Sanitized inspection events (kept as JSON text). */
  readonly inspection: string[] = [];
  private readonly secrets: string[];
  private actorErrors: unknown[] = [];
  /** Every parent state observed, for the tally. */
  readonly statesSeen = new Set<string>();

  constructor(options: DriveOptions<T>) {
    const { server, secrets = [], checkInspection = true, ...uia } = options;
    this.server = server;
    this.secrets = secrets;
    this.actor = createUiaActor<T>({ stages: stageMachines,
      ...uia,
      request: server.request,
      ...(checkInspection ? { inspect: sanitizedInspector((e: InspectionEvent) => this.inspection.push(safeStringify(e))) } : {}),
    });
    this.actor.subscribe({ error: (e) => this.actorErrors.push(e) });
  }

  /** Starts the actor and sends START. */
  async start(): Promise<void> {
    this.actor.start();
    this.actor.send({ type: 'START' });
    await this.flush();
  }

  /** Sends an event (twice for a double submit) and lets promises settle. */
  async send(event: { type: string; [k: string]: unknown }, twice = false): Promise<void> {
    try {
      this.actor.send(event as never);
      if (twice) this.actor.send(event as never);
    } catch (e) {
      this.violations.push(`send(${event.type}) threw: ${describe(e)}`);
    }
    await this.flush();
  }

  /** Performs one generated user action (a cooperative stage answer uses `secrets`). */
  async act(action: UserAction, secrets: Secrets): Promise<void> {
    if (action.kind === 'advance') return this.advance(action.ms);
    if (action.kind === 'event') return this.send(action.event, action.twice);
    const snap = this.actor.getSnapshot();
    const stage = selectStageSnapshot(snap);
    const events = stageAnswer(snap.context.stageKind, stage ? stateName(stage.value) : '', secrets);
    for (const e of events) await this.send(e, action.twice);
  }

  /** Moves the fake clock, firing timers and settling promises in order. */
  async advance(ms: number): Promise<void> {
    try {
      await jest.advanceTimersByTimeAsync(ms);
    } catch (e) {
      this.violations.push(`a timer threw: ${describe(e)}`);
    }
  }

  /** Moves the fake clock to the next timer and fires it (and settles promises). */
  async nextTimer(): Promise<void> {
    try {
      await jest.advanceTimersToNextTimerAsync();
    } catch (e) {
      this.violations.push(`a timer threw: ${describe(e)}`);
    }
  }

  /** Settles promises and zero-delay timers (the fuzz server answers after `setTimeout(0)`). */
  async flush(): Promise<void> {
    await this.advance(0);
  }

  /** Checks the shared invariants now; violations are collected. */
  check(): void {
    const s = this.actor.getSnapshot();
    const name = stateName(s.value);
    this.statesSeen.add(name);
    if (this.actorErrors.length) this.violations.push(`actor error listener called: ${describe(this.actorErrors[0])}`);
    if (s.status === 'error') this.violations.push(`actor in error status: ${describe(s.error)}`);
    if (!DEFINED_STATES.has(name)) this.violations.push(`undefined state ${name}`);
    if (s.status === 'done') {
      const out = s.output;
      if (!out) this.violations.push('final without output');
      else if (out.status !== 'done' && !(out.error instanceof UiaError)) this.violations.push(`final error not a UiaError: ${describe(out.error)}`);
    }
    if (s.status === 'active' && !s.hasTag('busy') && (name === 'awaitingStage' || name.startsWith('polling'))) {
      // Waiting for the user: the open stage must accept input (or run its own token request).
      // Not while a submission waits for a check (busy, as in `submitting`).
      const stage = selectStageSnapshot(s);
      if (!stage) this.violations.push(`${name} without a stage`);
      else if (!stage.hasTag('input') && !stage.hasTag('busy')) {
        this.violations.push(`${name} with stage ${s.context.stage} in ${stateName(stage.value)}: nothing the user can do`);
      }
    }
    if (this.server.maxInFlight > 1 || this.server.overlaps > 0) this.violations.push(`${this.server.maxInFlight} requests in flight at once`);
    if (this.server.storm) this.violations.push(`request storm: more than the limit of requests without time passing (state ${name})`);
    if (this.secrets.length) {
      let persisted = '';
      try {
        persisted = JSON.stringify(this.actor.getPersistedSnapshot());
      } catch (e) {
        this.violations.push(`persisted snapshot not serialisable: ${describe(e)}`);
      }
      this.leak('persisted snapshot', persisted);
      const err = s.output && s.output.status !== 'done' ? s.output.error : null;
      if (err) this.leak('final error', `${err.message} ${safeStringify(err)}`);
      const stageErr = selectStageSnapshot(s)?.context.error as Error | null | undefined;
      if (stageErr) this.leak('stage error', `${stageErr.message} ${safeStringify(stageErr)}`);
    }
  }

  /** Records a leak when `text` contains a secret. */
  leak(where: string, text: string): void {
    for (const secret of this.secrets) if (text.includes(secret)) this.violations.push(`secret ${secret.slice(0, 5)}… in ${where}`);
  }

  /** Checks the inspection events collected so far for secrets. */
  checkInspectionEvents(): void {
    for (const e of this.inspection) this.leak('inspection event', e);
  }

  /**
   * Ends the run: cancels a live chart, proves nothing happens afterwards (no request, no timer
   * left, abandoned answers ignored) and returns how it ended.
   */
  async finish(): Promise<string> {
    let s = this.actor.getSnapshot();
    if (s.status === 'active') await this.send({ type: 'CANCEL' });
    s = this.actor.getSnapshot();
    const ended = stateName(s.value);
    this.check();
    if (s.status !== 'done') this.violations.push(`not final after CANCEL: ${ended}`);
    const before = JSON.stringify(this.actor.getPersistedSnapshot());
    const calls = this.server.calls.length;
    // Answers to requests the chart abandoned arrive now, as from a transport that ignored the signal.
    for (const c of [...this.server.abandoned(), ...this.server.pending()]) c.settle({ kind: 'ok', body: { late: true } });
    await this.advance(10 * 60 * 1000);
    if (this.server.calls.length !== calls) this.violations.push(`${this.server.calls.length - calls} requests after the chart ended`);
    if (JSON.stringify(this.actor.getPersistedSnapshot()) !== before) this.violations.push('a late answer changed the final snapshot');
    this.actor.stop();
    const timers = jest.getTimerCount();
    if (timers !== 0) this.violations.push(`${timers} timers left after the chart ended`);
    if (this.secrets.length) this.checkInspectionEvents();
    return ended;
  }

  /** The open stage's actor, if any. */
  stageRef(): AnyActorRef | undefined {
    return (this.actor.getSnapshot().children as Record<string, AnyActorRef | undefined>).stage;
  }
}

/** A short description of any thrown value. */
export function describe(e: unknown): string {
  if (e instanceof Error) return `${e.name}: ${e.message}`;
  try {
    return String(e);
  } catch {
    return typeof e;
  }
}
