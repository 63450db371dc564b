/**
 * Servers that delegate authentication to an OAuth 2.0 server (the Client-Server API's "OAuth 2.0
 * API", spec v1.15+; Synapse with matrix-authentication-service): reading their auth metadata and
 * building the account management URL for an action. Pure functions, no I/O: discovery itself is
 * in `matrix-uia/fetch` (`discoverAuthMetadata`) and `matrix-uia/matrix-js-sdk`.
 *
 * Such a server answers 404 `M_UNRECOGNIZED` for the UIA endpoints of device deletion,
 * deactivation, password change and 3PID changes, and 403 for registration; the spec (v1.18,
 * "OAuth 2.0 aware clients") says a client MUST send the user to the account management URL
 * instead (`action=org.matrix.device_delete&device_id=…` for signing out another device).
 *
 * Action names (spec v1.18, MSC4191): the stable names are preferred; the unstable aliases
 * (`org.matrix.sessions_list`, `org.matrix.session_view`, `org.matrix.session_end`, which MAS
 * advertised first) are used only when the server advertises the alias and not the stable name;
 * when it advertises neither, the URL carries no action. A server that sends no
 * `account_management_actions_supported` list at all said nothing, so the stable name is used
 * (ruma's rule).
 */

/** The account management actions of the spec (v1.18), by their stable names. */
export type AccountManagementAction =
  | 'org.matrix.profile'
  | 'org.matrix.devices_list'
  | 'org.matrix.device_view'
  | 'org.matrix.device_delete'
  | 'org.matrix.account_deactivate'
  | 'org.matrix.cross_signing_reset';

/** Every stable action name, for iteration. */
export const ACCOUNT_MANAGEMENT_ACTIONS: readonly AccountManagementAction[] = [
  'org.matrix.profile',
  'org.matrix.devices_list',
  'org.matrix.device_view',
  'org.matrix.device_delete',
  'org.matrix.account_deactivate',
  'org.matrix.cross_signing_reset',
];

/** The unstable alias of a stable action (MSC4191's first names), where it has one. */
export const UNSTABLE_ACTION_ALIASES: Readonly<Partial<Record<AccountManagementAction, string>>> = {
  'org.matrix.devices_list': 'org.matrix.sessions_list',
  'org.matrix.device_view': 'org.matrix.session_view',
  'org.matrix.device_delete': 'org.matrix.session_end',
};

/** Actions that take a `device_id` parameter. */
const DEVICE_ACTIONS: ReadonlySet<string> = new Set(['org.matrix.device_view', 'org.matrix.device_delete', 'org.matrix.session_view', 'org.matrix.session_end']);

/**
 * The part of the homeserver's auth metadata (`GET /_matrix/client/v1/auth_metadata`, the OAuth
 * 2.0 server metadata of RFC 8414 plus MSC4191's fields) this library reads. Other fields are
 * kept as the server sent them.
 */
export interface AuthMetadata {
  /** The OAuth 2.0 server's issuer identifier (an https URL). */
  issuer: string;
  /** The account management page, if the server has one (MSC4191). */
  account_management_uri?: string;
  /** The actions that page supports, if the server lists them (MSC4191). */
  account_management_actions_supported?: string[];
  /** Every other field of the metadata, untouched. */
  [field: string]: unknown;
}

/** What {@link accountManagementUrl} builds. */
export interface AccountManagementLink {
  /** The URL to open: the account management URI with `action` (and `device_id`) added when an action applies. */
  url: string;
  /** The `action` parameter put in `url` (stable or unstable name), or `null` when the server supports neither. */
  action: string | null;
}

function isHttpUrl(v: unknown): v is string {
  if (typeof v !== 'string') return false;
  try {
    const u = new URL(v);
    return u.protocol === 'https:' || u.protocol === 'http:';
  } catch {
    return false;
  }
}

/**
 * Validates an `auth_metadata` answer. Only what this library relies on is checked: an `issuer`
 * that is an http(s) URL; `account_management_uri` kept only when it is an http(s) URL (a `javascript:` URL from
 * a hostile server must never be opened); the action list kept only as strings.
 *
 * @returns the metadata, or `null` when the body is not auth metadata.
 */
export function parseAuthMetadata(body: unknown): AuthMetadata | null {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return null;
  const b = body as Record<string, unknown>;
  // RFC 8414: the issuer is an https URL; it may be shown or opened (registration), so no other scheme.
  if (!isHttpUrl(b.issuer)) return null;
  const out: AuthMetadata = { ...b, issuer: b.issuer };
  delete out.account_management_uri;
  delete out.account_management_actions_supported;
  if (isHttpUrl(b.account_management_uri)) out.account_management_uri = b.account_management_uri;
  if (Array.isArray(b.account_management_actions_supported)) {
    out.account_management_actions_supported = b.account_management_actions_supported.filter((a): a is string => typeof a === 'string');
  }
  return out;
}

/**
 * The `action` name to send for `action`: the stable name when advertised (or when the server
 * sends no list), else the unstable alias when only that is advertised, else `null`.
 */
export function advertisedActionName(metadata: Pick<AuthMetadata, 'account_management_actions_supported'>, action: AccountManagementAction): string | null {
  const supported = metadata.account_management_actions_supported;
  if (!supported) return action;
  if (supported.includes(action)) return action;
  const alias = UNSTABLE_ACTION_ALIASES[action];
  return alias && supported.includes(alias) ? alias : null;
}

/**
 * Builds the account management URL for an action.
 *
 * `action` `null` asks for the page itself (there is no action for a password change or
 * registration). `deviceId` is added as `device_id` (percent-encoded) for the device actions only,
 * and only when the action itself is put in the URL. A query or fragment already in the URI is
 * kept.
 *
 * @returns the URL and the action put in it; `null` when the metadata has no (http/https)
 *   `account_management_uri`.
 */
export function accountManagementUrl(
  metadata: Pick<AuthMetadata, 'account_management_uri' | 'account_management_actions_supported'> | null | undefined,
  action: AccountManagementAction | null,
  options: { deviceId?: string } = {},
): AccountManagementLink | null {
  const base = metadata?.account_management_uri;
  if (!isHttpUrl(base)) return null;
  const name = action ? advertisedActionName(metadata!, action) : null;
  if (!name) return { url: base, action: null };
  const hashAt = base.indexOf('#');
  const head = hashAt >= 0 ? base.slice(0, hashAt) : base;
  const hash = hashAt >= 0 ? base.slice(hashAt) : '';
  let query = `action=${encodeURIComponent(name)}`;
  if (options.deviceId !== undefined && DEVICE_ACTIONS.has(name)) query += `&device_id=${encodeURIComponent(options.deviceId)}`;
  const sep = !head.includes('?') ? '?' : head.endsWith('?') || head.endsWith('&') ? '' : '&';
  return { url: `${head}${sep}${query}${hash}`, action: name };
}

/** Path of the stable discovery endpoint (spec v1.15). */
export const AUTH_METADATA_PATH = '/_matrix/client/v1/auth_metadata';
/** Path of the unstable discovery endpoint (MSC2965), served by servers that predate v1.15. */
export const UNSTABLE_AUTH_METADATA_PATH = '/_matrix/client/unstable/org.matrix.msc2965/auth_metadata';

/** Whether a `/versions` list includes spec v1.15 or later (the version that added the stable endpoint). */
export function supportsStableAuthMetadata(versions: readonly unknown[]): boolean {
  return versions.some((v) => {
    const m = typeof v === 'string' ? /^v(\d+)\.(\d+)$/.exec(v) : null;
    return m !== null && (Number(m[1]) > 1 || (Number(m[1]) === 1 && Number(m[2]) >= 15));
  });
}

/**
 * The discovery paths to try, in order: the stable one when `/versions` lists v1.15+, the
 * unstable one when it does not, both (stable first) when the versions are unknown (`null`).
 */
export function authMetadataPaths(versions: readonly unknown[] | null): string[] {
  if (versions === null) return [AUTH_METADATA_PATH, UNSTABLE_AUTH_METADATA_PATH];
  return supportsStableAuthMetadata(versions) ? [AUTH_METADATA_PATH] : [UNSTABLE_AUTH_METADATA_PATH];
}

/**
 * Whether a non-2xx answer to a discovery request means "this server has no auth metadata": the
 * spec's 404/405 `M_UNRECOGNIZED`, and any other 4xx but 429 (a legacy server or its proxy
 * refusing an unknown path). A 429 or 5xx is a passing fault, not an answer.
 */
export function meansNoAuthMetadata(status: number): boolean {
  return status >= 400 && status < 500 && status !== 429;
}

/**
 * Whether an endpoint's refusal is a delegated server's "this endpoint does not exist here":
 * 404 or 405 with `M_UNRECOGNIZED` (Synapse unregisters the UIA endpoints when auth is delegated).
 */
export function isUnrecognizedEndpoint(httpStatus: number, data: unknown): boolean {
  const errcode = typeof data === 'object' && data !== null ? (data as { errcode?: unknown }).errcode : undefined;
  return (httpStatus === 404 || httpStatus === 405) && errcode === 'M_UNRECOGNIZED';
}
