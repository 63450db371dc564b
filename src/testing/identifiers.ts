/**
 * Who a login or an `m.login.password` dict names: `identifier` of type `m.id.user`,
 * `m.id.thirdparty` or `m.id.phone`, or the legacy top-level `user` / `medium`+`address` that
 * older clients still send (recording #27).
 */
import type { Accounts } from './accounts';
import { isObject, type JsonObject } from './json-values';

/** Calling codes for the countries tests are likely to use; others need a `+` number. */
const CALLING_CODES: Record<string, string> = {
  US: '1', CA: '1', GB: '44', FR: '33', DE: '49', NL: '31', BE: '32', ES: '34', IT: '39', CH: '41',
  SE: '46', NO: '47', DK: '45', FI: '358', PL: '48', PT: '351', IE: '353', AU: '61', NZ: '64', JP: '81', IN: '91', BR: '55',
};

/**
 * A phone number as digits with the country code: `+44 7700 900123`, or `7700900123` with `GB`.
 * `undefined` when the country is unknown and the number has no `+`.
 */
export function toMsisdn(country: string | undefined, phone: string): string | undefined {
  const digits = phone.replace(/[^0-9]/g, '');
  if (phone.trim().startsWith('+')) return digits || undefined;
  const code = country ? CALLING_CODES[country.toUpperCase()] : undefined;
  if (!code || !digits) return undefined;
  return code + digits.replace(/^0+/, '');
}

/** The full user id a dict names, when that user exists. */
export function resolveUser(accounts: Accounts, dict: JsonObject): string | undefined {
  const id = dict.identifier;
  let userId: string | undefined;
  if (isObject(id)) {
    if (id.type === 'm.id.user' && typeof id.user === 'string') userId = accounts.qualify(id.user);
    else if (id.type === 'm.id.thirdparty' && typeof id.medium === 'string' && typeof id.address === 'string') {
      userId = accounts.findByThreepid(id.medium, id.address)?.userId;
    } else if (id.type === 'm.id.phone' && typeof id.phone === 'string') {
      const msisdn = toMsisdn(typeof id.country === 'string' ? id.country : undefined, id.phone);
      userId = msisdn ? accounts.findByThreepid('msisdn', msisdn)?.userId : undefined;
    }
  } else if (typeof dict.user === 'string') {
    userId = accounts.qualify(dict.user);
  } else if (typeof dict.medium === 'string' && typeof dict.address === 'string') {
    userId = accounts.findByThreepid(dict.medium, dict.address)?.userId;
  }
  return userId && accounts.exists(userId) ? userId : undefined;
}
