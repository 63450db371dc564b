/**
 * m.login.email.identity: sends the validation email when this stage becomes current, then waits
 * for the link to be clicked, which the parent detects by polling.
 *
 *   init ─┬─(sid known: resume)──▶ waiting
 *         ├─(address known)──────▶ requestingToken
 *         └──▶ needsAddress ──EMAIL.SET_ADDRESS──▶ requestingToken
 *   requestingToken ─┬─done──▶ waiting
 *                    └─error─▶ tokenFailed ──EMAIL.RESEND──▶ requestingToken
 *   waiting ──EMAIL.RESEND──▶ requestingToken (attempt + 1)
 *   waiting ──EMAIL.CHECK──▶ submitted ──PARENT.REJECTED──▶ waiting
 *
 * The email is requested only now, not when the flow is chosen: sending mail before an earlier
 * captcha or token stage is done would let anyone mail-bomb through the server. On entering
 * `waiting` the stage asks the parent to poll with `threepid_creds` (never with a password); a
 * 401 M_UNAUTHORIZED to a check means "not validated yet", not an error to show.
 */
import { assign, sendParent, setup } from 'xstate';
import { createEmailTokenActor } from '../../src/actors/email-token.actor';
import { boundFunction } from '../../src/actors/bound-functions';
import { AuthType } from '../../src/auth-type';
import { ProtocolError, StageError, type UiaError } from '../../src/errors/errors';
import { Sealed } from '../../src/secrets/secret';
import { generateClientSecret } from '../../src/secrets/client-secret';
import type { EmailAuthDict, RequestTokenResponse } from '../../src/types';
import type { StageEvent, StageInput, StageToParentEvent } from './stage.types';
import { requestFailure } from './stage.shared';

/** Context of {@link emailStageMachine}. */
export interface EmailStageContext {
  /** Address to validate; `null` until the app or user gives one. */
  email: string | null;
  /** Client secret of this 3PID validation (from the parent). */
  clientSecret: string;
  /** UIA session id, passed to the token request. */
  session: string | undefined;
  /** Validation sid from the email token request; `null` before it answers. */
  sid: string | null;
  /** `send_attempt` of the last token request; 0 before the first. */
  attempt: number;
  /** True after a check found the address not validated yet. */
  notValidatedYet: boolean;
  /** Why the last token request or check failed; `null` otherwise. */
  error: UiaError | null;
}

/** The `m.login.email.identity` stage machine. Provide `requestEmailToken`. */
export const emailStageMachine = setup({
  // Types only: an empty object at run time (XState reads no `types`), so no bytes in an app.
  types: {} as { input: StageInput; context: EmailStageContext; events: StageEvent },
  actors: {
    // Fails with "requestEmailToken was not provided" until the app provides one.
    requestEmailToken: createEmailTokenActor(boundFunction('requestEmailToken')),
  },
  guards: {
    hasSid: ({ context }) => context.sid !== null,
    // The requestToken answer is untrusted: polling with `sid: null` would wait out the give-up time.
    validTokenAnswer: ({ event }) => {
      const out = (event as unknown as { output?: { sid?: unknown } | null }).output;
      return typeof out?.sid === 'string' && out.sid.length > 0;
    },
    hasAddress: ({ context }) => context.email !== null,
    validAddress: ({ event }) => event.type === 'EMAIL.SET_ADDRESS' && /^[^\s@]+@[^\s@]+$/.test(event.email.trim()),
    // The chart's emailNotValidatedYet matches the same answer and keeps no stageError for it.
    notValidatedYet: ({ event }) =>
      event.type === 'PARENT.REJECTED' && event.error instanceof StageError && event.error.errcode === 'M_UNAUTHORIZED',
  },
  actions: {
    setAddress: assign({ email: ({ context, event }) => (event.type === 'EMAIL.SET_ADDRESS' ? event.email.trim() : context.email) }),
    nextAttempt: assign({ attempt: ({ context }) => context.attempt + 1, error: null, notValidatedYet: false }),
    storeSid: assign({ sid: ({ context, event }) => (event as unknown as { output?: RequestTokenResponse }).output?.sid ?? context.sid }),
    // With the secret the sid is bound to: the parent keeps both, so a stage opened again and a
    // restored negotiation poll with the same pair.
    reportSid: sendParent(({ context }): StageToParentEvent => ({ type: 'STAGE.UPDATE', emailSid: context.sid!, emailAttempt: context.attempt, clientSecret: context.clientSecret })),
    startPolling: sendParent(({ context }): StageToParentEvent => ({ type: 'STAGE.POLL', auth: credsDict(context) })),
    check: sendParent(({ context }): StageToParentEvent => ({ type: 'STAGE.SUBMIT', auth: new Sealed(credsDict(context)) })),
    recordBadTokenAnswer: assign({ error: () => new ProtocolError('the email token answer has no sid') }),
    markNotValidated: assign({ notValidatedYet: true, error: null }),
    recordError: assign({ error: ({ event }) => (event.type === 'PARENT.REJECTED' ? event.error : null), notValidatedYet: false }),
    recordTokenError: assign({
      error: ({ event }) => requestFailure((event as unknown as { error: unknown }).error, AuthType.Email, 'Could not send the validation email'),
    }),
  },
}).createMachine({
  id: 'emailStage',
  /** The initial context, built from the input the chart was given. */
  context: ({ input }) => ({
    // Trimmed like EMAIL.SET_ADDRESS: a pasted address often carries a trailing space.
    email: input.inputs.emailAddress?.trim() || null,
    // The negotiation's secret, or a fresh one, reported to the parent with the sid it is bound to.
    clientSecret: input.clientSecret || generateClientSecret(),
    session: input.session,
    sid: input.emailSid ?? null,
    attempt: input.emailAttempt,
    notValidatedYet: false,
    error: null,
  }),
  initial: 'init',
  states: {
    init: {
      always: [
        { guard: 'hasSid', target: 'waiting' },
        { guard: 'hasAddress', target: 'requestingToken' },
        { target: 'needsAddress' },
      ],
    },
    needsAddress: {
      tags: ['input'],
      on: { 'EMAIL.SET_ADDRESS': { guard: 'validAddress', target: 'requestingToken', actions: 'setAddress' } },
    },
    requestingToken: {
      tags: ['busy'],
      entry: 'nextAttempt',
      invoke: {
        id: 'requestEmailToken',
        src: 'requestEmailToken',
        /** The actor's input, read from the context when the state is entered. */
        input: ({ context }) => ({ email: context.email!, clientSecret: context.clientSecret, attempt: context.attempt, session: context.session }),
        onDone: [
          { guard: 'validTokenAnswer', target: 'waiting', actions: ['storeSid', 'reportSid'] },
          { target: 'tokenFailed', actions: 'recordBadTokenAnswer' },
        ],
        onError: { target: 'tokenFailed', actions: 'recordTokenError' },
      },
    },
    tokenFailed: {
      tags: ['input'],
      on: { 'EMAIL.RESEND': 'requestingToken' },
    },
    waiting: {
      tags: ['input'],
      entry: 'startPolling',
      on: {
        'EMAIL.RESEND': 'requestingToken',
        'EMAIL.CHECK': { target: 'submitted', actions: 'check' },
      },
    },
    submitted: {
      on: {
        'PARENT.REJECTED': [
          { guard: 'notValidatedYet', target: 'waiting', actions: 'markNotValidated' },
          { target: 'waiting', actions: 'recordError' },
        ],
      },
    },
  },
});

function credsDict(context: EmailStageContext): EmailAuthDict {
  return { type: AuthType.Email, threepid_creds: { sid: context.sid!, client_secret: context.clientSecret } };
}
