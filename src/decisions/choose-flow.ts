/**
 * Flow choice and next-stage decisions: pure functions, no state.
 *
 * The rules are matrix-js-sdk's, so apps see the same choices after switching: a flow is
 * acceptable only if it needs an email exactly when an email (or an email sid) is in hand, and a
 * phone number exactly when one is in hand; among acceptable flows the lowest score wins, where
 * the score is the number of stages plus 10 for each stage the app cannot do natively. Unlike
 * matrix-js-sdk, the server's list is never sorted in place: ties keep the server's order.
 */
import { NoAuthFlowFoundError } from '../errors/errors';
import type { UIAFlow, UiaInputs } from '../types';

// `AuthType.Email` and `.Msisdn`, spelt out: reading the AuthType object would bundle all of it.
const EMAIL = 'm.login.email.identity';
const MSISDN = 'm.login.msisdn';

/** What flow acceptability depends on. */
export interface FlowChoiceInputs {
  /** Values from the app; an email or phone makes those flows acceptable. */
  inputs?: UiaInputs;
  /** An email sid already obtained (resume): counts as having an email. */
  emailSid?: string;
  /** Stage types the app completes natively; `undefined` means all of them. */
  supportedStages?: readonly string[];
}

/** True when the inputs make an email stage possible. */
export function hasEmail(c: FlowChoiceInputs): boolean {
  return Boolean(c.inputs?.emailAddress) || Boolean(c.emailSid);
}

/** True when the inputs make an SMS stage possible. */
export function hasMsisdn(c: FlowChoiceInputs): boolean {
  return Boolean(c.inputs?.phoneCountry) && Boolean(c.inputs?.phoneNumber);
}

/** Whether a flow can be followed with these inputs (matrix-js-sdk's rule). */
export function isFlowAcceptable(flow: UIAFlow, c: FlowChoiceInputs): boolean {
  const flowHasEmail = flow.stages.includes(EMAIL);
  const flowHasMsisdn = flow.stages.includes(MSISDN);
  return flowHasEmail === hasEmail(c) && flowHasMsisdn === hasMsisdn(c);
}

/** Lower is better: stage count plus 10 per stage outside `supportedStages`. */
export function scoreFlow(flow: UIAFlow, supportedStages?: readonly string[]): number {
  let score = flow.stages.length;
  if (supportedStages) {
    for (const stage of flow.stages) if (!supportedStages.includes(stage)) score += 10;
  }
  return score;
}

/** Stages the inputs require a flow to contain, as reported by `NoAuthFlowFoundError`. */
export function requiredStages(c: FlowChoiceInputs): string[] {
  const required: string[] = [];
  if (hasEmail(c)) required.push(EMAIL);
  if (hasMsisdn(c)) required.push(MSISDN);
  return required;
}

/**
 * Picks the flow to follow.
 *
 * @param completed - stages the server reports done; when given, only flows containing all of
 *   them are considered first, so that a server that followed another acceptable flow (for
 *   example after an out-of-band stage) is followed too.
 * @returns the chosen flow (the server's object, not a copy), or `NoAuthFlowFoundError`.
 */
export function chooseFlow(
  flows: readonly UIAFlow[],
  c: FlowChoiceInputs,
  completed: readonly string[] = [],
): UIAFlow | NoAuthFlowFoundError {
  let best: UIAFlow | undefined;
  let bestScore = Infinity;
  let bestConsistent = false;
  for (const flow of flows) {
    if (!isFlowAcceptable(flow, c)) continue;
    const consistent = completed.every((s) => flow.stages.includes(s));
    const score = scoreFlow(flow, c.supportedStages);
    // A flow consistent with `completed` beats any that is not; then the lowest score; ties keep
    // the server's order because only a strictly better candidate replaces the current one.
    if ((consistent && !bestConsistent) || (consistent === bestConsistent && score < bestScore)) {
      best = flow;
      bestScore = score;
      bestConsistent = consistent;
    }
  }
  if (!best) {
    return new NoAuthFlowFoundError('No appropriate authentication flow found', requiredStages(c), flows.map((f) => ({ stages: [...f.stages] })));
  }
  return best;
}

/**
 * Keeps the current flow while it still fits, else chooses again.
 *
 * A flow picked by the app (`preferred`) or earlier in the negotiation stays chosen as long as
 * the server still offers it and everything completed belongs to it; when it no longer fits, the
 * flow consistent with `completed` is preferred. The first choice (no `preferred`) ignores
 * `completed`, as matrix-js-sdk's does, so a resumed session picks the same flow in both.
 */
export function resolveFlow(
  flows: readonly UIAFlow[],
  c: FlowChoiceInputs,
  completed: readonly string[],
  preferred: UIAFlow | null | undefined,
): UIAFlow | NoAuthFlowFoundError {
  if (preferred) {
    const offered = flows.find((f) => sameStages(f, preferred));
    if (offered && completed.every((s) => offered.stages.includes(s))) return offered;
    // Re-chosen because the server followed another flow: follow it.
    return chooseFlow(flows, c, completed);
  }
  // The first choice is matrix-js-sdk's: the fewest stages, whatever a resumed session completed
  // (flows [[email], [recaptcha, dummy, email]] with dummy completed: the email flow).
  return chooseFlow(flows, c);
}

/** The first stage of `flow` not yet completed, or `null` when every stage is done. */
export function nextStage(flow: UIAFlow, completed: readonly string[]): string | null {
  for (const stage of flow.stages) if (!completed.includes(stage)) return stage;
  return null;
}

/** Two flows with the same stages in the same order. */
export function sameStages(a: UIAFlow, b: UIAFlow): boolean {
  return a.stages.length === b.stages.length && a.stages.every((s, i) => b.stages[i] === s);
}
