/**
 * Binds the chart to an app: its request function and optional token functions become the
 * chart's actors, and the options become the chart's input.
 */
import { createActor, type Actor, type ActorSystem, type InspectionEvent, type Observer, type Snapshot } from 'xstate';
import { emailStageMachine } from '../machines/stages/email.machine';
import { msisdnStageMachine } from '../machines/stages/msisdn.machine';
import { registrationTokenStageMachine } from '../machines/stages/registration-token.machine';
import { uiaMachine } from '../machines/uia.machine';
import type { UiaMachineInput } from '../machines/uia.types';
import {
  createEmailTokenActor,
  createMsisdnSubmitActor,
  createMsisdnTokenActor,
  createRequestActor,
  createTokenCheckActor,
  type FromSystem,
  type FunctionSource,
} from './actors';
import type { UiaFunctions, UiaOptions } from './options';
import { sanitizeInspectionEvent } from './sanitize';

/** Where each of the app's functions is found: the function itself, or a lookup when the actor runs. */
type FunctionSources = { [K in keyof Required<UiaFunctions<unknown>>]: FunctionSource<NonNullable<UiaFunctions<unknown>[K]>> | undefined };

/**
 * The chart with its side-effect actors built from `sources`. A missing function behaves as the
 * stage machines' own placeholders do (an error for the email and SMS token requests, "unknown"
 * for the registration token check, the server's `submit_url` for the SMS code).
 */
function provideFunctions(sources: FunctionSources) {
  return uiaMachine.provide({
    actors: {
      request: createRequestActor<unknown>(sources.request!),
      email: emailStageMachine.provide({ actors: { requestEmailToken: createEmailTokenActor(sources.requestEmailToken) } }),
      msisdn: msisdnStageMachine.provide({
        actors: {
          requestMsisdnToken: createMsisdnTokenActor(sources.requestMsisdnToken),
          submitMsisdnToken: createMsisdnSubmitActor(sources.submitMsisdnToken),
        },
      }),
      registrationToken: registrationTokenStageMachine.provide({
        actors: { checkRegistrationToken: createTokenCheckActor(sources.checkRegistrationToken) },
      }),
    },
  });
}

/** The chart with the app's functions provided. */
export function createUiaMachine<T>(fns: UiaFunctions<T>) {
  const f = fns as UiaFunctions<unknown>;
  return provideFunctions({
    request: f.request,
    requestEmailToken: f.requestEmailToken,
    requestMsisdnToken: f.requestMsisdnToken,
    submitMsisdnToken: f.submitMsisdnToken,
    checkRegistrationToken: f.checkRegistrationToken,
  });
}

/** The machine type `createUiaMachine` returns. */
export type ProvidedUiaMachine = ReturnType<typeof createUiaMachine>;

/**
 * The app's functions of each negotiation made by `createUiaActor`, by its actor system: every
 * actor of one negotiation (the chart, its stage, their requests) shares one system.
 */
const functionsBySystem = new WeakMap<ActorSystem<any>, UiaFunctions<unknown>>();

/** Where a bound actor finds function `key` when it runs. */
function bound<K extends keyof UiaFunctions<unknown>>(key: K): FromSystem<NonNullable<UiaFunctions<unknown>[K]>> {
  return { fromSystem: (system) => functionsBySystem.get(system)?.[key] as NonNullable<UiaFunctions<unknown>[K]> | undefined };
}

let sharedMachine: ProvidedUiaMachine | undefined;

/**
 * The chart `createUiaActor` runs: its actors call the functions bound to their actor system
 * with {@link bindUiaFunctions}. Building a machine (`provide`) builds its whole state tree, which
 * costs more CPU and memory than running a negotiation, so it is built once, on first use, and
 * shared by every negotiation. For hosts that create the actor themselves (`useActorRef`).
 */
export function sharedUiaMachine(): ProvidedUiaMachine {
  sharedMachine ??= provideFunctions({
    request: bound('request'),
    requestEmailToken: bound('requestEmailToken'),
    requestMsisdnToken: bound('requestMsisdnToken'),
    submitMsisdnToken: bound('submitMsisdnToken'),
    checkRegistrationToken: bound('checkRegistrationToken'),
  });
  return sharedMachine;
}

/**
 * Gives an actor of {@link sharedUiaMachine} its negotiation's functions (request, token
 * functions), before it starts. Every actor of one negotiation shares the actor system, so
 * binding the root actor binds its stages and requests too.
 */
export function bindUiaFunctions<T>(actor: { system: ActorSystem<any> }, fns: UiaFunctions<T>): void {
  functionsBySystem.set(actor.system, fns as UiaFunctions<unknown>);
}

/** An actor of the UIA chart. */
export type UiaActor = Actor<ProvidedUiaMachine>;

/** Splits options into the chart's serialisable input (functions stay out of snapshots). */
export function toMachineInput<T>(options: UiaOptions<T>): UiaMachineInput {
  const { request, requestEmailToken, requestMsisdnToken, submitMsisdnToken, checkRegistrationToken, ...input } = options;
  void request;
  void requestEmailToken;
  void requestMsisdnToken;
  void submitMsisdnToken;
  void checkRegistrationToken;
  return input;
}

/** Options of {@link createUiaActor} beyond the negotiation's own. */
export interface CreateUiaActorExtras {
  /**
   * An XState inspection observer (e.g. the inspector's `inspect`). Events are passed through
   * {@link sanitizeInspectionEvent} first, so credentials never reach it.
   */
  inspect?: Observer<InspectionEvent> | ((event: InspectionEvent) => void);
  /** Set `false` to hand the observer raw events (tests of your own only). Default `true`. */
  sanitize?: boolean;
  /** A persisted snapshot (`actor.getPersistedSnapshot()`) to resume from. */
  snapshot?: Snapshot<unknown>;
}

/**
 * Creates (does not start) an actor for one negotiation. Start it, then send `START`.
 */
export function createUiaActor<T>(options: UiaOptions<T> & CreateUiaActorExtras): UiaActor {
  const { inspect, sanitize = true, snapshot, ...rest } = options;
  let observer: ((event: InspectionEvent) => void) | undefined;
  if (inspect) {
    const next = typeof inspect === 'function' ? inspect : (e: InspectionEvent) => inspect.next?.(e);
    observer = sanitize ? (e) => next(sanitizeInspectionEvent(e)) : next;
  }
  const actor = createActor(sharedUiaMachine(), {
    input: toMachineInput(rest),
    ...(observer ? { inspect: observer } : {}),
    ...(snapshot ? { snapshot: snapshot as never } : {}),
  });
  bindUiaFunctions(actor, rest as UiaFunctions<T>);
  if (snapshot) {
    // XState does not persist delayed events, so a chart restored while waiting for its next poll
    // would never poll again (the email link opened in the same tab): check at once on start.
    const start = actor.start.bind(actor);
    actor.start = () => {
      start();
      const restored = actor.getSnapshot();
      if (restored.matches({ polling: 'waiting' })) actor.send({ type: 'POLL' });
      else if (restored.matches('rateLimited')) actor.send({ type: 'RESUME' });
      return actor;
    };
  }
  return actor;
}
