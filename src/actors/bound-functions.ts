/**
 * The app's functions of each negotiation, found by the actors that need them at run time.
 *
 * `createUiaActor` runs one shared chart per stage set (building a machine costs more than
 * running a negotiation), so the app's functions cannot be baked into the machine. They are
 * bound to the negotiation's actor system instead: every actor of one negotiation (the chart, its
 * stage, their requests) shares that system, and each side-effect actor looks its function up
 * when it runs. The stage machines' own default actors do the same, so a stage set passes to the
 * shared chart as it is, and a stage's code (e.g. the SMS one) is bundled only with its stage.
 */
import type { ActorSystem } from 'xstate';
import type { FromSystem } from './function-source';
import type {
  CheckRegistrationTokenFn,
  RequestEmailTokenFn,
  RequestMsisdnTokenFn,
  SubmitMsisdnTokenFn,
  UiaRequestFn,
} from '../types';

/** The app's side of a negotiation. */
export interface UiaFunctions<T> {
  /** Makes the request being authorised with `auth` in its body. See {@link UiaRequestFn}. */
  request: UiaRequestFn<T>;
  /** Requests the validation email (needed for `m.login.email.identity`). */
  requestEmailToken?: RequestEmailTokenFn;
  /** Requests the SMS (needed for `m.login.msisdn`). */
  requestMsisdnToken?: RequestMsisdnTokenFn;
  /** Submits the SMS code; default: POST to the server's `submit_url`. */
  submitMsisdnToken?: SubmitMsisdnTokenFn;
  /** Checks a registration token before submitting it; default: no check. */
  checkRegistrationToken?: CheckRegistrationTokenFn;
}

/** The functions bound to each actor system. Weak: a finished negotiation's functions go with it. */
const functionsBySystem = new WeakMap<ActorSystem<any>, UiaFunctions<unknown>>();

/**
 * Gives an actor of the shared chart its negotiation's functions (request, token functions),
 * before it starts. Every actor of one negotiation shares the actor system, so binding the root
 * actor binds its stages and requests too.
 */
export function bindUiaFunctions<T>(actor: { system: ActorSystem<any> }, fns: UiaFunctions<T>): void {
  functionsBySystem.set(actor.system, fns as UiaFunctions<unknown>);
}

/** Where an actor finds the app's function `key` when it runs: the one bound to its actor system. */
export function boundFunction<K extends keyof UiaFunctions<unknown>>(key: K): FromSystem<NonNullable<UiaFunctions<unknown>[K]>> {
  return { fromSystem: (system) => functionsBySystem.get(system)?.[key] as NonNullable<UiaFunctions<unknown>[K]> | undefined };
}
