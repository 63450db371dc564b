/**
 * m.login.msisdn: sends an SMS when this stage becomes current, waits for the code, submits the
 * code (to the server's `submit_url` when given), then submits the validated `threepid_creds`.
 *
 *   init ─┬─(phone known)──▶ requestingToken ─┬─done──▶ waitingForCode
 *         └──▶ missingPhone                   └─error─▶ tokenFailed ──MSISDN.RESEND──▶ requestingToken
 *   waitingForCode ──MSISDN.SUBMIT_CODE──▶ submittingCode ─┬─accepted──▶ submitted
 *                                                          ├─refused/error──▶ waitingForCode
 *                                                          └─cannot submit──▶ misconfigured (fails
 *                                                            the negotiation: no code could pass)
 *   waitingForCode ──MSISDN.RESEND──▶ requestingToken (attempt + 1)
 *   submitted ──PARENT.REJECTED──▶ waitingForCode
 *
 * The code travels from the event into the submit actor's input, sealed, and is never stored.
 */
import { assign, sendParent, setup } from 'xstate';
import { createMsisdnSubmitActor, createMsisdnTokenActor } from '../../src/actors/msisdn.actor';
import { boundFunction } from '../../src/actors/bound-functions';
import { AuthType } from '../../src/auth-type';
import { isUiaError, ProtocolError, StageError, type UiaError } from '../../src/errors/errors';
import { Sealed } from '../../src/secrets/secret';
import { generateClientSecret } from '../../src/secrets/client-secret';
import { httpUrl } from '../../src/decisions/terms';
import type { RequestTokenResponse } from '../../src/types';
import type { StageEvent, StageInput, StageToParentEvent } from './stage.types';
import { errorActions, requestFailure, submittedState } from './stage.shared';

/** Context of {@link msisdnStageMachine}. */
export interface MsisdnStageContext {
  /** ISO country code of the number; `null` until the app gives one. */
  phoneCountry: string | null;
  /** Number to validate; `null` until the app gives one. */
  phoneNumber: string | null;
  /** Client secret of this 3PID validation (from the parent). */
  clientSecret: string;
  /** UIA session id, passed to the token request. */
  session: string | undefined;
  /** Validation sid from the SMS token request; `null` before it answers. */
  sid: string | null;
  /** Server-given URL to POST the code to; `null` for the homeserver default. */
  submitUrl: string | null;
  /** The number as the server formatted it, for display. */
  msisdn: string | null;
  /** SMS `send_attempt` count so far; 0 before the first SMS. */
  attempt: number;
  /** Why the last token request or code submission failed; `null` otherwise. */
  error: UiaError | null;
}

/** The `m.login.msisdn` stage machine. Provide `requestMsisdnToken` and `submitMsisdnToken`. */
export const msisdnStageMachine = setup({
  // Types only: an empty object at run time (XState reads no `types`), so no bytes in an app.
  types: {} as { input: StageInput; context: MsisdnStageContext; events: StageEvent },
  actors: {
    // The app's functions bound to the negotiation (createUiaActor); without a requestMsisdnToken
    // the request fails, without a submitMsisdnToken the code goes to the server's submit_url.
    requestMsisdnToken: createMsisdnTokenActor(boundFunction('requestMsisdnToken')),
    submitMsisdnToken: createMsisdnSubmitActor(boundFunction('submitMsisdnToken')),
  },
  guards: {
    // The requestToken answer is untrusted: without a sid there is nothing to validate.
    validTokenAnswer: ({ event }) => {
      const out = (event as unknown as { output?: { sid?: unknown } | null }).output;
      return typeof out?.sid === 'string' && out.sid.length > 0;
    },
    badSubmitUrl: ({ event }) => {
      const url = (event as unknown as { output?: { submit_url?: unknown } | null }).output?.submit_url;
      return url !== undefined && url !== null && (typeof url !== 'string' || httpUrl(url) === null);
    },
    hasPhone: ({ context }) => context.phoneCountry !== null && context.phoneNumber !== null,
    hasCode: ({ event }) => event.type === 'MSISDN.SUBMIT_CODE' && typeof event.code === 'string' && event.code.trim().length > 0,
    codeAccepted: ({ event }) => (event as unknown as { output: boolean }).output === true,
    // Nowhere to send a code (no submitMsisdnToken, no submit_url): asking for another is futile.
    cannotSubmit: ({ event }) => {
      const e = (event as unknown as { error: unknown }).error;
      return isUiaError(e) && e.code === 'INVALID_OPTIONS';
    },
  },
  actions: {
    nextAttempt: assign({ attempt: ({ context }) => context.attempt + 1, error: null }),
    storeToken: assign(({ context, event }) => {
      // The answer is untrusted: without a usable sid there is nothing to validate.
      const out = (event as unknown as { output?: Partial<RequestTokenResponse> | null }).output;
      if (!out || typeof out.sid !== 'string' || !out.sid) return { sid: null, error: new ProtocolError('the SMS token answer has no sid') };
      return { sid: out.sid, submitUrl: typeof out.submit_url === 'string' ? out.submit_url : null, msisdn: typeof out.msisdn === 'string' ? out.msisdn : context.msisdn };
    }),
    submit: sendParent(({ context }): StageToParentEvent => ({
      type: 'STAGE.SUBMIT',
      auth: new Sealed({ type: AuthType.Msisdn, threepid_creds: { sid: context.sid!, client_secret: context.clientSecret } }),
    })),
    ...errorActions<MsisdnStageContext>(),
    recordBadSubmitUrl: assign({ error: () => new ProtocolError('the SMS token answer has a submit_url that is no http(s) URL') }),
    recordRefused: assign({ error: () => new StageError(AuthType.Msisdn, 'M_UNAUTHORIZED', 'The code was not accepted') }),
    recordActorError: assign({ error: ({ event }) => requestFailure((event as unknown as { error: unknown }).error, AuthType.Msisdn, 'The SMS request failed') }),
    fail: sendParent(({ context }): StageToParentEvent => ({ type: 'STAGE.FAIL', error: context.error! })),
  },
}).createMachine({
  id: 'msisdnStage',
  /** The initial context, built from the input the chart was given. */
  context: ({ input }) => ({
    phoneCountry: input.inputs.phoneCountry ?? null,
    phoneNumber: input.inputs.phoneNumber ?? null,
    // The negotiation's secret, or a fresh one: no SMS validation outlives its stage (a stage opened
    // again sends a new SMS), so the parent need not keep it; a restored stage has it in its context.
    clientSecret: input.clientSecret || generateClientSecret(),
    session: input.session,
    sid: null,
    submitUrl: null,
    msisdn: null,
    attempt: 0,
    error: null,
  }),
  initial: 'init',
  states: {
    init: {
      always: [{ guard: 'hasPhone', target: 'requestingToken' }, { target: 'missingPhone' }],
    },
    // Flow choice only picks msisdn flows when a phone number is given, so this is reached only
    // when the app chose such a flow explicitly without one: a dead end it must cancel.
    missingPhone: { tags: ['input'] },
    requestingToken: {
      tags: ['busy'],
      entry: 'nextAttempt',
      invoke: {
        id: 'requestMsisdnToken',
        src: 'requestMsisdnToken',
        /** The actor's input, read from the context when the state is entered. */
        input: ({ context }) => ({
          phoneCountry: context.phoneCountry!,
          phoneNumber: context.phoneNumber!,
          clientSecret: context.clientSecret,
          attempt: context.attempt,
          session: context.session,
        }),
        onDone: [
          // A submit_url that is no http(s) URL: no code can ever be sent there, so the stage
          // fails the negotiation once instead of asking for codes that cannot be checked.
          { guard: 'badSubmitUrl', target: 'misconfigured', actions: 'recordBadSubmitUrl' },
          { guard: 'validTokenAnswer', target: 'waitingForCode', actions: 'storeToken' },
          { target: 'tokenFailed', actions: 'storeToken' },
        ],
        onError: { target: 'tokenFailed', actions: 'recordActorError' },
      },
    },
    tokenFailed: {
      tags: ['input'],
      on: { 'MSISDN.RESEND': 'requestingToken' },
    },
    waitingForCode: {
      tags: ['input'],
      on: {
        'MSISDN.SUBMIT_CODE': { guard: 'hasCode', target: 'submittingCode', actions: 'clearError' },
        'MSISDN.RESEND': 'requestingToken',
      },
    },
    submittingCode: {
      tags: ['busy'],
      invoke: {
        id: 'submitMsisdnToken',
        src: 'submitMsisdnToken',
        /** The actor's input, read from the context when the state is entered. */
        input: ({ context, event }) => ({
          sid: context.sid!,
          clientSecret: context.clientSecret,
          code: new Sealed(event.type === 'MSISDN.SUBMIT_CODE' ? event.code.trim() : ''),
          submitUrl: context.submitUrl,
        }),
        onDone: [
          { guard: 'codeAccepted', target: 'submitted', actions: 'submit' },
          { target: 'waitingForCode', actions: 'recordRefused' },
        ],
        onError: [
          { guard: 'cannotSubmit', target: 'misconfigured', actions: 'recordActorError' },
          { target: 'waitingForCode', actions: 'recordActorError' },
        ],
      },
    },
    misconfigured: { entry: 'fail' },
    submitted: submittedState('waitingForCode'),
  },
});
