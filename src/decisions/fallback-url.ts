/**
 * The URL of a homeserver's fallback page for a stage.
 */
import { ProtocolError } from '../errors/errors';

/**
 * Builds `<homeserver>/_matrix/client/v3/auth/<type>/fallback/web?session=<session>`.
 *
 * Built with `URL` and `encodeURIComponent` only, so a stage type or session id with odd
 * characters stays inside its path segment or query parameter.
 *
 * @throws ProtocolError for the stage types `.` and `..`, which no URL can keep in a segment.
 */
export function getFallbackUrl(homeserverUrl: string, stageType: string, session: string): string {
  // `.` and `..` would be resolved as dot segments (even percent-encoded), moving the URL out
  // of /auth/<type>/: refuse them rather than open another page.
  if (stageType === '.' || stageType === '..') throw new ProtocolError(`stage type "${stageType}" cannot name a fallback page`);
  const base = new URL(homeserverUrl);
  const prefix = base.pathname.replace(/\/+$/, '');
  base.pathname = `${prefix}/_matrix/client/v3/auth/${encodeURIComponent(stageType)}/fallback/web`;
  base.search = `?session=${encodeURIComponent(session)}`;
  base.hash = '';
  return base.toString();
}
