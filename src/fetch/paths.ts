/**
 * Paths of the client-server API endpoints the helpers call (spec v1.x, `v3` prefix).
 */

/** Prefix of the stable client-server API. */
export const V3 = '/_matrix/client/v3';
/** Prefix of endpoints introduced under `v1` (registration token validity). */
export const V1 = '/_matrix/client/v1';

/** One path segment, escaped (device ids are user-chosen). */
export function segment(value: string): string {
  return encodeURIComponent(value);
}
