/**
 * `sessionPersistence`: a negotiation kept across reloads, as one value an app hands to
 * `useInteractiveAuth({ persist })`.
 *
 * A value and not a key: the code that reads, checks and saves snapshots (the snapshot checker
 * alone is about 1.3 KB gzipped) is bundled only by apps that call this function, not by every
 * dialog that uses the hook.
 */
import type { Snapshot } from 'xstate';
import { checkSnapshotData } from '../api/restore-snapshot';
import { persistUiaSession, readUiaSnapshot, type PersistableUiaActor, type UiaPersistenceOptions } from './session-persistence';

/** Where and how a negotiation is kept across reloads; made by {@link sessionPersistence}. */
export interface UiaSessionPersistence {
  /** The storage key and options. */
  readonly options: UiaPersistenceOptions;
  /**
   * The saved negotiation, checked as stored JSON must be: `undefined` when there is none, or
   * when it is stale, foreign or tampered (then it is removed).
   */
  load(): Snapshot<unknown> | undefined;
  /** Saves the actor's snapshots taken at rest from now on; returns the disposer. */
  attach(actor: PersistableUiaActor): () => void;
}

/**
 * Keeps a negotiation in `sessionStorage` (or `options.storage`) under `key`, for
 * `useInteractiveAuth({ persist: sessionPersistence('change-password') })`.
 * @param persist - the storage key, or the full options (`key`, `storage`, `maxAgeMs`)
 */
export function sessionPersistence(persist: string | UiaPersistenceOptions): UiaSessionPersistence {
  const options = typeof persist === 'string' ? { key: persist } : persist;
  return {
    options,
    // Snapshots saved at rest only (persistUiaSession), so the data check is enough: there is no
    // request in flight to redo and no restore procedure to run.
    load: () => readUiaSnapshot(options, checkSnapshotData),
    attach: (actor) => persistUiaSession(actor, options),
  };
}
