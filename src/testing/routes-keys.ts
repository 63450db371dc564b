/**
 * Cross-signing key upload (`POST /keys/device_signing/upload`).
 *
 * Spec v1.11+ (MSC3967): no UIA when the user has no master key yet, or re-uploads exactly the
 * keys stored. Synapse 1.67.0 always asks ({@link SynapseQuirks.crossSigningAlwaysRequiresAuth},
 * recording #50). Keys are checked after UIA, as Synapse does (#52: a 3-byte "public key" is
 * refused with 400 M_INVALID_PARAM "Invalid master key").
 */
import type { CrossSigningKeys } from './accounts';
import { json, matrixError, isResponse } from './http-types';
import { canonicalJson, isObject, withoutAuth, type JsonObject } from './json-values';
import { objectBody, requireRequester } from './request-helpers';
import { CLIENT, route, type Route } from './router';
import { authenticate } from './uia';

const KINDS = [
  { field: 'master_key', usage: 'master', label: 'master', slot: 'master' },
  { field: 'self_signing_key', usage: 'self_signing', label: 'self-signing', slot: 'selfSigning' },
  { field: 'user_signing_key', usage: 'user_signing', label: 'user-signing', slot: 'userSigning' },
] as const;

/** An unpadded (or padded) base64 string decoding to 32 bytes: an ed25519 public key. */
function isEd25519PublicKey(value: unknown): boolean {
  return typeof value === 'string' && /^[A-Za-z0-9+/]+={0,2}$/.test(value) && Buffer.from(value, 'base64').length === 32;
}

/** Synapse's checks: right user, right usage, exactly one ed25519 key. */
export function isValidCrossSigningKey(key: unknown, userId: string, usage: string): boolean {
  if (!isObject(key) || key.user_id !== userId) return false;
  if (!Array.isArray(key.usage) || !key.usage.includes(usage)) return false;
  if (!isObject(key.keys)) return false;
  const entries = Object.entries(key.keys);
  return entries.length === 1 && entries[0]![0].startsWith('ed25519:') && isEd25519PublicKey(entries[0]![1]);
}

/** True when the request carries a master key and every key in it equals the stored one. */
function sameAsStored(body: JsonObject, stored: CrossSigningKeys): boolean {
  if (!stored.master || body.master_key === undefined) return false;
  return KINDS.every((k) => body[k.field] === undefined || (stored[k.slot] !== undefined && canonicalJson(body[k.field]) === canonicalJson(stored[k.slot])));
}

/** The routes of this file. */
export const keyRoutes: Route[] = [
  route('POST', '/keys/device_signing/upload', CLIENT, (ctx) => {
    const who = requireRequester(ctx);
    if (isResponse(who)) return who;
    const body = objectBody(ctx);
    if (isResponse(body)) return body;
    const user = ctx.state.accounts.getUser(who.userId)!;
    const needsAuth =
      ctx.state.config.synapseQuirks.crossSigningAlwaysRequiresAuth || (user.crossSigning.master !== undefined && !sameAsStored(withoutAuth(body), user.crossSigning));
    let effective = withoutAuth(body);
    if (needsAuth) {
      const uia = authenticate(ctx, 'crossSigningUpload', who, body);
      if (!uia.ok) return uia.response;
      effective = uia.body;
    }
    for (const k of KINDS) {
      if (effective[k.field] !== undefined && !isValidCrossSigningKey(effective[k.field], who.userId, k.usage)) {
        return matrixError(400, 'M_INVALID_PARAM', `Invalid ${k.label} key`);
      }
    }
    for (const k of KINDS) if (isObject(effective[k.field])) user.crossSigning[k.slot] = effective[k.field] as JsonObject;
    return json(200, {});
  }),
];
