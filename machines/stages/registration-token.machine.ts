/**
 * m.login.registration_token (and MSC3231's unstable name): asks for the token, optionally
 * checks it with the validity endpoint, submits it.
 *
 *   init ─┬─(token given by the app)──▶ validating
 *         └──▶ waiting ──TOKEN.SUBMIT──▶ validating ─┬─(valid or unknown)──▶ submitted
 *                                                    └─(invalid)──▶ waiting (with the error)
 *   submitted ──PARENT.REJECTED──▶ waiting
 *
 * The token rides from the event into the validity actor's input and out of its output, sealed;
 * it is never stored in context.
 */
import { assign, sendParent, setup } from 'xstate';
import { createTokenCheckActor, type TokenCheckResult } from '../../src/actors/token-check.actor';
import { boundFunction } from '../../src/actors/bound-functions';
import { StageError, type UiaError } from '../../src/errors/errors';
import { Sealed } from '../../src/secrets/secret';
import type { AuthDict } from '../../src/types';
import type { StageEvent, StageInput, StageToParentEvent } from './stage.types';
import { errorActions, submittedState } from './stage.shared';

/** Context of {@link registrationTokenStageMachine}. */
export interface RegistrationTokenStageContext {
  /** The stage type served (stable or MSC3231 unstable name). */
  type: string;
  /** The app's token, consumed by the first attempt. */
  preset: Sealed<string> | null;
  /** Why the last token was refused; `null` before a refusal. */
  error: UiaError | null;
}

/** The `m.login.registration_token` stage machine. Provide `checkRegistrationToken` to enable the check. */
export const registrationTokenStageMachine = setup({
  // Types only: an empty object at run time (XState reads no `types`), so no bytes in an app.
  types: {} as { input: StageInput; context: RegistrationTokenStageContext; events: StageEvent },
  actors: {
    // Without a checker the answer is "unknown": the server decides.
    checkRegistrationToken: createTokenCheckActor(boundFunction('checkRegistrationToken')),
  },
  guards: {
    // A restored snapshot holds only the seal's marker, never the token: it does not count.
    hasPreset: ({ context }) => context.preset instanceof Sealed,
    hasToken: ({ event }) => event.type === 'TOKEN.SUBMIT' && typeof event.token === 'string' && event.token.trim().length > 0,
    isInvalid: ({ event }) => (event as unknown as { output: TokenCheckResult }).output.valid === false,
  },
  actions: {
    submit: sendParent(({ context, event }): StageToParentEvent => {
      const { token } = (event as unknown as { output: TokenCheckResult }).output;
      const auth = new Sealed({ type: context.type, token: token.unseal() } as AuthDict);
      // The app's preset token is submitted without the user: `auto`, which the chart bounds.
      return context.preset ? { type: 'STAGE.SUBMIT', auth, auto: true } : { type: 'STAGE.SUBMIT', auth };
    }),
    dropPreset: assign({ preset: null }),
    ...errorActions<RegistrationTokenStageContext>(),
    recordInvalid: assign({ error: ({ context }) => new StageError(context.type, 'M_UNAUTHORIZED', 'Invalid registration token') }),
    // The checker broke, or a restore interrupted the check (its token did not survive JSON).
    recordCheckFailed: assign({ error: ({ context }) => new StageError(context.type, undefined, 'Could not check the registration token') }),
  },
}).createMachine({
  id: 'registrationTokenStage',
  /** The initial context, built from the input the chart was given. */
  context: ({ input }) => ({
    type: input.type,
    preset: input.registrationToken instanceof Sealed ? input.registrationToken : null,
    error: null,
  }),
  initial: 'init',
  states: {
    init: {
      always: [{ guard: 'hasPreset', target: 'validating' }, { target: 'waiting' }],
    },
    waiting: {
      tags: ['input'],
      on: { 'TOKEN.SUBMIT': { guard: 'hasToken', target: 'validating', actions: 'clearError' } },
    },
    validating: {
      tags: ['busy'],
      // Leaving `validating` (cancel) aborts the check through its signal.
      invoke: {
        id: 'checkRegistrationToken',
        src: 'checkRegistrationToken',
        /** The actor's input, read from the context when the state is entered. */
        input: ({ context, event }) => ({
          token: event.type === 'TOKEN.SUBMIT' ? new Sealed(event.token.trim()) : context.preset!,
        }),
        onDone: [
          { guard: 'isInvalid', target: 'waiting', actions: ['dropPreset', 'recordInvalid'] },
          { target: 'submitted', actions: ['submit', 'dropPreset'] },
        ],
        // The provided checker turns its own failures into `valid: null`; an error here means the
        // checker itself is broken or a restore interrupted the check, so the user is asked again
        // rather than left in limbo.
        onError: { target: 'waiting', actions: ['dropPreset', 'recordCheckFailed'] },
      },
    },
    submitted: submittedState('waiting'),
  },
});
