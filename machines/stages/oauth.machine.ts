/**
 * m.oauth (and its unstable name org.matrix.cross_signing_reset): the user approves the action
 * on the account management page at `params.url`; the parent polls with `{type, session}` until
 * the server answers the request (it reports no `completed`: the request itself succeeds).
 *
 *   init ─┬─(no url in params)──▶ invalid (fails the negotiation)
 *         └──▶ waiting ──OAUTH.DONE──▶ submitted ──PARENT.REJECTED──▶ waiting
 */
import { sendParent, setup } from 'xstate';
import { ProtocolError, type UiaError } from '../../src/errors/errors';
import { Sealed } from '../../src/secrets/secret';
import type { StageEvent, StageInput, StageToParentEvent } from './stage.types';
import { errorActions, submittedState } from './stage.shared';

/** Context of {@link oauthStageMachine}. */
export interface OAuthStageContext {
  /** The stage type served (`m.oauth` or its unstable name). */
  type: string;
  /** The approval page. */
  url: string | null;
  /** Why the last session submission was refused; `null` before one. */
  error: UiaError | null;
}

function safeHttpUrl(v: unknown): string | null {
  if (typeof v !== 'string') return null;
  try {
    const u = new URL(v);
    // Only web pages: a javascript: or data: URL from a hostile server must never be opened.
    return u.protocol === 'https:' || u.protocol === 'http:' ? u.toString() : null;
  } catch {
    return null;
  }
}

/** The `m.oauth` stage machine. */
export const oauthStageMachine = setup({
  // Types only: an empty object at run time (XState reads no `types`), so no bytes in an app.
  types: {} as { input: StageInput; context: OAuthStageContext; events: StageEvent },
  guards: {
    noUrl: ({ context }) => context.url === null,
  },
  actions: {
    // `{type, session}` (the chart adds the session, "dummy" included): Synapse ignores the dict,
    // but a spec-compliant server checks its type (element-web #33344 sends it for that reason).
    startPolling: sendParent(({ context }): StageToParentEvent => ({ type: 'STAGE.POLL', auth: { type: context.type } })),
    submit: sendParent(({ context }): StageToParentEvent => ({ type: 'STAGE.SUBMIT', auth: new Sealed({ type: context.type }) })),
    fail: sendParent(({ context }): StageToParentEvent => ({
      type: 'STAGE.FAIL',
      error: new ProtocolError(`${context.type} params have no http(s) "url"`),
    })),
    ...errorActions<OAuthStageContext>(),
  },
}).createMachine({
  id: 'oauthStage',
  /** The initial context, built from the input the chart was given. */
  context: ({ input }) => ({ type: input.type, url: safeHttpUrl(input.params.url), error: null }),
  initial: 'init',
  states: {
    init: { always: [{ guard: 'noUrl', target: 'invalid' }, { target: 'waiting' }] },
    invalid: { entry: 'fail' },
    waiting: {
      tags: ['input'],
      entry: 'startPolling',
      on: { 'OAUTH.DONE': { target: 'submitted', actions: ['clearError', 'submit'] } },
    },
    submitted: submittedState('waiting'),
  },
});
