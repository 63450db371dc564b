/**
 * The mark of a persisted snapshot that `checkUiaSnapshot` (src/api/restore-snapshot.ts) validated.
 *
 * `createUiaActor({ snapshot })` restores only a checked snapshot and refuses a raw one, so the
 * validator (and the restore procedure the mark carries) is bundled only by apps that restore,
 * and no app can restore untrusted JSON by forgetting a step. This file is only the mark, so
 * that checking it costs the core nothing.
 */
import type { AnyActorRef, Snapshot } from 'xstate';
import type { UiaFunctions } from './options';

/** The brand: a registered symbol (not serialised), so copies of the library recognise each other's checks. */
export const CHECKED_SNAPSHOT: unique symbol = Symbol.for('matrix-uia.checkedSnapshot') as never;

/**
 * How a checked snapshot is restored into a new actor: given the actor (not started) and the
 * app's functions, it prepares the actor's first start and returns the functions to bind.
 */
export type RestoreProcedure = (actor: AnyActorRef, fns: UiaFunctions<unknown>) => UiaFunctions<unknown>;

/** A persisted UIA snapshot that `checkUiaSnapshot` validated. */
export type CheckedUiaSnapshot = Snapshot<unknown> & {
  /** Brand, and the restore procedure `createUiaActor` runs (src/api/restore-snapshot.ts). */
  readonly [CHECKED_SNAPSHOT]: RestoreProcedure;
};
