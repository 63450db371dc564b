/**
 * Flow arithmetic: which stage may come next, and whether a flow is done.
 *
 * The spec has clients complete "the stages of a flow in order"; by default the simulator accepts
 * a stage only when every stage before it in some flow is completed. Synapse does not check
 * ({@link SynapseQuirks.unorderedStages}).
 */

/** True when `type` is the next stage of some flow given `completed`. */
export function isNextStage(flows: string[][], completed: readonly string[], type: string): boolean {
  return flows.some((flow) => {
    const i = flow.indexOf(type);
    return i >= 0 && flow.slice(0, i).every((s) => completed.includes(s));
  });
}

/** True when some flow has all its stages completed. */
export function isFlowComplete(flows: string[][], completed: readonly string[]): boolean {
  return flows.some((flow) => flow.every((s) => completed.includes(s)));
}

/** True when some flow offers the stage. */
export function isOffered(flows: string[][], type: string): boolean {
  return flows.some((flow) => flow.includes(type));
}

/** The stages that must come before `type` in the flow closest to done (for error messages). */
export function missingBefore(flows: string[][], completed: readonly string[], type: string): string[] {
  let best: string[] | undefined;
  for (const flow of flows) {
    const i = flow.indexOf(type);
    if (i < 0) continue;
    const missing = flow.slice(0, i).filter((s) => !completed.includes(s));
    if (!best || missing.length < best.length) best = missing;
  }
  return best ?? [];
}
