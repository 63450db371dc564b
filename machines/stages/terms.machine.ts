/**
 * m.login.terms: lists the policies, waits until the user has accepted every one, submits.
 *
 *   init ─┬─(params invalid)──▶ invalid (fails the negotiation: the user cannot accept terms
 *         │                      they were not shown)
 *         └──▶ waiting ──TERMS.SUBMIT [all accepted]──▶ submitted ──PARENT.REJECTED──▶ waiting
 */
import { assign, sendParent, setup } from 'xstate';
import { AuthType } from '../../src/auth-type';
import { ProtocolError, type UiaError } from '../../src/errors/errors';
import { Sealed } from '../../src/secrets/secret';
import { parseTermsPolicies, type TermsPolicy } from '../../src/decisions/terms';
import type { StageEvent, StageInput, StageToParentEvent } from './stage.types';
import { errorActions, submittedState } from './stage.shared';

/** Context of {@link termsStageMachine}. */
export interface TermsStageContext {
  /** The policies to accept, parsed from the stage params. */
  policies: TermsPolicy[];
  /** Ids of the policies the user has ticked. */
  accepted: string[];
  /** Why the params could not be used, when they could not. */
  invalid: ProtocolError | null;
  /** The server's refusal of the last submission; `null` before one. */
  error: UiaError | null;
}

/** The `m.login.terms` stage machine. */
export const termsStageMachine = setup({
  // Types only: an empty object at run time (XState reads no `types`), so no bytes in an app.
  types: {} as { input: StageInput; context: TermsStageContext; events: StageEvent },
  guards: {
    paramsInvalid: ({ context }) => context.invalid !== null,
    allAccepted: ({ context }) => context.policies.every((p) => context.accepted.includes(p.id)),
    knownPolicy: ({ context, event }) => event.type === 'TERMS.TOGGLE' && context.policies.some((p) => p.id === event.policyId),
  },
  actions: {
    toggle: assign({
      accepted: ({ context, event }) => {
        if (event.type !== 'TERMS.TOGGLE') return context.accepted;
        const others = context.accepted.filter((id) => id !== event.policyId);
        return event.accepted ? [...others, event.policyId] : others;
      },
    }),
    acceptAll: assign({ accepted: ({ context }) => context.policies.map((p) => p.id) }),
    submit: sendParent((): StageToParentEvent => ({ type: 'STAGE.SUBMIT', auth: new Sealed({ type: AuthType.Terms }) })),
    fail: sendParent(({ context }): StageToParentEvent => ({ type: 'STAGE.FAIL', error: context.invalid! })),
    ...errorActions<TermsStageContext>(),
  },
}).createMachine({
  id: 'termsStage',
  /** The initial context, built from the input the chart was given. */
  context: ({ input }) => {
    const parsed = parseTermsPolicies(input.params);
    return parsed instanceof ProtocolError
      ? { policies: [], accepted: [], invalid: parsed, error: null }
      : { policies: parsed, accepted: [], invalid: null, error: null };
  },
  initial: 'init',
  states: {
    init: {
      always: [{ guard: 'paramsInvalid', target: 'invalid' }, { target: 'waiting' }],
    },
    invalid: { entry: 'fail' },
    waiting: {
      tags: ['input'],
      on: {
        'TERMS.TOGGLE': { guard: 'knownPolicy', actions: 'toggle' },
        'TERMS.ACCEPT_ALL': { actions: 'acceptAll' },
        'TERMS.SUBMIT': { guard: 'allAccepted', target: 'submitted', actions: ['clearError', 'submit'] },
      },
    },
    submitted: submittedState('waiting'),
  },
});
