/**
 * The mark of a persisted snapshot that `checkUiaSnapshot` (src/restore-snapshot.ts) validated.
 *
 * `createUiaActor({ snapshot })` restores only a checked snapshot and refuses a raw one, so the
 * validator is bundled only by apps that restore, and no app can restore untrusted JSON by
 * forgetting a step. This file is only the mark, so that checking it costs the core nothing.
 */
import type { Snapshot } from 'xstate';

/** The brand: a registered symbol (not serialised), so copies of the library recognise each other's checks. */
export const CHECKED_SNAPSHOT: unique symbol = Symbol.for('matrix-uia.checkedSnapshot') as never;

/** A persisted UIA snapshot that `checkUiaSnapshot` validated. */
export type CheckedUiaSnapshot = Snapshot<unknown> & {
  /** Brand: `true` on snapshots returned by `checkUiaSnapshot`. */
  readonly [CHECKED_SNAPSHOT]: true;
};

/** Whether `snapshot` was returned by `checkUiaSnapshot`. */
export function isCheckedSnapshot(snapshot: unknown): snapshot is CheckedUiaSnapshot {
  return typeof snapshot === 'object' && snapshot !== null && (snapshot as Partial<CheckedUiaSnapshot>)[CHECKED_SNAPSHOT] === true;
}
