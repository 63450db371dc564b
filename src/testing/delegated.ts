/**
 * The simulator's "delegated auth" mode: a homeserver that hands authentication to an OAuth 2.0
 * server, as Synapse does with matrix-authentication-service (MAS). Its config, the config after
 * defaults, and the little state it keeps (when each user approved a cross-signing reset).
 *
 * The routes are in routes-delegated.ts (the API as Synapse answers it) and
 * routes-account-management.ts (the account management pages MAS would serve).
 */
import type { ServerState } from './state';

/** Which account management action names the simulated server advertises. */
export type ActionNaming =
  /** The six stable names of spec v1.18. */
  | 'stable'
  /** Only MSC4191's unstable session names (and profile, cross-signing reset), as early MAS did. */
  | 'unstable'
  /** What MAS >= 1.10 advertises: stable and unstable device names, no account deactivation. */
  | 'mas'
  /** An explicit list (possibly empty). */
  | string[];

/** The delegated mode's switches (`HomeserverConfig.delegatedAuth`); all optional. */
export interface DelegatedAuthConfig {
  /** The OAuth 2.0 issuer. Default `<base URL>/_simulator/oauth2/`. */
  issuer?: string;
  /** `account_management_uri`; `null` advertises none. Default `<base URL>/_simulator/account`. */
  accountManagementUri?: string | null;
  /** `account_management_actions_supported`. Default `'stable'`; `null` sends no list. */
  actions?: ActionNaming | null;
  /** `GET /versions` lists v1.15 (so clients use the stable discovery path). Default `false`, as Synapse. */
  advertiseV115?: boolean;
  /** How long an approved cross-signing reset lets the account replace its keys, in ms. Default 10 minutes (MAS). */
  approvalWindowMs?: number;
  /** The `session` of the cross-signing reset's 401. Default `"dummy"`, as Synapse. */
  resetSession?: string;
  /**
   * Require the auth dict of an upload after approval to carry `type` (one of the offered
   * stages). Default `false`: Synapse ignores the auth dict.
   */
  requireType?: boolean;
  /** Require the auth dict to carry the 401's `session`. Default `false`, as Synapse. */
  requireSession?: boolean;
  /** An `errcode` (and `error`) on the 401 while not approved, as some servers send. Default: none, as Synapse. */
  notApprovedErrcode?: string;
  /** The flows offered for the reset. Default `'both'`: `m.oauth` then `org.matrix.cross_signing_reset`, as Synapse. */
  resetFlows?: 'both' | 'stable' | 'unstable' | 'unstable-first';
}

/** The delegated mode after defaults. URLs `undefined` are derived from the request's base URL. */
export interface ResolvedDelegatedAuth {
  /** The issuer; `undefined` for `<base URL>/_simulator/oauth2/`. */
  issuer: string | undefined;
  /** The account page; `undefined` for the simulator's own, `null` for none. */
  accountManagementUri: string | null | undefined;
  /** The advertised action names; `null` for no list. */
  actions: string[] | null;
  /** `GET /versions` lists v1.15. */
  advertiseV115: boolean;
  /** Approval window of a cross-signing reset, in ms. */
  approvalWindowMs: number;
  /** The reset 401's session. */
  resetSession: string;
  /** The upload's auth dict must carry a `type`. */
  requireType: boolean;
  /** The upload's auth dict must carry the session. */
  requireSession: boolean;
  /** errcode of the 401 while not approved, if any. */
  notApprovedErrcode: string | undefined;
  /** The flows offered for the reset. */
  resetFlows: 'both' | 'stable' | 'unstable' | 'unstable-first';
}

/** The six stable action names (spec v1.18). */
export const STABLE_ACTIONS: readonly string[] = [
  'org.matrix.profile',
  'org.matrix.devices_list',
  'org.matrix.device_view',
  'org.matrix.device_delete',
  'org.matrix.account_deactivate',
  'org.matrix.cross_signing_reset',
];

const UNSTABLE_ACTIONS: readonly string[] = ['org.matrix.profile', 'org.matrix.sessions_list', 'org.matrix.session_view', 'org.matrix.session_end', 'org.matrix.cross_signing_reset'];

const MAS_ACTIONS: readonly string[] = [
  'org.matrix.profile',
  'org.matrix.devices_list',
  'org.matrix.device_view',
  'org.matrix.device_delete',
  'org.matrix.cross_signing_reset',
  'org.matrix.sessions_list',
  'org.matrix.session_view',
  'org.matrix.session_end',
];

/** Applies the defaults of the delegated mode. */
export function resolveDelegatedAuth(config: DelegatedAuthConfig): ResolvedDelegatedAuth {
  const naming = config.actions === undefined ? 'stable' : config.actions;
  const actions =
    naming === null ? null : naming === 'stable' ? [...STABLE_ACTIONS] : naming === 'unstable' ? [...UNSTABLE_ACTIONS] : naming === 'mas' ? [...MAS_ACTIONS] : [...naming];
  return {
    issuer: config.issuer,
    accountManagementUri: config.accountManagementUri === null ? null : config.accountManagementUri,
    actions,
    advertiseV115: config.advertiseV115 ?? false,
    approvalWindowMs: config.approvalWindowMs ?? 10 * 60 * 1000,
    resetSession: config.resetSession ?? 'dummy',
    requireType: config.requireType ?? false,
    requireSession: config.requireSession ?? false,
    notApprovedErrcode: config.notApprovedErrcode,
    resetFlows: config.resetFlows ?? 'both',
  };
}

/** Path of the simulator's account management page. */
export const ACCOUNT_MANAGEMENT_PATH = '/_simulator/account';
/** Path of the simulated OAuth 2.0 issuer (only its identifier is used). */
export const OAUTH_ISSUER_PATH = '/_simulator/oauth2/';

/** The issuer for a request. */
export function issuerFor(d: ResolvedDelegatedAuth, baseUrl: string): string {
  return d.issuer ?? `${baseUrl}${OAUTH_ISSUER_PATH}`;
}

/** The account management URI for a request, or `null` when none is advertised. */
export function accountUriFor(d: ResolvedDelegatedAuth, baseUrl: string): string | null {
  if (d.accountManagementUri === null) return null;
  return d.accountManagementUri ?? `${baseUrl}${ACCOUNT_MANAGEMENT_PATH}`;
}

/** The state the delegated mode keeps per server: when each user's reset approval ends. */
const approvals = new WeakMap<ServerState, Map<string, number>>();

/** Records that `userId` approved a cross-signing reset now (for the approval window). */
export function approveReset(state: ServerState, userId: string): void {
  const d = state.config.delegatedAuth;
  if (!d) throw new Error('the server does not delegate auth');
  let m = approvals.get(state);
  if (!m) approvals.set(state, (m = new Map()));
  m.set(userId, state.config.now() + d.approvalWindowMs);
  const pending = pendingResets.get(state);
  if (pending) pendingResets.set(state, pending.filter((u) => u !== userId));
}

/** Who was last told to approve a reset (the 401), per server: the approval page's default user. */
const pendingResets = new WeakMap<ServerState, string[]>();

/** Records that `userId` got the reset challenge (most recent last). */
export function noteResetRequested(state: ServerState, userId: string): void {
  const list = (pendingResets.get(state) ?? []).filter((u) => u !== userId);
  list.push(userId);
  pendingResets.set(state, list);
}

/** The user who most recently got the reset challenge and has not approved since, if any. */
export function pendingResetUser(state: ServerState): string | undefined {
  return pendingResets.get(state)?.at(-1);
}

/** Whether `userId` may replace their cross-signing keys now. */
export function resetApproved(state: ServerState, userId: string): boolean {
  const until = approvals.get(state)?.get(userId);
  return until !== undefined && state.config.now() < until;
}
