/**
 * m.login.dummy: nothing to ask, the stage submits itself.
 *
 *   submitted ──PARENT.REJECTED──▶ rejected ──STAGE.RETRY──▶ submitted
 *
 * A server that refuses a dummy stage would make an automatic resubmit loop forever, so a
 * refusal waits for the user (or the app) to retry.
 */
import { sendParent, setup } from 'xstate';
import { Sealed } from '../../src/secrets/secret';
import type { UiaError } from '../../src/errors/errors';
import type { AuthDict } from '../../src/types';
import type { StageEvent, StageInput, StageToParentEvent } from './stage.types';
import { errorActions } from './stage.shared';

/** Context of {@link dummyStageMachine}. */
export interface DummyStageContext {
  /** The stage type served (`m.login.dummy`). */
  type: string;
  /** The server's refusal of the last submission; `null` before one. */
  error: UiaError | null;
}

/** The `m.login.dummy` stage machine. */
export const dummyStageMachine = setup({
  // Types only: an empty object at run time (XState reads no `types`), so no bytes in an app.
  types: {} as { input: StageInput; context: DummyStageContext; events: StageEvent },
  actions: {
    // `auto` unless the user asked for the retry: the chart bounds submissions nobody asked for.
    submit: sendParent(({ context, event }): StageToParentEvent => ({
      type: 'STAGE.SUBMIT',
      auth: new Sealed({ type: context.type } as AuthDict),
      ...(event.type === 'STAGE.RETRY' ? {} : { auto: true as const }),
    })),
    ...errorActions<DummyStageContext>(),
  },
}).createMachine({
  id: 'dummyStage',
  /** The initial context, built from the input the chart was given. */
  context: ({ input }) => ({ type: input.type, error: null }),
  initial: 'submitted',
  states: {
    submitted: {
      entry: 'submit',
      on: { 'PARENT.REJECTED': { target: 'rejected', actions: 'recordError' } },
    },
    rejected: {
      tags: ['input'],
      on: { 'STAGE.RETRY': { target: 'submitted', actions: 'clearError' } },
    },
  },
});
