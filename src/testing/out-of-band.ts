/**
 * Completing a stage outside the UIA request: a fallback page submitted, an `m.oauth` approval.
 * The stage is recorded in the session at once (as Synapse does), and the client's next request
 * — typically a poll `{auth: {session}}` — finds it completed.
 */
import { isNextStage, isOffered } from './stage-order';
import type { ServerState } from './state';
import type { UiaSession } from './uia-sessions';

/** Why an out-of-band completion was refused, in words a page can show. */
export type OutOfBandResult = { ok: true; session: UiaSession } | { ok: false; status: number; reason: string };

/** Finds the session and checks the stage may be completed now. */
export function checkOutOfBand(state: ServerState, sessionId: string, type: string): OutOfBandResult {
  const session = state.sessions.get(sessionId);
  if (!session) return { ok: false, status: 400, reason: `Unknown session ID: ${sessionId}` };
  if (!isOffered(session.flows, type)) return { ok: false, status: 400, reason: `Stage ${type} is not offered in this session` };
  if (!session.completed.includes(type) && !state.config.synapseQuirks.unorderedStages && !isNextStage(session.flows, session.completed, type)) {
    return { ok: false, status: 400, reason: `Complete the stages before ${type} first` };
  }
  return { ok: true, session };
}

/** Marks the stage completed (idempotent). */
export function completeOutOfBand(state: ServerState, sessionId: string, type: string): OutOfBandResult {
  const checked = checkOutOfBand(state, sessionId, type);
  if (checked.ok && !checked.session.completed.includes(type)) checked.session.completed.push(type);
  return checked;
}
