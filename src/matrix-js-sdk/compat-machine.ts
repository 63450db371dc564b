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
 */
import { fromPromise } from 'xstate';
import { dummyStageMachine } from '../../machines/stages/dummy.machine';
import { emailStageMachine, type EmailTokenActorInput } from '../../machines/stages/email.machine';
import { fallbackStageMachine } from '../../machines/stages/fallback.machine';
import { msisdnStageMachine } from '../../machines/stages/msisdn.machine';
import { oauthStageMachine } from '../../machines/stages/oauth.machine';
import { termsStageMachine } from '../../machines/stages/terms.machine';
import { createUiaMachine } from '../create-uia-machine';
import type { RequestTokenResponse, UiaRequestFn } from '../types';

/** The functions `InteractiveAuth` gives its chart. */
export interface InteractiveAuthMachineFunctions<T> {
  /** Makes the request being authorised (the app's `doRequest`, wrapped). */
  request: UiaRequestFn<T>;
  /** Sends the validation email (the app's `requestEmailToken`, wrapped). */
  requestEmailToken: (input: EmailTokenActorInput, signal: AbortSignal) => Promise<RequestTokenResponse>;
}

/** Builds the chart `InteractiveAuth` owns. */
export function createInteractiveAuthMachine<T>(fns: InteractiveAuthMachineFunctions<T>) {
  // Password, captcha and registration-token dicts come from the app (submitAuthDict), so those
  // stages need no machine of their own here: the fallback stage, made passive below, holds them
  // open until the app submits.
  const stages = {
    dummy: dummyStageMachine,
    email: emailStageMachine,
    msisdn: msisdnStageMachine,
    oauth: oauthStageMachine,
    terms: termsStageMachine,
    fallback: fallbackStageMachine,
  };
  return createUiaMachine<T>({ request: fns.request }, stages).provide({
    actors: {
      email: emailStageMachine.provide({
        actors: {
          requestEmailToken: fromPromise<RequestTokenResponse, EmailTokenActorInput>(({ input, signal }) => fns.requestEmailToken(input, signal)),
        },
        // The app decides when to check the link (matrix-js-sdk's poll()).
        actions: { startPolling: () => undefined },
      }),
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

/** The machine type {@link createInteractiveAuthMachine} returns. */
export type InteractiveAuthMachine = ReturnType<typeof createInteractiveAuthMachine>;
