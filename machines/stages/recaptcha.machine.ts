/**
 * m.login.recaptcha: exposes the site key, waits for the captcha response.
 *
 *   waiting ──RECAPTCHA.SUBMIT──▶ submitted ──PARENT.REJECTED──▶ waiting (captcha must be redone)
 */
import { sendParent, setup } from 'xstate';
import { AuthType } from '../../src/auth-type';
import { Sealed } from '../../src/secrets/secret';
import type { UiaError } from '../../src/errors/errors';
import type { StageEvent, StageInput, StageToParentEvent } from './stage.types';
import { errorActions, submittedState } from './stage.shared';

/** Context of {@link recaptchaStageMachine}. */
export interface RecaptchaStageContext {
  /** `params["m.login.recaptcha"].public_key`, the site key to render the widget with. */
  publicKey: string | null;
  /** The server's refusal of the last response; `null` before one. */
  error: UiaError | null;
}

/** The `m.login.recaptcha` stage machine. */
export const recaptchaStageMachine = setup({
  // Types only: an empty object at run time (XState reads no `types`), so no bytes in an app.
  types: {} as { input: StageInput; context: RecaptchaStageContext; events: StageEvent },
  guards: {
    hasResponse: ({ event }) => event.type === 'RECAPTCHA.SUBMIT' && typeof event.response === 'string' && event.response.length > 0,
  },
  actions: {
    submit: sendParent(({ event }): StageToParentEvent => {
      if (event.type !== 'RECAPTCHA.SUBMIT') throw new Error('unreachable');
      return { type: 'STAGE.SUBMIT', auth: new Sealed({ type: AuthType.Recaptcha, response: event.response }) };
    }),
    ...errorActions<RecaptchaStageContext>(),
  },
}).createMachine({
  id: 'recaptchaStage',
  /** The initial context, built from the input the chart was given. */
  context: ({ input }) => ({
    publicKey: typeof input.params.public_key === 'string' ? input.params.public_key : null,
    error: null,
  }),
  initial: 'waiting',
  states: {
    waiting: {
      tags: ['input'],
      on: { 'RECAPTCHA.SUBMIT': { guard: 'hasResponse', target: 'submitted', actions: ['clearError', 'submit'] } },
    },
    submitted: submittedState('waiting'),
  },
});
