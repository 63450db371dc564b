/**
 * The parent chart as `InteractiveAuth` runs it: matrix-js-sdk's division of work between the
 * library and the app, expressed as implementations provided to the one chart.
 *
 * - The request actor is the app's `doRequest`.
 * - The email stage's token actor is the app's `requestEmailToken`; the stage does not start
 *   background checks itself, because matrix-js-sdk apps poll with `poll()` when they choose to.
 * - SMS, fallback, m.oauth and terms stages are the app's to complete, as in matrix-js-sdk
 *   (Element's own components send the SMS, open the pages, show the policies): their machines
 *   neither send, poll nor fail on their own, and stay open until the app submits the stage's dict.
 * - A background check (`SUBMIT_AUTH {background: true}`, which is what `poll()` sends) is one
 *   request: the chart returns to `awaitingStage` after it instead of polling on a timer.
 *
 * Everything else (flow choice, next stage, session merging, dummy submission, 429 waits,
 * late-answer dropping, cancellation) is the chart's own, unchanged.
 *
 * Built once, run many times: {@link interactiveAuthMachine} is one machine shared by every
 * `InteractiveAuth`, whose functions are bound to each instance's actor system
 * (src/actors/bound-functions.ts), as `createUiaActor` does. Building a machine costs more CPU and
 * memory than a whole negotiation, and XState keeps every machine's state nodes in a memo cache.
 */
import { fromPromise } from 'xstate';
import { dummyStageMachine } from '../../machines/stages/dummy.machine';
import type { EmailTokenActorInput } from '../actors/email-token.actor';
import { emailStageMachine } from '../../machines/stages/email.machine';
import { fallbackStageMachine } from '../../machines/stages/fallback.machine';
import { msisdnStageMachine } from '../../machines/stages/msisdn.machine';
import { oauthStageMachine } from '../../machines/stages/oauth.machine';
import { termsStageMachine } from '../../machines/stages/terms.machine';
import { createRequestActor } from '../actors/request.actor';
import { sharedUiaMachine, type ProvidedUiaMachine } from '../api/create-uia-machine';
import type { RequestTokenResponse, UiaRequestFn } from '../types';

/** The functions `InteractiveAuth` gives its chart. */
export interface InteractiveAuthMachineFunctions<T> {
  /** Makes the request being authorised (the app's `doRequest`, wrapped). */
  request: UiaRequestFn<T>;
  /** Sends the validation email (the app's `requestEmailToken`, wrapped). */
  requestEmailToken: (input: EmailTokenActorInput, signal: AbortSignal) => Promise<RequestTokenResponse>;
}

/**
 * Password, captcha and registration-token dicts come from the app (submitAuthDict), so those
 * stages need no machine of their own here: the fallback stage, made passive below, holds them
 * open until the app submits. A module constant: the shared chart is cached per stage set.
 */
const compatStages = {
  dummy: dummyStageMachine,
  email: emailStageMachine,
  msisdn: msisdnStageMachine,
  oauth: oauthStageMachine,
  terms: termsStageMachine,
  fallback: fallbackStageMachine,
};

function buildInteractiveAuthMachine(): ProvidedUiaMachine {
  return sharedUiaMachine(compatStages).provide({
    actors: {
      // The token actor stays the stage's own, which calls the `requestEmailToken` bound to the system.
      // The app decides when to check the link (matrix-js-sdk's poll()).
      email: emailStageMachine.provide({ actions: { startPolling: () => undefined } }),
      // The SMS is the app's to send: the stage waits (`missingPhone`) for the app's dict.
      msisdn: msisdnStageMachine.provide({ guards: { hasPhone: () => false } }),
      // Without a page URL these stages would fail the negotiation; here the app handles the page.
      fallback: fallbackStageMachine.provide({ actions: { startPolling: () => undefined, fail: () => undefined } }),
      oauth: oauthStageMachine.provide({ actions: { startPolling: () => undefined, fail: () => undefined } }),
      // Terms without readable policies are the app's to show (or not), not a reason to fail.
      terms: termsStageMachine.provide({ actions: { fail: () => undefined } }),
    },
    // One background request per poll() or background submit: no timer-driven checks.
    guards: { pollGaveUp: () => true },
    delays: { pollDelay: 0 },
  });
}

/** The machine type {@link interactiveAuthMachine} returns: the chart with other implementations provided. */
export type InteractiveAuthMachine = ProvidedUiaMachine;

let shared: InteractiveAuthMachine | undefined;

/**
 * The one chart every `InteractiveAuth` runs, built on first use. Its request and email token
 * actors call the functions bound to their actor system with `bindUiaFunctions(actor,
 * { request, requestEmailToken })` (the `createUiaActor` way), so no machine is built per instance.
 */
export function interactiveAuthMachine(): InteractiveAuthMachine {
  return (shared ??= buildInteractiveAuthMachine());
}

/**
 * A machine of its own with `fns` baked in, for tools and tests that create the actor
 * themselves without binding functions. Builds a machine per call: prefer
 * {@link interactiveAuthMachine} with `bindUiaFunctions` when running many negotiations.
 */
export function createInteractiveAuthMachine<T>(fns: InteractiveAuthMachineFunctions<T>): InteractiveAuthMachine {
  return interactiveAuthMachine().provide({
    actors: {
      request: createRequestActor<unknown>(fns.request as UiaRequestFn<unknown>),
      email: emailStageMachine.provide({
        actors: {
          requestEmailToken: fromPromise<RequestTokenResponse, EmailTokenActorInput>(({ input, signal }) => fns.requestEmailToken(input, signal)),
        },
        actions: { startPolling: () => undefined },
      }),
    },
  }) as InteractiveAuthMachine;
}
