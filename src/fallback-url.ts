/**
 * The URL of a homeserver's fallback page for a stage.
 */

/**
 * Builds `<homeserver>/_matrix/client/v3/auth/<type>/fallback/web?session=<session>`.
 *
 * Built with `URL` and `encodeURIComponent` only, so a stage type or session id with odd
 * characters stays inside its path segment or query parameter.
 */
export function getFallbackUrl(homeserverUrl: string, stageType: string, session: string): string {
  const base = new URL(homeserverUrl);
  const prefix = base.pathname.replace(/\/+$/, '');
  base.pathname = `${prefix}/_matrix/client/v3/auth/${encodeURIComponent(stageType)}/fallback/web`;
  base.search = `?session=${encodeURIComponent(session)}`;
  base.hash = '';
  return base.toString();
}
