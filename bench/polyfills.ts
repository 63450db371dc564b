/**
 * What matrix-js-sdk 43 needs that Node 20 lacks: `Promise.withResolvers` (ES2024, Node 22). The
 * bench loads it before any matrix-js-sdk module runs; it changes nothing where the runtime has it.
 * bench/measure.ts also calls {@link installPolyfills}: the package says `sideEffects: false`, so
 * a bundler drops an import of this module that uses nothing from it.
 */
export function installPolyfills(): void {
  const P = Promise as unknown as { withResolvers?: () => unknown };
  if (typeof P.withResolvers === 'function') return;
  P.withResolvers = function withResolvers<T>() {
    let resolve!: (v: T | PromiseLike<T>) => void;
    let reject!: (e: unknown) => void;
    const promise = new Promise<T>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    return { promise, resolve, reject };
  };
}
installPolyfills();
