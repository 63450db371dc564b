/**
 * Empty values shared by every negotiation, frozen.
 *
 * A negotiation waiting at a stage holds its context for as long as the user takes, and a
 * long-lived client may hold many: an empty `{}` or `[]` made per negotiation is about 30 to 60
 * bytes each, and a null-prototype `{}` is a dictionary in V8 (about 190 bytes). Nothing in the
 * library mutates context values (every change is a new object), so the empty ones can be one
 * object each; frozen, so a caller that tries to change one gets an error instead of changing
 * every negotiation's.
 */

/** An empty record without prototype: the params of a challenge without any, or of a stage. */
export const EMPTY_RECORD: Readonly<Record<string, never>> = Object.freeze(Object.create(null) as Record<string, never>);

/**
 * An empty list: `flows` and `completed` before the first answer, `completed` before any stage is.
 * Typed as the context's own (mutable) lists are; frozen all the same.
 */
export const EMPTY_LIST: never[] = Object.freeze([]) as never[];
