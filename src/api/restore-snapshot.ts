/**
 * Checking a persisted snapshot before it is restored.
 *
 * A snapshot comes back from storage (localStorage, a database, a URL) as untrusted JSON: a
 * tampered or corrupt one restored as given made the chart poll 625 times a second
 * (`settings.polling.intervalMs` 0, -1 or a string), end in an untyped error state (no
 * `settings`, an unknown state value), or come back already broken (`status: "error"`).
 * {@link checkUiaSnapshot} validates the whole shape of the chart's persisted snapshot and
 * rebuilds what it keeps: numeric settings clamped as the chart's input is, counters made finite,
 * the 401 data validated by the same parser (and limits) as a server's answer, values that only
 * a live actor holds (a sealed dict) dropped. It throws `InvalidOptionsError` for a snapshot that
 * is not one of this chart, `ProtocolError` for 401 data the parser refuses.
 *
 * `createUiaActor({ snapshot })` takes only a checked snapshot (as it takes only a sanitized
 * inspector), so apps that never restore do not bundle this module. `loadUiaSnapshot`
 * (matrix-uia/browser) returns checked snapshots.
 */
import type { AnyStateNode, Snapshot } from 'xstate';
import { createInitialContext } from '../../machines/uia.context';
import { uiaMachine } from '../../machines/uia.machine';
import type { UiaContext } from '../../machines/uia.types';
import { interruptedByRestore } from '../actors/function-source';
import { CHECKED_SNAPSHOT, type CheckedUiaSnapshot, type RestoreProcedure } from './checked-snapshot';
import { isValidClientSecret } from '../secrets/client-secret';
import { InvalidOptionsError, ProtocolError } from '../errors/errors';
import { MAX_SESSION_LENGTH } from '../decisions/limits';
import { isRecord, parseAuthChallenge } from '../decisions/parse-auth-response';
import type { StageKind } from '../decisions/stage-kind';
import type { UIAFlow } from '../types';

const KINDS: readonly StageKind[] = ['dummy', 'password', 'email', 'msisdn', 'recaptcha', 'terms', 'registrationToken', 'oauth', 'fallback'];

type Rec = Record<string, unknown>;


function fail(what: string): never {
  throw new InvalidOptionsError(`snapshot: ${what}`);
}

function record(v: unknown, what: string): Rec {
  return isRecord(v) ? v : fail(`${what} is not an object`);
}

/** A count or a duration: a finite number ≥ 0 (a string, NaN, -1 are refused). */
function count(v: unknown, what: string, fallback?: number): number {
  if (v === undefined && fallback !== undefined) return fallback;
  return typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : fail(`${what} is not a finite number ≥ 0`);
}

function optionalString(v: unknown, what: string): string | undefined {
  if (v === undefined || v === null) return undefined;
  return typeof v === 'string' && v.length <= MAX_SESSION_LENGTH && !/\p{Cs}/u.test(v) ? v : fail(`${what} is not a string`);
}

function flowOrNull(v: unknown, flows: UIAFlow[], what: string): UIAFlow | null {
  if (v === null || v === undefined) return null;
  const stages = isRecord(v) && Array.isArray(v.stages) ? v.stages : fail(`${what} is not a flow`);
  const offered = flows.find((f) => f.stages.length === stages.length && f.stages.every((s, i) => s === stages[i]));
  return offered ?? fail(`${what} is not one of the offered flows`);
}

/** Whether `value` names a state of the chart a snapshot can be at rest in. */
function isRestingState(value: unknown): boolean {
  return value !== 'routing' && isLeafPath(value, uiaMachine.root.states);
}

/** Whether `value` is a path of single-key objects down to a leaf state among `states`. */
function isLeafPath(value: unknown, states: Record<string, AnyStateNode>): boolean {
  if (typeof value === 'string') return Object.hasOwn(states, value) && Object.keys(states[value]!.states).length === 0;
  if (!isRecord(value)) return false;
  const keys = Object.keys(value);
  return keys.length === 1 && Object.hasOwn(states, keys[0]!) && isLeafPath(value[keys[0]!], states[keys[0]!]!.states);
}

/** The chart's settings from a snapshot: shapes checked, numbers clamped as the input's are. */
function settingsOf(v: unknown): UiaContext['settings'] {
  const s = record(v, 'context.settings');
  // `null`: no email or SMS stage has opened yet, so none was made (it is made when one opens).
  const clientSecret =
    s.clientSecret === null ? null : typeof s.clientSecret === 'string' && isValidClientSecret(s.clientSecret) ? s.clientSecret : fail('context.settings.clientSecret is invalid');
  // The input's own clamps (intervalMs ≥ 50, backoffFactor ≥ 1, ...): a bad number is reset to
  // its default, as a bad input's is.
  const timing = createInitialContext({ polling: record(s.polling ?? {}, 'settings.polling'), rateLimit: record(s.rateLimit ?? {}, 'settings.rateLimit') }).settings;
  const supported = s.supportedStages;
  if (supported !== undefined && supported !== null && !(Array.isArray(supported) && supported.every((t) => typeof t === 'string'))) {
    fail('context.settings.supportedStages is not a list of strings');
  }
  return {
    inputs: record(s.inputs ?? {}, 'context.settings.inputs') as UiaContext['settings']['inputs'],
    supportedStages: supported ? [...(supported as string[])] : undefined,
    userId: optionalString(s.userId, 'context.settings.userId'),
    homeserverUrl: optionalString(s.homeserverUrl, 'context.settings.homeserverUrl'),
    polling: timing.polling,
    rateLimit: timing.rateLimit,
    // A config error ends the negotiation on START; restored, it is no longer an error object.
    configError: s.configError ? new InvalidOptionsError(String(record(s.configError, 'context.settings.configError').message ?? 'invalid options')) : null,
    // Only the seal's marker survives JSON: never a token.
    presetToken: null,
    authData: s.authData === null || s.authData === undefined ? null : (record(s.authData, 'context.settings.authData') as UiaContext['settings']['authData']),
    clientSecret,
    requestFingerprint: optionalString(s.requestFingerprint, 'context.settings.requestFingerprint'),
  };
}

/** The chart's context from a snapshot, rebuilt key by key. */
function contextOf(v: unknown): UiaContext {
  const c = record(v, 'context');
  const settings = settingsOf(c.settings);
  const session = optionalString(c.session, 'context.session');
  // The 401 data the chart keeps goes through the parser and limits a server's answer does.
  const parsed = parseAuthChallenge({ flows: c.flows ?? [], params: c.params ?? {}, completed: c.completed ?? [], ...(session ? { session } : {}) });
  if (parsed instanceof ProtocolError) throw parsed;
  const email = record(c.email ?? {}, 'context.email');
  const retry = record(c.retry ?? {}, 'context.retry');
  const poll = record(c.poll ?? {}, 'context.poll');
  const stageKind = c.stageKind ?? null;
  if (stageKind !== null && !KINDS.includes(stageKind as StageKind)) fail('context.stageKind is not a stage kind');
  const target = retry.target ?? null;
  if (target !== null && target !== 'requesting' && target !== 'submitting') fail('context.retry.target is not a request state');
  if (poll.auth !== null && poll.auth !== undefined) record(poll.auth, 'context.poll.auth');
  return {
    settings,
    session,
    flows: parsed.flows,
    params: parsed.params,
    completed: parsed.completed,
    chosenFlow: flowOrNull(c.chosenFlow, parsed.flows, 'context.chosenFlow'),
    preferredFlow: flowOrNull(c.preferredFlow, parsed.flows, 'context.preferredFlow'),
    stage: optionalString(c.stage, 'context.stage') ?? null,
    stageKind: stageKind as StageKind | null,
    stageError: (c.stageError ?? null) as UiaContext['stageError'],
    email: { sid: optionalString(email.sid, 'context.email.sid'), attempt: count(email.attempt, 'context.email.attempt', 0) },
    // A sealed dict does not survive JSON; the chart reports such a request as interrupted.
    pendingAuth: (c.pendingAuth ?? null) as UiaContext['pendingAuth'],
    retry: {
      target: target as UiaContext['retry']['target'],
      count: count(retry.count, 'context.retry.count', 0),
      afterMs: Math.min(count(retry.afterMs, 'context.retry.afterMs', 0), settings.rateLimit.maxWaitMs),
      finalSubmits: count(retry.finalSubmits, 'context.retry.finalSubmits', 0),
      unattended: count(retry.unattended, 'context.retry.unattended', 0),
    },
    poll: {
      auth: (poll.auth ?? null) as UiaContext['poll']['auth'],
      // A one-off background dict is sealed: only its marker survived, so it is dropped.
      override: null,
      count: count(poll.count, 'context.poll.count', 0),
      penaltyMs: Math.min(count(poll.penaltyMs, 'context.poll.penaltyMs', 0), settings.rateLimit.maxWaitMs),
      waitedMs: poll.waitedMs === null || poll.waitedMs === undefined ? null : count(poll.waitedMs, 'context.poll.waitedMs'),
      stopped: poll.stopped === true,
    },
    result: (c.result ?? null) as UiaContext['result'],
    error: (c.error ?? null) as UiaContext['error'],
  };
}

/**
 * The check of {@link checkUiaSnapshot} without the restore procedure: the validated, rebuilt
 * copy, for a host that restores it with `createActor` itself (the React hook, which restores only
 * snapshots taken at rest, with no request to redo, so that the procedure is not in its bundle).
 *
 * @throws as {@link checkUiaSnapshot}.
 */
export function checkSnapshotData(saved: unknown): Snapshot<unknown> {
  const s = record(saved, 'the snapshot');
  if (s.status !== 'active' && s.status !== 'done') fail(`status is ${JSON.stringify(s.status) ?? 'missing'}, not active or done`);
  // Saved before `polling.checking` had sub-states (0.1.0 before the submission-waits-for-poll
  // fix): that check was the background one, so the page reloaded mid-check still resumes.
  const value = isRecord(s.value) && s.value.polling === 'checking' && Object.keys(s.value).length === 1 ? { polling: { checking: 'background' } } : s.value;
  if (!isRestingState(value)) fail(`${JSON.stringify(value) ?? 'no state'} is not a state of the UIA chart`);
  const context = contextOf(s.context);
  const children: Rec = {};
  for (const [id, child] of Object.entries(record(s.children ?? {}, 'children'))) {
    const ch = record(child, `children.${id}`);
    const ok = id === 'request' ? ch.src === 'request' : id === 'stage' && ch.src === context.stageKind;
    if (!ok) fail(`children.${id} is not the chart's ${id === 'stage' ? `${String(context.stageKind)} stage` : 'request'}`);
    const snapshot = record(ch.snapshot, `children.${id}.snapshot`);
    if (snapshot.status !== 'active' && snapshot.status !== 'done') fail(`children.${id} has status ${JSON.stringify(snapshot.status) ?? 'missing'}`);
    // Rebuilt, not copied: no history states in any of the machines, and no error to restore. A
    // stage whose own context was tampered with fails when it runs, which the chart ends typed.
    children[id] = { src: ch.src, systemId: typeof ch.systemId === 'string' ? ch.systemId : undefined, syncSnapshot: ch.syncSnapshot === true, snapshot: { ...snapshot, historyValue: {}, error: undefined } };
  }
  if (context.stageKind !== null && !children.stage) fail('the open stage has no stage machine snapshot');
  const output = s.status === 'done' ? record(s.output, 'output') : undefined;
  if (output && output.status !== 'done' && output.status !== 'failed' && output.status !== 'cancelled') fail('output has no known status');
  // Only the fields of a persisted snapshot, rebuilt: nothing else of the stored object is kept.
  return { status: s.status, value, context, children, output, error: undefined, historyValue: {} } as unknown as Snapshot<unknown>;
}

/**
 * Checks a persisted snapshot of the UIA chart (`actor.getPersistedSnapshot()`, usually after a
 * JSON round trip) and returns a copy that `createUiaActor({ snapshot })` restores.
 *
 * @throws InvalidOptionsError when it is not a snapshot of an active or finished negotiation of
 *   this chart (wrong status, unknown state, a missing or mistyped field, a child that is not a
 *   stage machine); ProtocolError when its 401 data would be refused from a server.
 */
export function checkUiaSnapshot(saved: unknown): CheckedUiaSnapshot {
  const out = checkSnapshotData(saved);
  // Not enumerable: a checked snapshot serialises as the snapshot it is.
  Object.defineProperty(out, CHECKED_SNAPSHOT, { value: restoreProcedure });
  return out as CheckedUiaSnapshot;
}

/**
 * What `createUiaActor` does with a checked snapshot. XState starts a restored state's request
 * again, as the actor starts, from the snapshot's copy of its input: that would send a credential
 * a second time. Calls made while the restored actor starts are refused (reported as interrupted,
 * as a dict lost to JSON is); the chart is then told (RESUME) which requests may be made afresh:
 * those without a credential.
 */
const restoreProcedure: RestoreProcedure = (actor, fns) => {
  let restoring = false;
  const start = actor.start.bind(actor);
  actor.start = () => {
    // Once: a second start() of a running actor must not nudge (and re-send) again.
    actor.start = start;
    restoring = true;
    try {
      start();
    } finally {
      restoring = false;
    }
    // The chart knows what a restored state must redo: a lost timer (`rateLimited`,
    // `polling.waiting`), a request without a credential (`requesting`, the final `{session}`
    // submission, `polling.checking`); every other state ignores RESUME.
    if (actor.getSnapshot().status === 'active') actor.send({ type: 'RESUME' });
    return actor;
  };
  if (typeof fns.request !== 'function') return fns;
  return { ...fns, request: (auth, opts) => (restoring ? Promise.reject(interruptedByRestore()) : fns.request(auth, opts)) };
};

export type { CheckedUiaSnapshot } from './checked-snapshot';
