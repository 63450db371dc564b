/**
 * The mark of an inspection observer that sees only sanitized events.
 *
 * `createUiaActor({ inspect })` takes an observer wrapped by `sanitizedInspector` (src/secrets/sanitize.ts)
 * and refuses a raw one, so the sanitizer is bundled only by apps that inspect, and no app can
 * hand credentials to an inspector by forgetting an option. This file is only the mark, so that
 * checking it costs the core nothing.
 */
import type { InspectionEvent } from 'xstate';

/** The brand: a registered symbol, so copies of the library recognise each other's observers. */
export const SANITIZED: unique symbol = Symbol.for('matrix-uia.sanitizedInspector') as never;

/** An inspection observer that redacts credentials before they reach the observer it wraps. */
export type SanitizedInspector = ((event: InspectionEvent) => void) & {
  /** Brand: `true` on observers made by `sanitizedInspector`. */
  readonly [SANITIZED]: true;
};

/** Whether `inspect` was made by `sanitizedInspector`. */
export function isSanitizedInspector(inspect: unknown): inspect is SanitizedInspector {
  return typeof inspect === 'function' && (inspect as Partial<SanitizedInspector>)[SANITIZED] === true;
}
