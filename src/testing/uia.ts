/**
 * The User-Interactive Authentication engine every protected endpoint runs before acting.
 *
 * 1. No `auth`: open a session bound to this request and answer 401 `{session, flows, params}`
 *    (no `completed`, as in the spec's first example and in Synapse #1).
 * 2. `auth.session` names a session: unknown or expired → 400 "Unknown session ID"; another
 *    method or path, or (spec default) another body → 403 "Requested operation has changed".
 *    `auth` without a session opens one (Synapse does; #25, #28).
 * 3. `auth.type` given: run that stage unless it is already completed (a completed stage is never
 *    redone) — offered by a flow, in flow order (unless the quirk says otherwise), checked.
 *    No `type`: a poll; pending out-of-band stages are looked at again.
 * 4. A flow complete → the operation runs with the bound body. Otherwise 401 with `completed`,
 *    plus `errcode`/`error` when the attempt failed.
 */
import type { Requester } from './accounts';
import type { EndpointId } from './config';
import { json, matrixError, type SimResponse } from './http-types';
import { canonicalJson, isObject, withoutAuth, type JsonObject } from './json-values';
import { paramsFor } from './stage-params';
import { isFlowComplete, isNextStage, isOffered, missingBefore } from './stage-order';
import { acceptValidatedThreepid, checkStage, type StageOutcome } from './stages';
import type { RequestContext } from './state';
import type { UiaSession } from './uia-sessions';

/** Either the operation may run (with the body the session is bound to), or the answer to send. */
export type UiaResult = { ok: true; session: UiaSession | null; body: JsonObject } | { ok: false; response: SimResponse };

/** The message Synapse (and the simulator) send when a session is reused for another request. */
export const OPERATION_CHANGED = 'Requested operation has changed during the UI authentication session.';

/** The 401 body for a session. */
export function challenge(ctx: RequestContext, session: UiaSession, withCompleted: boolean, failure?: { errcode: string; error: string }): SimResponse {
  const body: JsonObject = {
    session: session.id,
    flows: session.flows.map((stages) => ({ stages: [...stages] })),
    params: paramsFor(ctx.state, ctx.baseUrl, session),
  };
  if (withCompleted) body.completed = [...session.completed];
  if (failure) {
    body.error = failure.error;
    body.errcode = failure.errcode;
  }
  return json(401, body);
}

/** Runs UIA for a request to `endpoint`. `requester` is the access token's owner, if any. */
export function authenticate(ctx: RequestContext, endpoint: EndpointId, requester: Requester | null, body: JsonObject): UiaResult {
  const { state, req } = ctx;
  const flows = state.config.endpoints[endpoint].flows;
  const params = withoutAuth(body);
  if (flows.length === 0) return { ok: true, session: null, body: params };

  const open = (): UiaSession =>
    state.sessions.create({ endpoint, method: req.method, path: req.path, body: params, flows, ...(requester ? { userId: requester.userId } : {}) });

  const auth = body.auth;
  if (!isObject(auth)) return { ok: false, response: challenge(ctx, open(), false) };

  let session: UiaSession;
  const sessionGiven = typeof auth.session === 'string';
  if (sessionGiven) {
    const found = state.sessions.get(auth.session as string);
    if (!found) return { ok: false, response: matrixError(400, 'M_UNKNOWN', `Unknown session ID: ${String(auth.session)}`) };
    session = found;
    const changed = bindingChanged(ctx, session, params);
    if (changed) return { ok: false, response: changed };
  } else {
    session = open();
  }

  let failure: { errcode: string; error: string } | undefined;
  if (typeof auth.type === 'string') {
    const outcome = attempt(ctx, session, auth.type, auth, requester, sessionGiven);
    if (outcome.kind === 'refused') return { ok: false, response: outcome.response };
    if (outcome.kind === 'failed') failure = { errcode: outcome.errcode, error: outcome.error };
  } else {
    pollPending(ctx, session, requester);
  }

  if (!failure && isFlowComplete(session.flows, session.completed)) return { ok: true, session, body: session.body };
  return { ok: false, response: challenge(ctx, session, true, failure) };
}

/** 403 when this request is not the one the session was opened for. */
function bindingChanged(ctx: RequestContext, session: UiaSession, params: JsonObject): SimResponse | undefined {
  const { req, state } = ctx;
  const refuse = () => matrixError(403, 'M_UNKNOWN', OPERATION_CHANGED);
  if (session.method !== req.method || session.path !== req.path) return refuse();
  // A body with nothing but `auth` is a poll: it continues the bound request (Synapse reuses the
  // stored body when none is given, so a second device can finish a session with its id alone).
  if (Object.keys(params).length === 0) return undefined;
  if (state.config.synapseQuirks.sessionBoundToPathOnly) {
    session.body = params;
    session.bodyKey = canonicalJson(params);
    return undefined;
  }
  return canonicalJson(params) === session.bodyKey ? undefined : refuse();
}

/** One typed stage submission. */
function attempt(ctx: RequestContext, session: UiaSession, type: string, auth: JsonObject, requester: Requester | null, sessionGiven: boolean): StageOutcome {
  if (session.completed.includes(type)) return { kind: 'done' };
  if (!isOffered(session.flows, type)) {
    return { kind: 'failed', errcode: 'M_UNRECOGNIZED', error: `Stage type ${type} is not offered for this request` };
  }
  if (!ctx.state.config.synapseQuirks.unorderedStages && !isNextStage(session.flows, session.completed, type)) {
    return { kind: 'failed', errcode: 'M_UNAUTHORIZED', error: `${type} must come after ${missingBefore(session.flows, session.completed, type).join(', ')}` };
  }
  const outcome = checkStage(type, { state: ctx.state, session, auth, requester, sessionGiven });
  if (outcome.kind === 'done') session.completed.push(type);
  return outcome;
}

/** A poll: an email/SMS attempted earlier may have been validated since. */
function pollPending(ctx: RequestContext, session: UiaSession, requester: Requester | null): void {
  const p = session.pendingThreepid;
  if (!p || session.completed.includes(p.type)) return;
  const v = ctx.state.threepids.find(p.sid, p.clientSecret);
  if (!v || v.validatedAt === undefined) return;
  if (!ctx.state.config.synapseQuirks.unorderedStages && !isNextStage(session.flows, session.completed, p.type)) return;
  const outcome = acceptValidatedThreepid(ctx.state, session, requester, v.medium, v.address, v.validatedAt);
  if (outcome.kind === 'done') session.completed.push(p.type);
}
