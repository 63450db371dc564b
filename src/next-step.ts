/**
 * What the negotiation does after the server's latest 401: a pure decision over what is known.
 */
import { NoAuthFlowFoundError } from './errors';
import { nextStage, resolveFlow, type FlowChoiceInputs } from './choose-flow';
import type { UIAFlow } from './types';

/** Everything {@link decideNextStep} reads. */
export interface NextStepInputs extends FlowChoiceInputs {
  flows: readonly UIAFlow[];
  completed: readonly string[];
  /** The flow the app picked, or the one followed so far. */
  preferredFlow: UIAFlow | null;
  /** The stage currently open, if any. */
  currentStage: string | null;
}

/** The decision. */
export type NextStep =
  | { kind: 'noFlow'; error: NoAuthFlowFoundError }
  /** Every stage of the flow is complete, yet the server still answered 401: ask again with the session. */
  | { kind: 'flowComplete'; flow: UIAFlow }
  /** Open `stage` (`same`: it is the stage already open, which the server refused or has not seen done). */
  | { kind: 'stage'; flow: UIAFlow; stage: string; same: boolean };

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
