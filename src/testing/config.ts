/**
 * The simulator's configuration: what a test can switch, and the defaults.
 *
 * Defaults follow the Matrix spec (Client-Server API, "User-Interactive Authentication API").
 * Where Synapse behaves otherwise, the difference sits behind a switch in {@link SynapseQuirks},
 * off by default, so a client is tested against the spec first and against Synapse on purpose.
 * The resolved config is a plain mutable object: tests may flip a switch between requests.
 */
import { resolveDelegatedAuth, type DelegatedAuthConfig, type ResolvedDelegatedAuth } from './delegated';

/** The UIA-protected operations, each with its own flows. */
export type EndpointId =
  /** `POST /register` */
  | 'register'
  /** `POST /account/password` with an access token. */
  | 'passwordChange'
  /** `POST /account/password` without an access token (forgotten password). */
  | 'passwordReset'
  /** `POST /account/deactivate` */
  | 'deactivate'
  /** `DELETE /devices/{deviceId}` */
  | 'deleteDevice'
  /** `POST /delete_devices` */
  | 'deleteDevices'
  /** `POST /keys/device_signing/upload` */
  | 'crossSigningUpload'
  /** `POST /account/3pid/add` */
  | 'addThreepid';

/** Every {@link EndpointId}, for iteration. */
export const ENDPOINT_IDS: readonly EndpointId[] = [
  'register',
  'passwordChange',
  'passwordReset',
  'deactivate',
  'deleteDevice',
  'deleteDevices',
  'crossSigningUpload',
  'addThreepid',
];

/**
 * Synapse behaviours that depart from the spec. Each is off by default; {@link synapsePreset}
 * turns on the ones Synapse 1.67.0 was recorded doing.
 */
export interface SynapseQuirks {
  /**
   * Accept stages in any order: Synapse records any stage of any flow and finishes when one flow
   * is covered (recording #76 completes `m.login.dummy` before `m.login.terms`). Spec default: a
   * stage is accepted only when the stages before it in some flow are completed.
   */
  unorderedStages?: boolean;
  /**
   * Bind a session to method and path only, not to the body; a later non-empty body replaces the
   * stored one (Synapse issue #7415; recordings #3 and #11). Spec default: the body (without
   * `auth`) is bound too and a different one is refused with 403.
   */
  sessionBoundToPathOnly?: boolean;
  /**
   * Answer an `m.login.email.identity` attempt whose email is not validated yet with a bare
   * `401 {errcode: "M_UNAUTHORIZED", error}` (no flows, no session), as some Synapse versions
   * did. Synapse 1.67.0 sends the flows (recording #59), so the preset leaves this off.
   */
  fourOhOneWithoutFlowsWhileEmailPending?: boolean;
  /**
   * Ask for UIA on every cross-signing upload. Spec v1.11+ (MSC3967) waives it when the user
   * has no master key yet or re-uploads the same keys; Synapse 1.67.0 predates that (#50).
   */
  crossSigningAlwaysRequiresAuth?: boolean;
}

/** Flows and params of one UIA endpoint. */
export interface EndpointConfig {
  /**
   * The flows, each the list of its stage types. An empty list turns UIA off for the endpoint
   * (the operation runs at once), which the spec does not allow but app tests sometimes want.
   */
  flows?: string[][];
  /** Params by stage type, merged over the server-wide ones. */
  params?: Record<string, Record<string, unknown>>;
}

/** A device of a seeded user. */
export interface DeviceSeed {
  /** The device id, e.g. `ALICELAPTOP`. */
  deviceId: string;
  /** Device display name shown in `/devices`; `null`/absent for none. */
  displayName?: string | null;
  /** An access token for this device, fixed so a demo can print it. */
  accessToken?: string;
}

/** A user created when the server starts. */
export interface UserSeed {
  /** `@alice:localhost`, or a bare localpart. */
  userId: string;
  /** The account password, checked by `m.login.password` and `/login`. */
  password: string;
  /** Device ids, or device seeds with fixed access tokens. */
  devices?: (string | DeviceSeed)[];
  /** Email addresses bound to the account (for login, password reset, 3PID listing). */
  emails?: string[];
  /** Phone numbers (digits with country code) bound to the account. */
  msisdns?: string[];
  /** May call the `/_synapse/admin` registration-token endpoints. */
  admin?: boolean;
  /** An existing cross-signing master key, so replacing it needs UIA (spec v1.11+). */
  crossSigningMasterKey?: Record<string, unknown>;
}

/** A registration token known at start. */
export interface RegistrationTokenSeed {
  /** The token string users submit. */
  token: string;
  /** How many registrations may use it; `null`/absent for unlimited. */
  usesAllowed?: number | null;
  /** Expiry in ms since the epoch; `null`/absent for never. */
  expiryTime?: number | null;
}

/** "The next `count` requests to `endpoint` get 429." */
export interface RateLimitRule {
  /**
   * A route template such as `/register`, `/account/password`, `/devices/{deviceId}`, optionally
   * prefixed by a method (`DELETE /devices/{deviceId}`), or `*` for every route.
   */
  endpoint: string;
  /** How many matching requests in a row get 429 (then the rule is spent). */
  count: number;
  /** The `retry_after_ms` (and Retry-After header) the 429 answers carry, in ms. */
  retryAfterMs: number;
}

/** Everything {@link createHomeserver} accepts; all optional. */
export interface HomeserverConfig {
  /** The server name in user ids. Default `localhost`. */
  serverName?: string;
  /**
   * The base URL put in links (email links, `m.oauth` urls, terms urls, `well_known`). Default:
   * `http://` + the request's Host header, else the listening URL, else `http://localhost`.
   */
  publicBaseUrl?: string;
  /** Users created at start. Default: none. */
  users?: UserSeed[];
  /** Per-endpoint flows and params. */
  endpoints?: Partial<Record<EndpointId, EndpointConfig>>;
  /** Params by stage type for every endpoint (merged under the built-in ones). */
  stageParams?: Record<string, Record<string, unknown>>;
  /** `params["m.login.recaptcha"].public_key`. Default `simulator-recaptcha-key`. */
  recaptchaPublicKey?: string;
  /**
   * `params["m.login.terms"].policies`. URLs starting with `/` are made absolute with the base
   * URL. Default: one privacy policy served by the simulator.
   */
  termsPolicies?: Record<string, unknown>;
  /** Registration tokens known at start. Default: none. */
  registrationTokens?: RegistrationTokenSeed[];
  /** `false` answers `POST /register` with 403 M_FORBIDDEN. Default `true`. */
  registrationEnabled?: boolean;
  /** 429 rules, applied in order. Default: none. */
  rateLimits?: RateLimitRule[];
  /** A UIA session older than this is unknown (400). Default 30 minutes. */
  sessionTtlMs?: number;
  /** Every response waits this long first (in-process and over HTTP). Default 0. */
  responseDelayMs?: number;
  /** Synapse behaviours to imitate. Default: none (spec behaviour). */
  synapseQuirks?: SynapseQuirks;
  /** The clock, for expiry tests. Default `Date.now`. */
  now?: () => number;
  /** Delegate auth to an OAuth 2.0 server, as Synapse with MAS does (see `delegatedConfig`). Default: off. */
  delegatedAuth?: DelegatedAuthConfig;
}

/** The config after defaults: what the server reads on every request (mutable). */
export interface ResolvedConfig {
  /** The server name in user ids. */
  serverName: string;
  /** Base URL for links, without trailing slash; `undefined` to derive it per request. */
  publicBaseUrl: string | undefined;
  /** Flows and params of every UIA endpoint, defaults filled in. */
  endpoints: Record<
    EndpointId,
    {
      /** The flows this endpoint offers, each a stage list. */
      flows: string[][];
      /** Params by stage type in this endpoint's challenge. */
      params: Record<string, Record<string, unknown>>;
    }
  >;
  /** Params by stage type added to every endpoint's challenge. */
  stageParams: Record<string, Record<string, unknown>>;
  /** `params["m.login.recaptcha"].public_key`. */
  recaptchaPublicKey: string;
  /** `params["m.login.terms"].policies`. */
  termsPolicies: Record<string, unknown>;
  /** `false` answers `POST /register` with 403 M_FORBIDDEN. */
  registrationEnabled: boolean;
  /** Lifetime of a UIA session, in ms. */
  sessionTtlMs: number;
  /** Delay before every response, in ms. */
  responseDelayMs: number;
  /** Synapse behaviours imitated, each flag explicit. */
  synapseQuirks: Required<SynapseQuirks>;
  /** The clock used for session expiry. */
  now: () => number;
  /** The delegated-auth mode, or `null` for a server serving UIA itself. */
  delegatedAuth: ResolvedDelegatedAuth | null;
}

/** Flows used when the config names none: what Synapse offers out of the box. */
export const DEFAULT_FLOWS: Readonly<Record<EndpointId, string[][]>> = {
  register: [['m.login.dummy'], ['m.login.email.identity']],
  passwordChange: [['m.login.password']],
  passwordReset: [['m.login.email.identity']],
  deactivate: [['m.login.password']],
  deleteDevice: [['m.login.password']],
  deleteDevices: [['m.login.password']],
  crossSigningUpload: [['m.login.password']],
  addThreepid: [['m.login.password']],
};

/** The default terms: one privacy policy the simulator serves itself. */
export const DEFAULT_TERMS_POLICIES: Record<string, unknown> = {
  privacy_policy: {
    version: '1.0',
    en: { name: 'Privacy Policy', url: '/_simulator/policy?name=privacy_policy&v=1.0' },
  },
};

/** Applies the defaults. Seeds (users, tokens, rate limits) are consumed by the facade. */
export function resolveConfig(config: HomeserverConfig = {}): ResolvedConfig {
  const endpoints = {} as ResolvedConfig['endpoints'];
  for (const id of Object.keys(DEFAULT_FLOWS) as EndpointId[]) {
    const given = config.endpoints?.[id];
    endpoints[id] = {
      flows: (given?.flows ?? DEFAULT_FLOWS[id]).map((f) => [...f]),
      params: { ...(given?.params ?? {}) },
    };
  }
  return {
    serverName: config.serverName ?? 'localhost',
    publicBaseUrl: config.publicBaseUrl?.replace(/\/+$/, ''),
    endpoints,
    stageParams: { ...(config.stageParams ?? {}) },
    recaptchaPublicKey: config.recaptchaPublicKey ?? 'simulator-recaptcha-key',
    termsPolicies: config.termsPolicies ?? DEFAULT_TERMS_POLICIES,
    registrationEnabled: config.registrationEnabled ?? true,
    sessionTtlMs: config.sessionTtlMs ?? 30 * 60 * 1000,
    responseDelayMs: config.responseDelayMs ?? 0,
    synapseQuirks: {
      unorderedStages: false,
      sessionBoundToPathOnly: false,
      fourOhOneWithoutFlowsWhileEmailPending: false,
      crossSigningAlwaysRequiresAuth: false,
      ...(config.synapseQuirks ?? {}),
    },
    now: config.now ?? Date.now,
    delegatedAuth: config.delegatedAuth ? resolveDelegatedAuth(config.delegatedAuth) : null,
  };
}
