/**
 * `matrix-uia/testing`: a Matrix homeserver simulator for everything User-Interactive
 * Authentication touches, in-process or over HTTP on 127.0.0.1, to test UIA clients and screens.
 * See docs/testing.md.
 */
export { createHomeserver, startHomeserver } from './homeserver';
export type { Homeserver, StartedHomeserver } from './homeserver';
export type { JsonObject } from './json-values';
export { resolveConfig, DEFAULT_FLOWS, DEFAULT_TERMS_POLICIES, ENDPOINT_IDS } from './config';
export type {
  DeviceSeed,
  EndpointConfig,
  EndpointId,
  HomeserverConfig,
  RateLimitRule,
  RegistrationTokenSeed,
  ResolvedConfig,
  SynapseQuirks,
  UserSeed,
} from './config';
export { synapse167Config, synapsePreset, SYNAPSE_167_QUIRKS, SYNAPSE_PRESET_ADMIN } from './presets';
export type { Synapse167Variant } from './presets';
export { demoConfig, demoUsers, DEMO_ACCOUNT, DEMO_LEAVING_ACCOUNT, DEMO_NEW_ACCOUNT } from './demo';
export { delegatedConfig } from './presets-delegated';
export { resolveDelegatedAuth, ACCOUNT_MANAGEMENT_PATH, OAUTH_ISSUER_PATH, STABLE_ACTIONS } from './delegated';
export type { DelegatedAuthConfig, ResolvedDelegatedAuth, ActionNaming } from './delegated';
export { Accounts } from './accounts';
export type { BoundThreepid, CrossSigningKeys, DeviceInput, DeviceRecord, Requester, UserRecord } from './accounts';
export { Outbox } from './outbox';
export type { OutboxFilter, OutboxMessage } from './outbox';
export { RegistrationTokens } from './registration-tokens';
export type { RegistrationTokenInfo } from './registration-tokens';
export { UiaSessions } from './uia-sessions';
export type { SessionThreepid, UiaSession } from './uia-sessions';
export { isRedactedKey, redact } from './request-log';
export type { RequestLogEntry } from './request-log';
export { AUTH_DONE_SCRIPT } from './fallback-pages';
export { OAUTH_APPROVE_PATH, OAUTH_STAGES } from './stage-params';
export { SUBMIT_TOKEN_PATH } from './routes-threepids';
export { OPERATION_CHANGED } from './uia';
export { CORS_HEADERS } from './dispatch';
export type { FetchFunction } from './fetch-adapter';
export type { ListeningServer } from './http-server';
export type { SimRequest, SimResponse } from './http-types';
