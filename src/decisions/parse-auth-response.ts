/**
 * Parsing and classification of homeserver answers.
 *
 * Every answer is untrusted input. `classifyResponse` turns the outcome of one request into a
 * discriminated union the chart's guards route on; it never throws, so a malformed body becomes a
 * typed `ProtocolError` outcome instead of an exception inside a transition.
 */
import { EndpointError, ProtocolError } from '../errors/errors';
import { VERBOSE } from '../errors/verbose';
import { MAX_COMPLETED, MAX_FLOWS, MAX_PARAMS_JSON_LENGTH, MAX_SESSION_LENGTH, MAX_STAGES_PER_FLOW, MAX_STAGE_TYPE_LENGTH } from './limits';
import { EMPTY_LIST, EMPTY_RECORD } from './shared-empty';
import type { AuthChallenge, UIAFlow } from '../types';

/** What one request to the endpoint being authorised came back with. */
export type RequestOutcome<T = unknown> =
  | {
      /** The endpoint answered 2xx. */
      kind: 'success';
      /** Its parsed body. */
      data: T;
    }
  | {
      /** The endpoint answered non-2xx. */
      kind: 'http';
      /** HTTP status code. */
      status: number;
      /** Parsed JSON body, or `undefined` if none. */
      data: unknown;
      /** Retry-After header value, in ms. */
      retryAfterMs?: number;
    };

/** The meaning of a {@link RequestOutcome}, as the chart routes it. */
export type ResponseClass<T = unknown> =
  | {
      /** A 2xx answer: the negotiation is done. */
      kind: 'success';
      /** The endpoint's parsed result. */
      data: T;
    }
  | {
      /** A 401 asking for (more) authentication. */
      kind: 'challenge';
      /** The validated 401 body. */
      challenge: AuthChallenge;
    }
  | {
      /** A 429 answer. */
      kind: 'rateLimited';
      /** Server-asked wait in ms; `undefined` when it gave none. */
      retryAfterMs: number | undefined;
    }
  | {
      /** A final failure. */
      kind: 'error';
      /** The endpoint's refusal, or a malformed 401. */
      error: EndpointError | ProtocolError;
    };

/** Error codes of a 401 that is about the access token, not about UIA. */
const TOKEN_ERRCODES = new Set(['M_MISSING_TOKEN', 'M_UNKNOWN_TOKEN']);

/** A JSON object: not an array, not `null` (shared with the snapshot checker, src/api/restore-snapshot.ts). */
export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A finite number ≥ 0: what a wait, a count or a limit in an answer or an option must be. */
export function isFiniteNonNegative(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v) && v >= 0;
}

/**
 * Validates a 401 body as a UIA challenge.
 *
 * @returns the challenge, or a `ProtocolError` naming the first thing wrong with it.
 */
export function parseAuthChallenge(body: unknown): AuthChallenge | ProtocolError {
  if (!isRecord(body)) return new ProtocolError(VERBOSE ? '401 body is not a JSON object' : 'bad 401 body');
  const { flows, params, session, completed, errcode, error } = body;
  if (!Array.isArray(flows)) return new ProtocolError(VERBOSE ? '401 body has no "flows" list' : 'bad 401 flows');
  if (flows.length > MAX_FLOWS) return new ProtocolError(VERBOSE ? `401 body has ${flows.length} flows (limit ${MAX_FLOWS})` : 'bad 401 flows');
  for (const flow of flows) {
    if (!isRecord(flow) || !Array.isArray(flow.stages)) return new ProtocolError(VERBOSE ? 'a flow is not an object with a "stages" list' : 'bad 401 stages');
    if (flow.stages.length > MAX_STAGES_PER_FLOW) {
      return new ProtocolError(VERBOSE ? `a flow has ${flow.stages.length} stages (limit ${MAX_STAGES_PER_FLOW})` : 'bad 401 stages');
    }
    for (const stage of flow.stages) {
      // `.`/`..` are no stage types, and would escape the fallback page's path segment.
      if (typeof stage !== 'string' || stage.length === 0 || stage.length > MAX_STAGE_TYPE_LENGTH || stage === '.' || stage === '..') {
        return new ProtocolError(VERBOSE ? 'a flow has a stage that is not a non-empty string' : 'bad 401 stages');
      }
    }
  }
  // Copied, so nothing downstream can mutate (or be mutated through) the server's arrays; by
  // `map`, which allocates the exact length (a `push` onto `[]` reserves 17 slots, kept for as
  // long as the negotiation waits).
  const parsedFlows: UIAFlow[] = flows.map((flow: { stages: string[] }) => ({ stages: [...flow.stages] }));
  if (session !== undefined && (typeof session !== 'string' || session.length === 0 || session.length > MAX_SESSION_LENGTH)) {
    return new ProtocolError(VERBOSE ? '"session" is not a non-empty string' : 'bad 401 session');
  }
  // No prototype: a stage type `__proto__` (or `constructor`) is a key like any other, and can
  // neither replace the object's prototype nor find an inherited value. None kept: the shared one.
  let parsedParams: AuthChallenge['params'] = EMPTY_RECORD;
  if (params !== undefined && params !== null) {
    if (!isRecord(params)) return new ProtocolError(VERBOSE ? '"params" is not an object' : 'bad 401 params');
    let size: number;
    try {
      size = JSON.stringify(params).length;
    } catch {
      return new ProtocolError(VERBOSE ? '"params" cannot be serialised' : 'bad 401 params');
    }
    if (size > MAX_PARAMS_JSON_LENGTH) return new ProtocolError(VERBOSE ? `"params" is ${size} characters (limit ${MAX_PARAMS_JSON_LENGTH})` : 'bad 401 params');
    const kept = Object.create(null) as AuthChallenge['params'];
    for (const [type, value] of Object.entries(params)) {
      // A stage's params that are not an object are unusable; drop them rather than fail the whole flow.
      if (isRecord(value)) {
        kept[type] = value;
        parsedParams = kept;
      }
    }
  }
  let parsedCompleted: string[] = EMPTY_LIST;
  if (completed !== undefined && completed !== null) {
    if (!Array.isArray(completed) || completed.some((c) => typeof c !== 'string')) {
      return new ProtocolError(VERBOSE ? '"completed" is not a list of strings' : 'bad 401 completed');
    }
    if (completed.length > MAX_COMPLETED) return new ProtocolError(VERBOSE ? `"completed" has ${completed.length} entries (limit ${MAX_COMPLETED})` : 'bad 401 completed');
    if (completed.length) parsedCompleted = [...(completed as string[])];
  }
  const challenge: AuthChallenge = { flows: parsedFlows, params: parsedParams, completed: parsedCompleted };
  if (typeof session === 'string') challenge.session = session;
  if (typeof errcode === 'string') challenge.errcode = errcode;
  if (typeof error === 'string') challenge.error = error;
  return challenge;
}

/**
 * Reads the wait a 429 asks for: the body's `retry_after_ms`, else the transport's Retry-After.
 */
export function readRetryAfterMs(data: unknown, headerMs?: number): number | undefined {
  const fromBody = isRecord(data) ? data.retry_after_ms : undefined;
  return isFiniteNonNegative(fromBody) ? fromBody : isFiniteNonNegative(headerMs) ? headerMs : undefined;
}

/**
 * Classifies one request outcome.
 *
 * @param known - the challenge already in hand, if any. Synapse has been seen (by matrix-js-sdk)
 *   answering polls with a 401 that lacks flows, session and completed; when such a body comes
 *   while a negotiation is under way the known values are kept. A 401 about the access token
 *   (M_MISSING_TOKEN, M_UNKNOWN_TOKEN) is never UIA, whatever is known. Only `flows`, `params`,
 *   `completed` and `session` are read (the chart passes its context).
 */
export function classifyResponse<T>(outcome: RequestOutcome<T>, known?: Pick<AuthChallenge, 'flows' | 'params' | 'completed' | 'session'> | null): ResponseClass<T> {
  if (outcome.kind === 'success') return outcome;
  const { status, data } = outcome;
  if (status === 429) return { kind: 'rateLimited', retryAfterMs: readRetryAfterMs(data, outcome.retryAfterMs) };
  if (status !== 401) return { kind: 'error', error: new EndpointError(status, data) };
  const body = isRecord(data) ? data : undefined;
  if (body && typeof body.errcode === 'string' && TOKEN_ERRCODES.has(body.errcode)) {
    return { kind: 'error', error: new EndpointError(status, data) };
  }
  if (body && body.flows === undefined) {
    if (!known) return { kind: 'error', error: new EndpointError(status, data) };
    // Fill what the body lacks from what is known, then validate the result like any other body.
    // Only the challenge's own fields: `known` may be a larger object (the chart's context).
    const { params, completed, session } = known;
    return classifyResponse({ kind: 'http', status, data: { params, completed, session, ...body, flows: known.flows } });
  }
  const parsed = parseAuthChallenge(data);
  if (parsed instanceof ProtocolError) return { kind: 'error', error: parsed };
  return { kind: 'challenge', challenge: parsed };
}
