/**
 * Fallback stages: m.login.sso, and any stage type the app does not complete natively.
 *
 *   waiting ──FALLBACK.DONE──▶ submitted ──PARENT.REJECTED──▶ waiting
 *
 * The user completes the stage on the homeserver's fallback page (`fallbackUrl`). The page
 * signals completion with an `authDone` message, which the app turns into `FALLBACK.DONE`; the
 * parent also polls with `{session}` meanwhile, so a page whose message is lost (closed popup,
 * another device) is still noticed. Completion is confirmed by submitting `{session}` only.
 */
import { sendParent, setup } from 'xstate';
import { getFallbackUrl } from '../../src/decisions/fallback-url';
import { ProtocolError, type UiaError } from '../../src/errors/errors';
import type { StageEvent, StageInput, StageToParentEvent } from './stage.types';
import { errorActions, sessionOnlyActions, submittedState } from './stage.shared';

/** Context of {@link fallbackStageMachine}. */
export interface FallbackStageContext {
  /** The stage type the fallback page completes. */
  type: string;
  /** The page to open, or `null` without a homeserver URL or session. */
  fallbackUrl: string | null;
  /** Why the last session submission was refused; `null` before one. */
  error: UiaError | null;
}

/** The fallback stage machine. */
export const fallbackStageMachine = setup({
  // Types only: an empty object at run time (XState reads no `types`), so no bytes in an app.
  types: {} as { input: StageInput; context: FallbackStageContext; events: StageEvent },
  guards: {
    noUrl: ({ context }) => context.fallbackUrl === null,
  },
  actions: {
    ...sessionOnlyActions<FallbackStageContext>(),
    fail: sendParent(({ context }): StageToParentEvent => ({
      type: 'STAGE.FAIL',
      error: new ProtocolError(`stage ${context.type} needs the fallback page, but no homeserver URL or session is known`),
    })),
    ...errorActions<FallbackStageContext>(),
  },
}).createMachine({
  id: 'fallbackStage',
  /** The initial context, built from the input the chart was given. */
  context: ({ input }) => ({
    type: input.type,
    fallbackUrl: input.homeserverUrl && input.session ? getFallbackUrl(input.homeserverUrl, input.type, input.session) : null,
    error: null,
  }),
  initial: 'init',
  states: {
    init: { always: [{ guard: 'noUrl', target: 'unavailable' }, { target: 'waiting' }] },
    unavailable: { entry: 'fail' },
    waiting: {
      tags: ['input'],
      entry: 'startPolling',
      on: { 'FALLBACK.DONE': { target: 'submitted', actions: ['clearError', 'submit'] } },
    },
    submitted: submittedState('waiting'),
  },
});
