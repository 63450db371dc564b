/**
 * UIA sessions: the server side of one negotiation. A session is bound to the request that
 * opened it (method, path, body without `auth`), remembers the stages completed and what they
 * established (the user, a validated 3PID, a reserved registration token), and expires.
 */
import type { EndpointId } from './config';
import { newSessionId } from './ids';
import { canonicalJson, type JsonObject } from './json-values';

/** A 3PID a stage proved the user controls. */
export interface SessionThreepid {
  /** Kind of identifier validated. */
  medium: 'email' | 'msisdn';
  /** The email address, or the phone number in digits. */
  address: string;
  /** When it was validated, in ms since the epoch. */
  validatedAt: number;
}

/** One UIA session. */
export interface UiaSession {
  /** The session id given to the client. */
  id: string;
  /** Which UIA endpoint opened it. */
  endpoint: EndpointId;
  /** HTTP method of the request it is bound to. */
  method: string;
  /** Path of the request it is bound to. */
  path: string;
  /** The body it is bound to (without `auth`). */
  body: JsonObject;
  /** `canonicalJson(body)`, compared on each request. */
  bodyKey: string;
  /** The flows offered when it was opened. */
  flows: string[][];
  /** Completed stage types, in completion order. */
  completed: string[];
  /** When it was opened, in ms since the epoch; expiry counts from here. */
  createdAt: number;
  /** The user this session authenticates: the access token's, or the one a stage identified. */
  userId?: string;
  /** The 3PID an email/msisdn stage validated (bound on registration, identifies on reset). */
  threepid?: SessionThreepid;
  /** Creds of an email/msisdn attempt still waiting for validation, checked again on polls. */
  pendingThreepid?: {
    /** The stage type (`m.login.email.identity` or `m.login.msisdn`). */
    type: string;
    /** Validation sid of that attempt. */
    sid: string;
    /** Client secret of that attempt. */
    clientSecret: string;
  };
  /** A registration token this session reserved. */
  registrationToken?: string;
  /** The user this session registered (a retried registration logs in again instead). */
  registeredUserId?: string;
}

/** The sessions of one simulated homeserver. */
export class UiaSessions {
  private readonly sessions = new Map<string, UiaSession>();

  /** Creates an empty store; `now` is the clock (ms), `ttlMs` the session lifetime. */
  constructor(
    private readonly now: () => number,
    private readonly ttlMs: () => number,
    /** Called when a session is dropped (to release a reserved registration token). */
    private readonly onDrop: (session: UiaSession) => void = () => {},
  ) {}

  /** Opens a session for a request. */
  create(init: { endpoint: EndpointId; method: string; path: string; body: JsonObject; flows: string[][]; userId?: string }): UiaSession {
    const session: UiaSession = {
      id: newSessionId(),
      endpoint: init.endpoint,
      method: init.method,
      path: init.path,
      body: init.body,
      bodyKey: canonicalJson(init.body),
      flows: init.flows.map((f) => [...f]),
      completed: [],
      createdAt: this.now(),
      ...(init.userId ? { userId: init.userId } : {}),
    };
    this.sessions.set(session.id, session);
    return session;
  }

  /** A live session, or `undefined` when unknown or expired (an expired one is dropped). */
  get(id: string): UiaSession | undefined {
    const s = this.sessions.get(id);
    if (!s) return undefined;
    if (this.now() - s.createdAt >= this.ttlMs()) {
      this.drop(s);
      return undefined;
    }
    return s;
  }

  /** Makes a session unknown now, as if it had timed out. Returns false when it did not exist. */
  expire(id: string): boolean {
    const s = this.sessions.get(id);
    if (!s) return false;
    this.drop(s);
    return true;
  }

  /** Every live session (expired ones are dropped on the way). */
  list(): UiaSession[] {
    return [...this.sessions.keys()].map((id) => this.get(id)).filter((s): s is UiaSession => !!s);
  }

  /** The session opened most recently, if any (handy in tests). */
  latest(): UiaSession | undefined {
    const all = this.list();
    return all[all.length - 1];
  }

  private drop(s: UiaSession): void {
    this.sessions.delete(s.id);
    this.onDrop(s);
  }
}
