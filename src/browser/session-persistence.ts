/**
 * Keeping a negotiation across page reloads.
 *
 * The common case: the user opens the validation email's link in the same tab, or reloads while
 * waiting for it. The chart's persisted snapshot is saved in `sessionStorage` (per tab, gone with
 * the tab) whenever the chart waits for the user, and restored with
 * `createUiaActor({..., snapshot})`; the restored chart carries the same session, client secret
 * and email sid, so the first check after the reload completes the stage.
 *
 * What is stored: the chart's context and the open stage's context. User credentials are never
 * in them (passwords, tokens, captcha answers and SMS codes only ever travel sealed, and
 * `Sealed` serialises as `[sealed]`). The 3PID `client_secret` is stored: it is the per-session
 * nonce the email validation is bound to, and without it the session cannot be resumed.
 *
 * Only snapshots taken while the chart waits for the user (`awaitingStage`, `polling.waiting`,
 * `polling.paused`, with the stage waiting for input) are saved: a snapshot taken with a request
 * in flight would re-run that request on restore, and its auth dict does not survive
 * serialisation (by design). The saved entry is removed when the negotiation ends.
 */
import { checkUiaSnapshot, type CheckedUiaSnapshot } from '../api/restore-snapshot';
import type { Snapshot } from 'xstate';
import { selectStageSnapshot, type UiaSnapshot } from '../api/selectors';
import { onActorEnd, type UiaActorLike } from './uia-actor-like';

/** Where and how long a negotiation is kept. */
export interface UiaPersistenceOptions {
  /** Storage key; use one per operation (e.g. `matrix-uia:register`). */
  key: string;
  /** Default `globalThis.sessionStorage`. */
  storage?: Storage;
  /** Older entries are ignored (and removed) on load, in ms. Default 1 hour. */
  maxAgeMs?: number;
}

/** An actor whose snapshot can be persisted. */
export interface PersistableUiaActor extends UiaActorLike {
  /** XState's persisted snapshot (sealed values serialise as markers). */
  getPersistedSnapshot(): Snapshot<unknown>;
}

interface StoredEntry {
  /** Format: 2 since the chart's context grouped its settings; entries of another format are dropped. */
  v: 2;
  savedAt: number;
  snapshot: Snapshot<unknown> & { value?: unknown };
}

const DEFAULT_MAX_AGE_MS = 60 * 60 * 1000;

function storageOf(options: UiaPersistenceOptions): Storage | null {
  try {
    // Reading `sessionStorage` throws in some privacy modes and sandboxed iframes.
    return options.storage ?? globalThis.sessionStorage ?? null;
  } catch {
    return null;
  }
}

/** True when the chart waits for the user in a state that resumes cleanly from a snapshot. */
export function isResumable(snapshot: UiaSnapshot): boolean {
  if (snapshot.status !== 'active') return false;
  if (!(snapshot.matches('awaitingStage') || snapshot.matches({ polling: 'waiting' }) || snapshot.matches({ polling: 'paused' }))) return false;
  const stage = selectStageSnapshot(snapshot);
  return Boolean(stage && stage.status === 'active' && stage.hasTag('input') && !stage.hasTag('busy'));
}

function isTopState(value: unknown): boolean {
  if (value === 'awaitingStage') return true;
  return typeof value === 'object' && value !== null && 'polling' in value;
}

/**
 * The saved snapshot for `options.key`, or `undefined` when there is none, it is too old, or it
 * is not a resumable UIA snapshot (such entries are removed).
 */
export function loadUiaSnapshot(options: UiaPersistenceOptions): CheckedUiaSnapshot | undefined {
  return readUiaSnapshot(options, checkUiaSnapshot);
}

/**
 * {@link loadUiaSnapshot} with the checker given: `check` validates the stored snapshot (and
 * throws for a tampered one, which is then removed). The React hook passes `checkSnapshotData`,
 * so that it does not bundle the restore procedure it never runs.
 */
export function readUiaSnapshot<S>(options: UiaPersistenceOptions, check: (saved: unknown) => S): S | undefined {
  const storage = storageOf(options);
  if (!storage) return undefined;
  let raw: string | null;
  try {
    raw = storage.getItem(options.key);
  } catch {
    return undefined;
  }
  if (raw === null) return undefined;
  try {
    const entry = JSON.parse(raw) as StoredEntry;
    const fresh = typeof entry?.savedAt === 'number' && Date.now() - entry.savedAt <= (options.maxAgeMs ?? DEFAULT_MAX_AGE_MS);
    const valid = entry?.v === 2 && entry.snapshot?.status === 'active' && isTopState(entry.snapshot.value);
    // Checked as any stored JSON must be (src/api/restore-snapshot.ts): a tampered entry is dropped.
    if (fresh && valid) return check(entry.snapshot);
  } catch {
    // Not ours, corrupt or tampered: drop it below.
  }
  clearUiaSnapshot(options);
  return undefined;
}

/** Removes the saved snapshot for `options.key`. */
export function clearUiaSnapshot(options: UiaPersistenceOptions): void {
  try {
    storageOf(options)?.removeItem(options.key);
  } catch {
    // Nothing stored can be left behind when storage is unavailable.
  }
}

/**
 * Saves the actor's snapshot under `options.key` each time it waits for the user, and removes it
 * when the negotiation ends (done, failed, cancelled). Returns the disposer; stopping the actor
 * without it ending (page unload, component unmount) keeps the entry, which is the point.
 */
export function persistUiaSession(actor: PersistableUiaActor, options: UiaPersistenceOptions): () => void {
  const storage = storageOf(options);
  let disposed = false;
  let lastSaved: string | null = null;
  const save = (snapshot: UiaSnapshot) => {
    if (disposed || !storage || !isResumable(snapshot)) return;
    const json = JSON.stringify(actor.getPersistedSnapshot());
    if (json === lastSaved) return;
    lastSaved = json;
    try {
      storage.setItem(options.key, `{"v":2,"savedAt":${Date.now()},"snapshot":${json}}`);
    } catch {
      // Quota or privacy mode: the negotiation still works, it just will not survive a reload.
    }
  };
  const sub = actor.subscribe({ next: save });
  save(actor.getSnapshot());
  let stopEndWatch: () => void = () => {};
  const dispose = () => {
    if (disposed) return;
    disposed = true;
    sub.unsubscribe();
    stopEndWatch();
  };
  stopEndWatch = onActorEnd(actor, () => {
    // Read the status now: a stop without an end (unmount, unload) must keep the entry.
    const status = actor.getSnapshot().status;
    if (status === 'done' || status === 'error') clearUiaSnapshot(options);
    dispose();
  });
  return dispose;
}
