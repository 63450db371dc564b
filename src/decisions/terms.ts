/**
 * Parsing of `m.login.terms` params into a list a UI can render.
 *
 * The spec shape is `{policies: {<id>: {version, <lang>: {name, url}, ...}}}`. Anything else is
 * rejected as a whole: showing a partial list and submitting acceptance of terms the user never
 * saw would be worse than failing.
 */
import { ProtocolError } from '../errors/errors';

/** One language version of a policy. */
export interface PolicyTranslation {
  /** BCP 47-ish language tag as the server sent it (`en`, `de`, `en-US`). */
  lang: string;
  /** Policy title in that language, for the link text. */
  name: string;
  /** Where the policy text in that language is published. */
  url: string;
}

/** One policy the user must accept. */
export interface TermsPolicy {
  /** Key of the policy in the stage's `policies` param (e.g. `privacy_policy`). */
  id: string;
  /** Version string of the policy the user accepts. */
  version: string;
  /** The policy in each language the server offers; at least one. */
  translations: PolicyTranslation[];
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** `v` as an absolute http(s) URL (normalised), or `null`. */
export function httpUrl(v: string): string | null {
  try {
    const u = new URL(v);
    return u.protocol === 'https:' || u.protocol === 'http:' ? u.toString() : null;
  } catch {
    return null;
  }
}

/** Parses the stage params; a `ProtocolError` when they do not follow the spec. */
export function parseTermsPolicies(params: unknown): TermsPolicy[] | ProtocolError {
  if (!isRecord(params) || !isRecord(params.policies)) return new ProtocolError('m.login.terms params have no "policies" object');
  const list: TermsPolicy[] = [];
  for (const [id, raw] of Object.entries(params.policies)) {
    if (!isRecord(raw)) return new ProtocolError(`terms policy "${id}" is not an object`);
    if (typeof raw.version !== 'string') return new ProtocolError(`terms policy "${id}" has no version`);
    const translations: PolicyTranslation[] = [];
    for (const [lang, t] of Object.entries(raw)) {
      if (lang === 'version') continue;
      if (!isRecord(t) || typeof t.name !== 'string' || typeof t.url !== 'string') {
        return new ProtocolError(`terms policy "${id}" has an invalid "${lang}" entry`);
      }
      // Checked as m.oauth URLs are: a javascript: or data: link from a hostile server must never
      // reach a page (or a handler) that shows it as a link.
      const url = httpUrl(t.url);
      if (!url) return new ProtocolError(`terms policy "${id}" has no http(s) URL for "${lang}"`);
      translations.push({ lang, name: t.name, url });
    }
    if (translations.length === 0) return new ProtocolError(`terms policy "${id}" has no language version`);
    list.push({ id, version: raw.version, translations });
  }
  return list;
}

/**
 * The translation to show: the first of `preferred` languages present (exact tag, then its
 * primary subtag), else English, else the first one the server listed.
 */
export function pickPolicyTranslation(policy: TermsPolicy, preferred: readonly string[] = []): PolicyTranslation {
  const byLang = new Map(policy.translations.map((t) => [t.lang.toLowerCase(), t]));
  for (const lang of preferred) {
    const l = lang.toLowerCase();
    const hit = byLang.get(l) ?? byLang.get(l.split('-')[0]!);
    if (hit) return hit;
  }
  return byLang.get('en') ?? policy.translations[0]!;
}
