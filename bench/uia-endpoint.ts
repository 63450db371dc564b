/**
 * An in-process UIA-protected endpoint for the benchmarks: the one transport both libraries
 * talk to, so that every figure compares the libraries and nothing else.
 *
 * It is not a homeserver (no HTTP, accounts or mail; see src/testing for that): it answers one
 * endpoint the way Synapse 1.67 does (shapes checked against
 * test/fixtures/synapse-1.67.0-uia.json) and counts what it is sent. Answers are
 * settled on a microtask, like a transport that resolves as soon as the bytes are in, so the
 * CPU figures measure the client side only. Non-2xx answers reject with matrix-js-sdk's own
 * `MatrixError`, which matrix-js-sdk requires (`instanceof`) and matrix-uia accepts by shape.
 */
import { MatrixError } from 'matrix-js-sdk/lib/http-api/errors.js';

/** What the endpoint's owner set up: the flows, their params, and the credentials that pass. */
export interface EndpointConfig {
  flows: string[][];
  params?: Record<string, Record<string, unknown>>;
  password?: string;
  registrationToken?: string;
  /** `sid` the email stage accepts once validated. */
  emailSid?: string;
  /** The email link is "clicked" when this many email checks have been refused (0: at once). */
  emailValidatedAfterChecks?: number;
  /** Stages already complete for a session given up front (a resumed negotiation). */
  presetSession?: { id: string; completed: string[] };
}

/** Counts of what was sent, for the request table. */
export interface EndpointCounts {
  /** Requests to the protected endpoint (first request, submissions, polls). */
  requests: number;
  /** Of those, email checks (polls or submissions carrying `threepid_creds`). */
  emailChecks: number;
  /** Calls to requestToken (a different endpoint, listed separately). */
  emailTokenRequests: number;
}

/** One endpoint instance: its request function and counters. */
export interface UiaEndpoint {
  /** Makes the request with `auth`; resolves `{}` once a flow is complete. */
  request(auth: Record<string, unknown> | null | undefined): Promise<Record<string, never>>;
  /** The requestToken call for `m.login.email.identity`. */
  requestEmailToken(): Promise<{ sid: string }>;
  counts: EndpointCounts;
  /** Marks the email as validated now (the user clicked the link). */
  clickEmailLink(): void;
}

interface SessionState {
  completed: string[];
}

let nextSession = 0;

/** Builds the answer body the way Synapse does: a fresh object each time (clients mutate it). */
function challenge(config: EndpointConfig, session: string, completed: string[] | null, error?: { errcode: string; error: string }) {
  const body: Record<string, unknown> = {
    session,
    flows: config.flows.map((stages) => ({ stages: [...stages] })),
    params: config.params ?? {},
  };
  // Synapse leaves `completed` out of the answer that creates the session.
  if (completed) body.completed = [...completed];
  if (error) Object.assign(body, error);
  return body;
}

/**
 * The error class non-2xx answers reject with. matrix-js-sdk recognises its own class only
 * (`instanceof`), so each version of it is given an endpoint rejecting with that version's class.
 */
export type HttpErrorClass = new (data: Record<string, unknown>, httpStatus: number) => Error;

/** Creates an endpoint with its own sessions and counters; non-2xx answers reject with `ErrorClass`. */
export function createUiaEndpoint(config: EndpointConfig, ErrorClass: HttpErrorClass = MatrixError as unknown as HttpErrorClass): UiaEndpoint {
  const sessions = new Map<string, SessionState>();
  if (config.presetSession) sessions.set(config.presetSession.id, { completed: [...config.presetSession.completed] });
  const counts: EndpointCounts = { requests: 0, emailChecks: 0, emailTokenRequests: 0 };
  let emailRefusalsLeft = config.emailValidatedAfterChecks ?? 0;
  let linkClicked = false;

  /** Whether this dict completes `stage`, or the error Synapse gives when it does not. */
  function check(stage: string, auth: Record<string, unknown>): { errcode: string; error: string } | null {
    switch (stage) {
      case 'm.login.password':
        return auth.password === config.password ? null : { errcode: 'M_FORBIDDEN', error: 'Invalid username or password' };
      case 'm.login.registration_token':
        return auth.token === config.registrationToken ? null : { errcode: 'M_FORBIDDEN', error: 'Invalid registration token' };
      case 'm.login.email.identity': {
        counts.emailChecks++;
        const creds = auth.threepid_creds as { sid?: unknown } | undefined;
        if (creds?.sid === config.emailSid) {
          if (linkClicked) return null;
          if (emailRefusalsLeft <= 0) return null;
          emailRefusalsLeft--;
        }
        return { errcode: 'M_UNAUTHORIZED', error: 'Unable to get validated threepid' };
      }
      default:
        return null; // terms, dummy: the dict itself is the proof
    }
  }

  const answer = (auth: Record<string, unknown> | null | undefined): Record<string, never> => {
    counts.requests++;
    const sessionId = typeof auth?.session === 'string' ? auth.session : undefined;
    let state = sessionId ? sessions.get(sessionId) : undefined;
    if (sessionId && !state) throw new ErrorClass({ errcode: 'M_UNKNOWN', error: `Unknown session ID: ${sessionId}` }, 400);
    let id = sessionId;
    if (!state || !id) {
      id = `S${++nextSession}`;
      state = { completed: [] };
      sessions.set(id, state);
    }
    const type = typeof auth?.type === 'string' ? auth.type : undefined;
    let error: { errcode: string; error: string } | undefined;
    if (type) {
      const refused = check(type, auth!);
      if (refused) error = refused;
      else if (!state.completed.includes(type)) state.completed.push(type);
    }
    const done = config.flows.some((f) => f.every((s) => state.completed.includes(s)));
    if (done) {
      sessions.delete(id);
      return {};
    }
    throw new ErrorClass(challenge(config, id, sessionId ? state.completed : null, error), 401);
  };

  return {
    // Settled on a microtask: the client sees an asynchronous transport with no latency.
    request: (auth) => Promise.resolve(auth).then(answer),
    requestEmailToken: () => {
      counts.emailTokenRequests++;
      return Promise.resolve({ sid: config.emailSid ?? 'sid' });
    },
    counts,
    clickEmailLink: () => {
      linkClicked = true;
    },
  };
}
