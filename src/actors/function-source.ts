/**
 * Where a side-effect actor finds the app's function: given directly (a machine built for one app,
 * `createUiaMachine`) or looked up in the negotiation's actor system when the actor runs (the
 * shared chart of `createUiaActor`, see bound-functions.ts). Shared by every actor factory in this
 * folder; it imports no chart.
 */
import type { ActorSystem } from 'xstate';

/**
 * A function looked up when the actor runs, in the negotiation's actor system. `createUiaActor`
 * uses it so that one machine, built once, serves every negotiation with its own functions.
 */
export interface FromSystem<F> {
  fromSystem: (system: ActorSystem<any>) => F | undefined;
}

/** The function itself, or where to find it when the actor runs. */
export type FunctionSource<F> = F | FromSystem<F>;

/** The app function of `source` for the actor system `system`: the function itself, or the one bound there. */
export function resolveFn<F>(source: FunctionSource<F> | undefined, system: ActorSystem<any>): F | undefined {
  // Every app function is a function; a source that is not one says where to find it.
  return typeof source === 'function' || source === undefined ? (source as F | undefined) : (source as FromSystem<F>).fromSystem(system);
}

/** The error of a request a restore interrupted: reported to the stage, which asks the user again. */
export function interruptedByRestore(): Error {
  return new Error('matrix-uia: interrupted by a restore');
}
