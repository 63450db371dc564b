/**
 * The brand that tells a matrix-uia error apart from any other value, in every copy of the
 * package loaded at once: an app that `import`s matrix-uia while a dependency `require`s it
 * runs the ESM and the CommonJS build side by side, each with its own classes, so a plain
 * `instanceof` would miss the other copy's errors. `Symbol.for` gives both copies one key.
 *
 * In its own module so that `isUiaError` alone costs an app a few bytes, not the error classes.
 */
import type { UiaError } from './errors';

/** The brand every matrix-uia error carries (non-enumerable, `true`): one symbol in every copy of the package. */
export const UIA_ERROR: unique symbol = Symbol.for('matrix-uia.error') as never;

/** Type guard for any matrix-uia error, from this copy of the package or another one. */
export function isUiaError(e: unknown): e is UiaError {
  return (e as { [UIA_ERROR]?: unknown } | null | undefined)?.[UIA_ERROR] === true;
}
