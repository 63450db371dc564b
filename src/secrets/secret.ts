/**
 * A box for a credential that must not be serialised, logged or inspected.
 *
 * The chart holds the auth dict of a request in flight (it is needed again if a 429 makes the
 * request wait). Kept in a `Sealed`, it survives neither `JSON.stringify` (persisted snapshots,
 * inspector events), nor `console.log`/`util.inspect`, nor a structured copy: the value lives in
 * a private field that only `unseal` reads.
 */
const inspectSymbol = Symbol.for('nodejs.util.inspect.custom');

/** Opaque holder of a secret value. */
export class Sealed<T> {
  readonly #value: T;
  /** Seals `value`; only `unseal()` gives it back. */
  constructor(value: T) {
    this.#value = value;
  }
  /** The secret, for the one place that sends it. */
  unseal(): T {
    return this.#value;
  }
  /** Serialises as a marker, never as the value. */
  toJSON(): string {
    return '[sealed]';
  }
  /** Prints as a marker, never as the value. */
  toString(): string {
    return '[sealed]';
  }
  /** Node's `util.inspect` (and so `console.log`) prints a marker. */
  [inspectSymbol](): string {
    return '[sealed]';
  }
}

/** Reads a value that may be sealed. */
export function unseal<T>(v: Sealed<T> | T): T {
  return v instanceof Sealed ? v.unseal() : v;
}
