/**
 * Simulator-only endpoints, for tests and for people trying a client by hand:
 * - `GET /_simulator/outbox[?address=…]`: the emails and SMS sent, as JSON `{messages}`.
 * - `GET|POST /_simulator/oauth/approve?session=…`: the `m.oauth` / cross-signing-reset approval
 *   page (the `url` in `params`). `GET` shows what is asked with an "Approve" button (nothing is
 *   approved by opening it, as on a real account page); the button's `POST` approves.
 * - `GET /_simulator/policy` and `GET /_matrix/consent`: placeholder policy documents for the
 *   terms links.
 */
import { html, json, type SimResponse } from './http-types';
import { escapeHtml, page } from './html-page';
import { AUTH_DONE_SCRIPT } from './fallback-pages';
import { completeOutOfBand } from './out-of-band';
import { route, type Route } from './router';
import { OAUTH_APPROVE_PATH, OAUTH_STAGES } from './stage-params';
import type { RequestContext } from './state';

/** Approves the oauth-type stage of a session; returns why not otherwise. */
export function approveOAuthStage(ctx: Pick<RequestContext, 'state'>, sessionId: string): { ok: true } | { ok: false; status: number; reason: string } {
  const session = ctx.state.sessions.get(sessionId);
  if (!session) return { ok: false, status: 400, reason: `Unknown session ID: ${sessionId}` };
  const type = OAUTH_STAGES.find((t) => session.flows.some((f) => f.includes(t)));
  if (!type) return { ok: false, status: 400, reason: 'This session has no m.oauth stage to approve' };
  const done = completeOutOfBand(ctx.state, sessionId, type);
  return done.ok ? { ok: true } : { ok: false, status: done.status, reason: done.reason };
}

/** What the session's request does, in words a user understands. */
function approvalSubject(endpoint: string): string {
  return endpoint === 'crossSigningUpload' ? 'reset your cross-signing keys (your other sessions will need to be verified again)' : 'complete a protected action';
}

/** `GET`: the question and the button; approves nothing. */
function approvalPage(ctx: RequestContext): SimResponse {
  const id = ctx.req.query.get('session') ?? '';
  const session = ctx.state.sessions.get(id);
  if (!session || !OAUTH_STAGES.some((t) => session.flows.some((f) => f.includes(t)))) {
    return html(400, page('Approval failed', `<p class="error">${escapeHtml(session ? 'This session has no m.oauth stage to approve' : `Unknown session ID: ${id}`)}</p>`));
  }
  const who = session.userId ? ` for <strong>${escapeHtml(session.userId)}</strong>` : '';
  const action = `${OAUTH_APPROVE_PATH}?session=${encodeURIComponent(id)}`;
  return html(
    200,
    page(
      'Approve this request?',
      `<p>An application asks to ${escapeHtml(approvalSubject(session.endpoint))}${who}.</p>
<p>Approve it only if you started it yourself.</p>
<form method="post" action="${escapeHtml(action)}"><p><button type="submit">Approve</button></p></form>
<p class="note">To refuse, close this window.</p>`,
    ),
  );
}

/** `POST` (the button): approves. */
function approve(ctx: RequestContext): SimResponse {
  const id = ctx.req.query.get('session') ?? '';
  const result = approveOAuthStage(ctx, id);
  if (!result.ok) return html(result.status, page('Approval failed', `<p class="error">${escapeHtml(result.reason)}</p>`));
  return html(200, page('Request approved', '<p>You approved the request. Return to the application to finish.</p>', AUTH_DONE_SCRIPT));
}

function policy(ctx: RequestContext): SimResponse {
  const name = ctx.req.query.get('name') ?? 'privacy_policy';
  const version = ctx.req.query.get('v') ?? '1.0';
  return html(200, page(`Policy ${name} (version ${version})`, '<p>This is a placeholder policy served by the homeserver simulator.</p>'));
}

/** The routes of this file. */
export const simulatorRoutes: Route[] = [
  route('GET', '/outbox', ['/_simulator'], (ctx) => {
    const address = ctx.req.query.get('address');
    return json(200, { messages: ctx.state.outbox.filter(address ?? undefined) });
  }),
  route('GET', '/oauth/approve', ['/_simulator'], approvalPage),
  route('POST', '/oauth/approve', ['/_simulator'], approve),
  route('GET', '/policy', ['/_simulator'], policy),
  route('GET', '/consent', ['/_matrix'], policy),
];
