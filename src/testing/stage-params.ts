/**
 * The `params` of a 401: per stage type, what the client needs to run the stage (the recaptcha
 * public key, the terms policies, the approval URL of `m.oauth`). Only stages present in the
 * session's flows get an entry, as Synapse does (`params: {}` when no stage needs any).
 */
import type { ServerState } from './state';
import type { UiaSession } from './uia-sessions';
import { isObject } from './json-values';

/** Stages completed by approving on the (simulated) account management page. */
export const OAUTH_STAGES: readonly string[] = ['m.oauth', 'org.matrix.cross_signing_reset'];

/** Path of the approval page; `GET` or `POST` with `?session=` approves. */
export const OAUTH_APPROVE_PATH = '/_simulator/oauth/approve';

/** The approval URL of a session. */
export function oauthApprovalUrl(baseUrl: string, sessionId: string): string {
  return `${baseUrl}${OAUTH_APPROVE_PATH}?session=${encodeURIComponent(sessionId)}`;
}

/** Policies with relative URLs made absolute (so a config needs not know the port). */
export function absolutePolicies(policies: Record<string, unknown>, baseUrl: string): Record<string, unknown> {
  const fix = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(fix);
    if (!isObject(value)) return value;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = k === 'url' && typeof v === 'string' && v.startsWith('/') ? baseUrl + v : fix(v);
    return out;
  };
  return fix(policies) as Record<string, unknown>;
}

/** The `params` object for a session's 401. */
export function paramsFor(state: ServerState, baseUrl: string, session: UiaSession): Record<string, Record<string, unknown>> {
  const { config } = state;
  const endpointParams = config.endpoints[session.endpoint].params;
  const out: Record<string, Record<string, unknown>> = {};
  const types = [...new Set(session.flows.flat())];
  for (const type of types) {
    const builtIn: Record<string, unknown> = {};
    if (type === 'm.login.recaptcha') builtIn.public_key = config.recaptchaPublicKey;
    if (type === 'm.login.terms') builtIn.policies = absolutePolicies(config.termsPolicies, baseUrl);
    if (OAUTH_STAGES.includes(type)) builtIn.url = oauthApprovalUrl(baseUrl, session.id);
    const merged = { ...builtIn, ...(config.stageParams[type] ?? {}), ...(endpointParams[type] ?? {}) };
    if (Object.keys(merged).length > 0) out[type] = merged;
  }
  return out;
}
