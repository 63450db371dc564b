/**
 * m.login.password: waits for the user's password, submits it with an identifier.
 *
 *   waiting ──PASSWORD.SUBMIT──▶ submitted ──PARENT.REJECTED──▶ waiting (with the error)
 *
 * The password goes straight from the user's event into a sealed auth dict sent to the parent;
 * this machine's context never holds it. The identifier defaults to `m.id.user` with the app's
 * `userId`; an event may carry an `m.id.thirdparty` or `m.id.phone` identifier instead.
 */
import { assign, sendParent, setup } from 'xstate';
import { Sealed } from '../../src/secrets/secret';
import type { UiaError } from '../../src/errors/errors';
import type { UserIdentifier } from '../../src/types';
import type { StageEvent, StageInput, StageToParentEvent } from './stage.types';
import { errorActions, submittedState } from './stage.shared';

/** Context of {@link passwordStageMachine}. */
export interface PasswordStageContext {
  /** Identifier used when the submit event gives none. */
  defaultIdentifier: UserIdentifier | null;
  /** The server's answer to the last attempt (wrong password), if any. */
  error: UiaError | null;
  /** Attempts made at this stage. */
  attempts: number;
}

/** The `m.login.password` stage machine. */
export const passwordStageMachine = setup({
  // Types only: an empty object at run time (XState reads no `types`), so no bytes in an app.
  types: {} as { input: StageInput; context: PasswordStageContext; events: StageEvent },
  guards: {
    hasIdentifier: ({ context, event }) =>
      event.type === 'PASSWORD.SUBMIT' && typeof event.password === 'string' && event.password.length > 0 && Boolean(event.identifier ?? context.defaultIdentifier),
  },
  actions: {
    // Only on PASSWORD.SUBMIT, past `hasIdentifier`.
    submit: sendParent(({ context, event }): StageToParentEvent => {
      const { identifier, password } = event as Extract<StageEvent, { type: 'PASSWORD.SUBMIT' }>;
      return {
        type: 'STAGE.SUBMIT',
        auth: new Sealed({ type: 'm.login.password' /* AuthType.Password, spelt out: see src/decisions/stage-kind.ts */, identifier: (identifier ?? context.defaultIdentifier)!, password }),
      };
    }),
    countAttempt: assign({ attempts: ({ context }) => context.attempts + 1, error: null }),
    ...errorActions<PasswordStageContext>(),
  },
}).createMachine({
  id: 'passwordStage',
  /** The initial context, built from the input the chart was given. */
  context: ({ input }) => ({
    defaultIdentifier: input.userId ? { type: 'm.id.user', user: input.userId } : null,
    error: null,
    attempts: 0,
  }),
  initial: 'waiting',
  states: {
    waiting: {
      tags: ['input'],
      on: { 'PASSWORD.SUBMIT': { guard: 'hasIdentifier', target: 'submitted', actions: ['countAttempt', 'submit'] } },
    },
    submitted: submittedState('waiting'),
  },
});
