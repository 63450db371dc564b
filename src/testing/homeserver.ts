/**
 * The facade: {@link createHomeserver} builds one simulated homeserver, usable in-process
 * (`handle`, `fetch`) and over real HTTP (`listen`), with the handles a test needs to play the
 * user's part: read the outbox, click an email link, submit a fallback page, approve an m.oauth
 * request, manage users and registration tokens, script rate limits, read the request log.
 */
import { Accounts, type DeviceInput, type UserRecord } from './accounts';
import { resolveConfig, type HomeserverConfig, type ResolvedConfig } from './config';
import { CORS_HEADERS, dispatch, parseRequest, ROUTES } from './dispatch';
import { createFetch, type FetchFunction } from './fetch-adapter';
import { isResponse, type SimRequest, type SimResponse } from './http-types';
import { listenHttp, type ListeningServer } from './http-server';
import { Outbox, type OutboxMessage } from './outbox';
import { completeOutOfBand } from './out-of-band';
import { RateLimiter } from './rate-limits';
import { RegistrationTokens, type RegistrationTokenInfo } from './registration-tokens';
import { redact, redactPath, type RequestLogEntry } from './request-log';
import { approveOAuthStage } from './routes-simulator';
import { ACCOUNT_MANAGEMENT_PATH } from './delegated';
import { completeAccountAction } from './routes-account-management';
import { SUBMIT_TOKEN_PATH } from './routes-threepids';
import { OAUTH_APPROVE_PATH } from './stage-params';
import type { ServerState } from './state';
import { ThreepidValidations } from './threepid-validations';
import { UiaSessions } from './uia-sessions';

/** One simulated homeserver. */
export interface Homeserver {
  /** The live configuration: flip switches (quirks, flows, delay…) between requests. */
  readonly config: ResolvedConfig;
  /** Answers a request in-process. */
  handle(req: SimRequest): Promise<SimResponse>;
  /** A `fetch` answering in-process, e.g. `createClient({ fetch: hs.fetch, baseUrl: 'http://hs.test' })`. */
  readonly fetch: FetchFunction;
  /** Serves over HTTP on 127.0.0.1 (port 0: any free port). May be called more than once. */
  listen(port?: number): Promise<ListeningServer>;
  /** The URL of the last `listen`, if any. */
  readonly url: string | undefined;
  /** Emails and SMS sent. */
  readonly outbox: Outbox;
  /** The account directory (users, devices, tokens, 3PIDs). */
  readonly users: Accounts;
  /** Adds a user (`@alice:localhost` or `alice`) with optional devices. */
  addUser(userId: string, password: string, devices?: DeviceInput[]): UserRecord;
  /** A user by id or localpart. */
  getUser(userId: string): UserRecord | undefined;
  /** A fresh access token for a user's device (created if missing). */
  createAccessToken(userId: string, deviceId?: string): string;
  /** Registration tokens with Synapse's pending/completed counters. */
  readonly registrationTokens: RegistrationTokens;
  /** Adds a registration token (`usesAllowed` null: unlimited). */
  addRegistrationToken(token: string, usesAllowed?: number | null, expiryTime?: number | null): RegistrationTokenInfo;
  /** UIA sessions (inspect `completed`, expire one…). */
  readonly sessions: UiaSessions;
  /** Makes a session unknown now, as if it had expired. */
  expireSession(sessionId: string): boolean;
  /**
   * Does what the user's click on a validation link does. Accepts an address (the latest message
   * to it), a sid, or the link itself. Returns the message; throws when there is none.
   */
  clickEmailLink(addressSidOrLink: string): OutboxMessage;
  /** Marks a 3PID validation session validated without its token. */
  validateThreepid(sid: string): void;
  /** Approves the `m.oauth` / `org.matrix.cross_signing_reset` stage of a session. Throws if it cannot. */
  approveOAuth(sessionId: string): void;
  /** Completes a stage as if its fallback page had been submitted. Throws if it cannot. */
  completeFallback(sessionId: string, stageType: string): void;
  /** Completes whatever a fallback page URL, an m.oauth approval URL or (delegated auth) an account management URL stands for. */
  completeByUrl(url: string): void;
  /** The next `count` requests to `endpoint` (route template like `/register`) get 429. */
  rateLimitNext(endpoint: string, count?: number, retryAfterMs?: number): void;
  /** Every answered request, secrets redacted. */
  readonly requests: RequestLogEntry[];
  /** Calls `listener` after each request; returns an unsubscribe function. */
  onRequest(listener: (entry: RequestLogEntry) => void): () => void;
  /** Closes every HTTP listener opened by `listen`. */
  close(): Promise<void>;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function seed(state: ServerState, config: HomeserverConfig): void {
  for (const u of config.users ?? []) {
    const user = state.accounts.addUser(u.userId, u.password, u.devices ?? []);
    user.admin = u.admin ?? false;
    for (const email of u.emails ?? []) state.accounts.bindThreepid(user.userId, 'email', email, state.config.now());
    for (const msisdn of u.msisdns ?? []) state.accounts.bindThreepid(user.userId, 'msisdn', msisdn, state.config.now());
    if (u.crossSigningMasterKey) user.crossSigning.master = u.crossSigningMasterKey;
  }
  for (const t of config.registrationTokens ?? []) state.registrationTokens.add(t.token, t.usesAllowed ?? null, t.expiryTime ?? null);
  for (const r of config.rateLimits ?? []) state.rateLimiter.limitNext(r.endpoint, r.count, r.retryAfterMs);
}

/** Creates a simulated homeserver. Nothing listens until {@link Homeserver.listen}. */
export function createHomeserver(input: HomeserverConfig = {}): Homeserver {
  const config = resolveConfig(input);
  const now = () => config.now();
  const registrationTokens = new RegistrationTokens(now);
  const state: ServerState = {
    config,
    accounts: new Accounts(() => config.serverName, now),
    sessions: new UiaSessions(now, () => config.sessionTtlMs, (s) => {
      // An abandoned registration gives its token use back, as Synapse does on session expiry.
      if (s.registrationToken && !s.registeredUserId) registrationTokens.release(s.registrationToken);
    }),
    threepids: new ThreepidValidations(now),
    outbox: new Outbox(),
    registrationTokens,
    rateLimiter: new RateLimiter(),
  };
  seed(state, input);

  const requests: RequestLogEntry[] = [];
  const listeners = new Set<(entry: RequestLogEntry) => void>();
  const servers: ListeningServer[] = [];
  let url: string | undefined;

  const handle = async (req: SimRequest): Promise<SimResponse> => {
    const time = now();
    const parsed = parseRequest(req);
    if (config.responseDelayMs > 0) await sleep(config.responseDelayMs);
    const res = isResponse(parsed) ? parsed : await dispatch(state, parsed, url);
    const answer: SimResponse = { ...res, headers: { ...CORS_HEADERS, ...res.headers } };
    const entry: RequestLogEntry = {
      method: req.method.toUpperCase(),
      path: redactPath(req.path, ROUTES, req.method),
      body: isResponse(parsed) ? undefined : redact(parsed.body),
      authenticated: !isResponse(parsed) && (!!parsed.headers['authorization'] || parsed.query.has('access_token')),
      status: answer.status,
      time,
    };
    requests.push(entry);
    for (const l of listeners) l(entry);
    return answer;
  };

  const fail = (what: string, reason: string): never => {
    throw new Error(`${what}: ${reason}`);
  };

  const hs: Homeserver = {
    config,
    handle,
    fetch: createFetch(handle),
    async listen(port = 0) {
      const server = await listenHttp(handle, port);
      servers.push(server);
      url = server.url;
      return {
        ...server,
        close: async () => {
          const i = servers.indexOf(server);
          if (i >= 0) servers.splice(i, 1);
          await server.close();
        },
      };
    },
    get url() {
      return url;
    },
    outbox: state.outbox,
    users: state.accounts,
    addUser: (userId, password, devices) => state.accounts.addUser(userId, password, devices),
    getUser: (userId) => state.accounts.getUser(userId),
    createAccessToken: (userId, deviceId) => state.accounts.createAccessToken(userId, deviceId),
    registrationTokens,
    addRegistrationToken: (token, usesAllowed = null, expiryTime = null) => registrationTokens.add(token, usesAllowed, expiryTime),
    sessions: state.sessions,
    expireSession: (id) => state.sessions.expire(id),
    clickEmailLink(target) {
      if (target.includes(SUBMIT_TOKEN_PATH)) {
        const q = new URL(target, 'http://localhost').searchParams;
        const message = state.outbox.latest(q.get('sid') ?? '') ?? fail('clickEmailLink', `no message with sid ${q.get('sid')}`);
        const result = state.threepids.submit(q.get('sid') ?? '', q.get('client_secret') ?? '', q.get('token') ?? '');
        if (result !== 'validated') fail('clickEmailLink', result);
        return message;
      }
      const message = state.outbox.latest(target) ?? fail('clickEmailLink', `no message to ${target}`);
      state.threepids.submit(message.sid, message.client_secret, message.code);
      return message;
    },
    validateThreepid: (sid) => void state.threepids.markValidated(sid),
    approveOAuth(sessionId) {
      const r = approveOAuthStage({ state }, sessionId);
      if (!r.ok) fail('approveOAuth', r.reason);
    },
    completeFallback(sessionId, stageType) {
      const r = completeOutOfBand(state, sessionId, stageType);
      if (!r.ok) fail('completeFallback', r.reason);
    },
    completeByUrl(target) {
      const u = new URL(target, 'http://localhost');
      if (u.pathname === ACCOUNT_MANAGEMENT_PATH && state.config.delegatedAuth) return completeAccountAction(state, u);
      const session = u.searchParams.get('session') ?? fail('completeByUrl', 'no session in the URL');
      if (u.pathname === OAUTH_APPROVE_PATH) return hs.approveOAuth(session);
      const m = /\/auth\/([^/]+)\/fallback\/web$/.exec(u.pathname) ?? fail('completeByUrl', `not a fallback or approval URL: ${target}`);
      hs.completeFallback(session, decodeURIComponent(m[1]!));
    },
    rateLimitNext: (endpoint, count = 1, retryAfterMs = 1000) => state.rateLimiter.limitNext(endpoint, count, retryAfterMs),
    requests,
    onRequest(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async close() {
      await Promise.all([...servers].map((s) => s.close()));
      servers.length = 0;
    },
  };
  return hs;
}

/** A started homeserver. */
export interface StartedHomeserver {
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** The simulator itself (outbox, users, switches). */
  server: Homeserver;
  /** Stops listening. */
  close(): Promise<void>;
}

/** Creates a homeserver and listens on 127.0.0.1 (`port` 0: any free port). */
export async function startHomeserver(config: HomeserverConfig = {}, port = 0): Promise<StartedHomeserver> {
  const server = createHomeserver(config);
  const listening = await server.listen(port);
  return { url: listening.url, server, close: () => listening.close() };
}
