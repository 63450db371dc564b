/**
 * What the negotiation does after the server's latest 401: a pure decision over what is known.
 */
import { NoAuthFlowFoundError } from '../errors/errors';
import { nextStage, resolveFlow, type FlowChoiceInputs } from './choose-flow';
import type { UIAFlow } from '../types';

/** Everything {@link decideNextStep} reads. */
export interface NextStepInputs extends FlowChoiceInputs {
  /** Flows offered by the last 401. */
  flows: readonly UIAFlow[];
  /** Stage types the server reports completed. */
  completed: readonly string[];
  /** The flow the app picked, or the one followed so far. */
  preferredFlow: UIAFlow | null;
  /** The stage currently open, if any. */
  currentStage: string | null;
}

/** The decision. */
export type NextStep =
  | {
      /** No offered flow is acceptable. */
      kind: 'noFlow';
      /** The error to fail with, listing the offered flows. */
      error: NoAuthFlowFoundError;
    }
  /** Every stage of the flow is complete, yet the server still answered 401: ask again with the session. */
  | {
      /** Every stage is done; resubmit `{session}`. */
      kind: 'flowComplete';
      /** The completed flow. */
      flow: UIAFlow;
    }
  /** Open `stage` (`same`: it is the stage already open, which the server refused or has not seen done). */
  | {
      /** Open a stage. */
      kind: 'stage';
      /** The flow being followed. */
      flow: UIAFlow;
      /** The stage type to open. */
      stage: string;
      /** True when it is the stage already open. */
      same: boolean;
    };

/** Decides the next step. Never mutates its inputs. */
export function decideNextStep(i: NextStepInputs): NextStep {
  const flow = resolveFlow(i.flows, i, i.completed, i.preferredFlow);
  if (flow instanceof NoAuthFlowFoundError) return { kind: 'noFlow', error: flow };
  const stage = nextStage(flow, i.completed);
  if (stage === null) return { kind: 'flowComplete', flow };
  return { kind: 'stage', flow, stage, same: stage === i.currentStage };
}

/** Two `completed` lists with the same members (servers do not keep flow order there). */
export function sameMembers(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  return a.every((s) => b.includes(s));
}
