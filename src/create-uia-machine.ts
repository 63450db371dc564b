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
} from './actors';
import type { UiaFunctions, UiaOptions } from './options';
import { sanitizeInspectionEvent } from './sanitize';

/** The chart with the app's functions provided. */
export function createUiaMachine<T>(fns: UiaFunctions<T>) {
  return uiaMachine.provide({
    actors: {
      request: createRequestActor<unknown>(fns.request as UiaFunctions<unknown>['request']),
      ...(fns.requestEmailToken
        ? { email: emailStageMachine.provide({ actors: { requestEmailToken: createEmailTokenActor(fns.requestEmailToken) } }) }
        : {}),
      msisdn: msisdnStageMachine.provide({
        actors: {
          ...(fns.requestMsisdnToken ? { requestMsisdnToken: createMsisdnTokenActor(fns.requestMsisdnToken) } : {}),
          submitMsisdnToken: createMsisdnSubmitActor(fns.submitMsisdnToken),
        },
      }),
      ...(fns.checkRegistrationToken
        ? { registrationToken: registrationTokenStageMachine.provide({ actors: { checkRegistrationToken: createTokenCheckActor(fns.checkRegistrationToken) } }) }
        : {}),
    },
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
 * The chart whose actors call the functions bound to their actor system. Building a machine
 * (`provide`) builds its whole state tree, which costs more CPU and memory than running a
 * negotiation, so it is built once, on first use, for every actor `createUiaActor` makes.
 */
function boundMachine(): ProvidedUiaMachine {
  sharedMachine ??= uiaMachine.provide({
    actors: {
      request: createRequestActor<unknown>(bound('request')),
      email: emailStageMachine.provide({ actors: { requestEmailToken: createEmailTokenActor(bound('requestEmailToken')) } }),
      msisdn: msisdnStageMachine.provide({
        actors: {
          requestMsisdnToken: createMsisdnTokenActor(bound('requestMsisdnToken')),
          submitMsisdnToken: createMsisdnSubmitActor(bound('submitMsisdnToken')),
        },
      }),
      registrationToken: registrationTokenStageMachine.provide({
        actors: { checkRegistrationToken: createTokenCheckActor(bound('checkRegistrationToken')) },
      }),
    },
  });
  return sharedMachine;
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
  const actor = createActor(boundMachine(), {
    input: toMachineInput(rest),
    ...(observer ? { inspect: observer } : {}),
    ...(snapshot ? { snapshot: snapshot as never } : {}),
  });
  functionsBySystem.set(actor.system, rest as UiaFunctions<unknown>);
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
