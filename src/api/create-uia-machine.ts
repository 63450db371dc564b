/**
 * Binds the chart to an app: its request function, optional token functions and stage machines
 * become the chart's actors, and the options become the chart's input.
 *
 * Two ways in. `createUiaMachine(fns, stages)` bakes the functions into a machine of your own
 * (for `createActor`, tests, tools). `createUiaActor(options)` runs one chart shared by every
 * negotiation with the same stage set and binds each negotiation's functions to its actor system
 * (src/actors/bound-functions.ts), which is cheaper per negotiation and bundles only the stages given.
 */
import { createActor, type Actor, type InspectionEvent, type Observer } from 'xstate';
import type { StageMachineSet, StageMachines } from '../../machines/stages';
import { uiaMachine } from '../../machines/uia.machine';
import type { UiaMachineInput } from '../../machines/uia.types';
import { createEmailTokenActor } from '../actors/email-token.actor';
import { createMsisdnSubmitActor, createMsisdnTokenActor } from '../actors/msisdn.actor';
import { createRequestActor } from '../actors/request.actor';
import { createTokenCheckActor } from '../actors/token-check.actor';
import { bindUiaFunctions } from '../actors/bound-functions';
import { InvalidOptionsError } from '../errors/errors';
import { VERBOSE } from '../errors/verbose';
import type { UiaFunctions, UiaOptions } from './options';
import { CHECKED_SNAPSHOT, type CheckedUiaSnapshot } from './checked-snapshot';
import { isSanitizedInspector, type SanitizedInspector } from '../secrets/sanitized-inspector';
import { Sealed } from '../secrets/secret';
import type { StageKind } from '../decisions/stage-kind';

export { bindUiaFunctions } from '../actors/bound-functions';

/** Throws unless `stages` is a record of stage machines (JavaScript callers get no type check). */
function checkStages(stages: unknown): asserts stages is StageMachineSet {
  if (typeof stages !== 'object' || stages === null) {
    throw new InvalidOptionsError(VERBOSE ? 'stages is required (stageMachines, or those your app shows)' : 'no stages');
  }
}

/**
 * The chart running `stages` (and `actors` over them): a stage kind missing from `stages` is done
 * on the fallback page when `stages.fallback` is given, and fails the negotiation otherwise.
 */
function withStages(stages: StageMachineSet, actors: Partial<StageMachines> & { request?: ReturnType<typeof createRequestActor<unknown>> }) {
  const kinds = new Set<string>(Object.keys(stages));
  return uiaMachine.provide({
    actors: { ...stages, ...actors },
    guards: { hasStageMachine: (_, params: { kind: StageKind }) => kinds.has(params.kind) },
  });
}

/**
 * The chart with the app's functions and stage machines provided. A missing function behaves as
 * the stage machines' own defaults do (an error for the email and SMS token requests, "unknown"
 * for the registration token check, the server's `submit_url` for the SMS code).
 *
 * @param fns - the request function and the token functions.
 * @param stages - the stage machines to run natively, keyed by kind: {@link stageMachines} for
 *   all, or only those your app shows (the rest are done on the homeserver's fallback page).
 */
export function createUiaMachine<T>(fns: UiaFunctions<T>, stages: StageMachineSet) {
  checkStages(stages);
  const f = fns as UiaFunctions<unknown>;
  const { email, msisdn, registrationToken } = stages;
  return withStages(stages, {
    request: createRequestActor<unknown>(f.request),
    ...(email && { email: email.provide({ actors: { requestEmailToken: createEmailTokenActor(f.requestEmailToken) } }) }),
    ...(msisdn && {
      msisdn: msisdn.provide({
        actors: {
          requestMsisdnToken: createMsisdnTokenActor(f.requestMsisdnToken),
          submitMsisdnToken: createMsisdnSubmitActor(f.submitMsisdnToken),
        },
      }),
    }),
    ...(registrationToken && {
      registrationToken: registrationToken.provide({ actors: { checkRegistrationToken: createTokenCheckActor(f.checkRegistrationToken) } }),
    }),
  });
}

/** The machine type `createUiaMachine` and {@link sharedUiaMachine} return. */
export type ProvidedUiaMachine = ReturnType<typeof createUiaMachine>;

/** Shared charts by stage set: apps pass one constant set, so this holds one chart or a few. */
const sharedMachines = new WeakMap<StageMachineSet, ProvidedUiaMachine>();

/**
 * The chart `createUiaActor` runs for a stage set: its actors call the functions bound to their
 * actor system with {@link bindUiaFunctions}. Building a machine (`provide`) builds its whole
 * state tree, which costs more CPU and memory than running a negotiation, so it is built once per
 * stage set, on first use, and shared by every negotiation with that set. For hosts that create
 * the actor themselves (`useActorRef`).
 *
 * @param stages - the stage machines to run natively (see {@link createUiaMachine}); pass the same
 *   object every time (a module constant) so the chart is shared.
 */
export function sharedUiaMachine(stages: StageMachineSet): ProvidedUiaMachine {
  checkStages(stages);
  let machine = sharedMachines.get(stages);
  if (!machine) {
    // The chart's and the stages' own actors already look the functions up in the actor system.
    machine = withStages(stages, {});
    sharedMachines.set(stages, machine);
  }
  return machine;
}

/** An actor of the UIA chart. */
export type UiaActor = Actor<ProvidedUiaMachine>;

/** Splits options into the chart's serialisable input (functions and stages stay out of snapshots). */
export function toMachineInput<T>(options: UiaOptions<T> & { stages?: unknown }): UiaMachineInput {
  const { request, requestEmailToken, requestMsisdnToken, submitMsisdnToken, checkRegistrationToken, stages, ...input } = options;
  void stages;
  void request;
  void requestEmailToken;
  void requestMsisdnToken;
  void submitMsisdnToken;
  void checkRegistrationToken;
  // Sealed on the way in: the actor keeps its input (`options.input`) for its whole life, and
  // anything that walks the actor (a live snapshot's children lead to it) would find it in clear.
  const token = input.inputs?.registrationToken;
  return typeof token === 'string' ? { ...input, inputs: { ...input.inputs, registrationToken: new Sealed(token) as never } } : input;
}

/** Options of {@link createUiaActor} beyond the negotiation's own. */
export interface CreateUiaActorExtras {
  /**
   * The stage machines to run natively, keyed by stage kind: {@link stageMachines} for every
   * stage type, or only those your app shows, e.g. `{ password: passwordStageMachine }`, so the
   * others stay out of its bundle. A stage whose kind is missing is done on the homeserver's
   * fallback page when `fallback` is in the set (give `homeserverUrl`), and otherwise fails the
   * negotiation with an `InvalidOptionsError` naming the machine to add. Pass a module constant:
   * charts are shared per stage set. A snapshot must be restored with the set it was taken with.
   */
  stages: StageMachineSet;
  /**
   * An XState inspection observer wrapped by {@link sanitizedInspector}, e.g.
   * `sanitizedInspector(createBrowserInspector().inspect)`: credentials never reach it. A raw
   * observer is refused (`InvalidOptionsError`) unless `sanitize` is `false`.
   */
  inspect?: SanitizedInspector | Observer<InspectionEvent> | ((event: InspectionEvent) => void);
  /** Set `false` to hand a raw observer raw events (tests of your own only). Default `true`. */
  sanitize?: boolean;
  /**
   * A persisted snapshot to resume from, checked: `checkUiaSnapshot(JSON.parse(saved))`, or what
   * `loadUiaSnapshot` (matrix-uia/browser) returns. A raw one is refused (`InvalidOptionsError`):
   * stored JSON is untrusted, and the validator is then bundled only by apps that restore.
   */
  snapshot?: CheckedUiaSnapshot;
}

/**
 * Creates (does not start) an actor for one negotiation. Start it, then send `START`.
 */
export function createUiaActor<T>(options: UiaOptions<T> & CreateUiaActorExtras): UiaActor {
  const { inspect, sanitize = true, snapshot, stages, ...rest } = options;
  let observer: ((event: InspectionEvent) => void) | undefined;
  if (inspect) {
    // Refused rather than sanitized here: the sanitizer is then bundled only by apps that inspect.
    if (sanitize && !isSanitizedInspector(inspect)) {
      throw new InvalidOptionsError(VERBOSE ? 'inspect must be wrapped: sanitizedInspector(observer)' : 'inspect not sanitized');
    }
    observer = typeof inspect === 'function' ? inspect : (e: InspectionEvent) => inspect.next?.(e);
  }
  // A checked snapshot carries its own restore procedure (src/api/restore-snapshot.ts), so the core
  // does not bundle it: a raw one is refused.
  const restore = snapshot?.[CHECKED_SNAPSHOT];
  if (snapshot && typeof restore !== 'function') throw new InvalidOptionsError(VERBOSE ? 'snapshot must be checked: checkUiaSnapshot(saved)' : 'snapshot not checked');
  // Only the options given: XState spreads them into its defaults and keeps the result for the
  // actor's life, and with the two absent keys as `undefined` that object got a hidden class of
  // its own per actor (about 0.2 KB per negotiation in a heap snapshot).
  const actor = createActor(sharedUiaMachine(stages), {
    input: toMachineInput(rest),
    ...(observer && { inspect: observer }),
    ...(snapshot && { snapshot: snapshot as never }),
  });
  const fns = rest as UiaFunctions<T>;
  bindUiaFunctions(actor, restore ? (restore(actor, fns) as UiaFunctions<T>) : fns);
  return actor;
}
