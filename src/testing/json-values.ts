/**
 * Small helpers over JSON values: object checks, canonical JSON (to compare request bodies bound
 * to a UIA session regardless of key order) and deep copies (so stored state never aliases a
 * caller's object).
 */

/** A JSON object. */
export type JsonObject = Record<string, unknown>;

/** True for plain objects (not arrays, not null). */
export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Canonical JSON: sorted keys, no whitespace, as the Matrix spec defines it for signing. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as JsonObject)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

/** A deep copy through JSON (the values here are JSON anyway). */
export function clone<T>(value: T): T {
  return value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T);
}

/** The body without its `auth` dict: what a UIA session is bound to. */
export function withoutAuth(body: JsonObject): JsonObject {
  const { auth: _auth, ...rest } = body;
  return rest;
}

/** Reads a string field, or `undefined` when absent or of another type. */
export function str(obj: JsonObject, key: string): string | undefined {
  const v = obj[key];
  return typeof v === 'string' ? v : undefined;
}
