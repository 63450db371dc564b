/**
 * The account management pages of a server that delegates auth (what MAS serves at its
 * `account_management_uri`), for a test or a person to complete out of band:
 *
 * - `GET /_simulator/account?action=…&device_id=…[&user=…]`: the page for an action (spec v1.18
 *   names and the unstable aliases), with a button;
 * - `POST /_simulator/account` (form or JSON fields `action`, `device_id`, `user`): does it, and
 *   changes the simulator's state: the device is signed out (its tokens revoked), the account
 *   deactivated, a cross-signing reset approved for the approval window. Profile and device
 *   list pages only show; their buttons post the device and deactivation actions.
 *
 * There is no login on these pages: the user is the `user` parameter, else the owner of
 * `device_id`, else (reset approval) the user who last got the reset challenge, else the only
 * active account; with several, the page asks which. A JSON request
 * (`Accept: application/json` or a JSON body) gets `{done, action, user_id}` back.
 */
import type { UserRecord } from './accounts';
import { approveReset, pendingResetUser } from './delegated';
import { html, json, type SimResponse } from './http-types';
import { escapeHtml, page } from './html-page';
import { isObject } from './json-values';
import { route, type Route } from './router';
import type { RequestContext } from './state';

/** Unstable names (MSC4191's first ones) → the stable action they stand for. */
const ALIASES: Readonly<Record<string, string>> = {
  'org.matrix.sessions_list': 'org.matrix.devices_list',
  'org.matrix.session_view': 'org.matrix.device_view',
  'org.matrix.session_end': 'org.matrix.device_delete',
};

const TITLES: Readonly<Record<string, string>> = {
  'org.matrix.profile': 'Your account',
  'org.matrix.devices_list': 'Your devices',
  'org.matrix.device_view': 'Device',
  'org.matrix.device_delete': 'Sign out a device',
  'org.matrix.account_deactivate': 'Deactivate your account',
  'org.matrix.cross_signing_reset': 'Allow resetting your encryption identity',
};

/** Actions that change something (and so are POSTed). */
const DOING = new Set(['org.matrix.device_delete', 'org.matrix.account_deactivate', 'org.matrix.cross_signing_reset']);

function field(ctx: RequestContext, name: string): string | undefined {
  const body = ctx.req.body;
  if (isObject(body) && typeof body[name] === 'string') return body[name] as string;
  return ctx.req.query.get(name) ?? undefined;
}

function wantsJson(ctx: RequestContext): boolean {
  return (ctx.req.headers['accept'] ?? '').includes('application/json') || (ctx.req.headers['content-type'] ?? '').includes('application/json');
}

/** The stable name of the requested action (`org.matrix.profile` when none is given). */
function actionOf(ctx: RequestContext): string {
  const a = field(ctx, 'action') ?? 'org.matrix.profile';
  return ALIASES[a] ?? a;
}

/** Who the page is for; a list of candidates when it cannot tell. */
function userOf(ctx: RequestContext, deviceId: string | undefined, action: string): UserRecord | UserRecord[] {
  const accounts = ctx.state.accounts;
  const given = field(ctx, 'user');
  if (given) {
    const u = accounts.getUser(given);
    return u && !u.deactivated ? u : [];
  }
  const active = accounts.list().filter((u) => !u.deactivated);
  if (deviceId !== undefined) {
    const owner = active.find((u) => u.devices.has(deviceId));
    if (owner) return owner;
  }
  // The reset approval is for whoever was just asked to approve one (MAS knows from its login).
  if (action === 'org.matrix.cross_signing_reset') {
    const pending = pendingResetUser(ctx.state);
    const u = pending ? active.find((a) => a.userId === pending) : undefined;
    if (u) return u;
  }
  return active.length === 1 ? active[0]! : active;
}

function hidden(name: string, value: string | undefined): string {
  return value === undefined ? '' : `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`;
}

function button(action: string, user: string, label: string, deviceId?: string): string {
  return `<form method="post" action="/_simulator/account">${hidden('action', action)}${hidden('user', user)}${hidden('device_id', deviceId)}<button type="submit">${escapeHtml(label)}</button></form>`;
}

function pickUser(ctx: RequestContext, candidates: UserRecord[], action: string, deviceId: string | undefined): SimResponse {
  if (candidates.length === 0) return html(404, page('No such account', '<p class="error">There is no active account to manage here.</p>'));
  const options = candidates.map((u) => `<option value="${escapeHtml(u.userId)}">${escapeHtml(u.userId)}</option>`).join('');
  return html(
    200,
    page(
      'Choose your account',
      `<form method="get" action="/_simulator/account">${hidden('action', action)}${hidden('device_id', deviceId)}<label>Account <select name="user">${options}</select></label> <button type="submit">Continue</button></form>`,
    ),
  );
}

function devicesMarkup(user: UserRecord): string {
  const rows = [...user.devices.values()]
    .map((d) => `<li><code>${escapeHtml(d.deviceId)}</code> ${escapeHtml(d.displayName ?? '')} ${button('org.matrix.device_delete', user.userId, 'Sign out', d.deviceId)}</li>`)
    .join('');
  return rows ? `<ul class="devices">${rows}</ul>` : '<p>No devices are signed in.</p>';
}

function showPage(ctx: RequestContext): SimResponse {
  const action = actionOf(ctx);
  const title = TITLES[action];
  if (!title) return html(400, page('Unknown action', `<p class="error">This account page does not support the action ${escapeHtml(action)}.</p>`));
  const deviceId = field(ctx, 'device_id');
  const user = userOf(ctx, deviceId, action);
  if (Array.isArray(user)) return pickUser(ctx, user, action, deviceId);
  const who = `<p>Signed in as <strong>${escapeHtml(user.userId)}</strong>.</p>`;
  switch (action) {
    case 'org.matrix.profile': {
      const emails = user.threepids.map((t) => `<li>${escapeHtml(t.address)}</li>`).join('');
      return html(
        200,
        page(
          title,
          `${who}<h2>Email addresses and phone numbers</h2>${emails ? `<ul>${emails}</ul>` : '<p>None.</p>'}<p><a href="/_simulator/account?action=org.matrix.devices_list&amp;user=${encodeURIComponent(user.userId)}">Devices</a> · <a href="/_simulator/account?action=org.matrix.account_deactivate&amp;user=${encodeURIComponent(user.userId)}">Deactivate account</a></p>`,
        ),
      );
    }
    case 'org.matrix.devices_list':
      return html(200, page(title, `${who}${devicesMarkup(user)}`));
    case 'org.matrix.device_view':
    case 'org.matrix.device_delete': {
      if (deviceId === undefined) return html(400, page(title, '<p class="error">No device_id given.</p>'));
      const d = user.devices.get(deviceId);
      if (!d) return html(404, page(title, `${who}<p class="error">The device ${escapeHtml(deviceId)} is not signed in (any more).</p>`));
      return html(200, page(title, `${who}<p>Device <code>${escapeHtml(d.deviceId)}</code> ${escapeHtml(d.displayName ?? '')}</p>${button('org.matrix.device_delete', user.userId, 'Sign out this device', d.deviceId)}`));
    }
    case 'org.matrix.account_deactivate':
      return html(200, page(title, `${who}<p>This cannot be undone.</p>${button(action, user.userId, 'Deactivate account')}`));
    default:
      return html(
        200,
        page(title, `${who}<p>An application asks to replace your cross-signing keys. Other devices will need to verify again.</p>${button(action, user.userId, 'Allow the reset')}`),
      );
  }
}

function done(ctx: RequestContext, action: string, user: UserRecord, text: string): SimResponse {
  if (wantsJson(ctx)) return json(200, { done: true, action, user_id: user.userId });
  return html(200, page('Done', `<p class="done">${escapeHtml(text)}</p><p>Return to the application to continue.</p>`));
}

function failed(ctx: RequestContext, status: number, text: string): SimResponse {
  if (wantsJson(ctx)) return json(status, { done: false, error: text });
  return html(status, page('Not done', `<p class="error">${escapeHtml(text)}</p>`));
}

function doAction(ctx: RequestContext): SimResponse {
  const action = actionOf(ctx);
  if (!DOING.has(action)) return failed(ctx, 400, `Nothing to do for the action ${action}`);
  const deviceId = field(ctx, 'device_id');
  const user = userOf(ctx, deviceId, action);
  if (Array.isArray(user)) return failed(ctx, 400, user.length ? 'Say which account (user)' : 'There is no active account to manage here');
  switch (action) {
    case 'org.matrix.device_delete':
      if (deviceId === undefined) return failed(ctx, 400, 'No device_id given');
      if (!user.devices.has(deviceId)) return failed(ctx, 404, `The device ${deviceId} is not signed in`);
      ctx.state.accounts.removeDevice(user.userId, deviceId);
      return done(ctx, action, user, `The device ${deviceId} is signed out.`);
    case 'org.matrix.account_deactivate':
      ctx.state.accounts.deactivate(user.userId);
      return done(ctx, action, user, 'Your account is deactivated.');
    default:
      approveReset(ctx.state, user.userId);
      return done(ctx, action, user, 'You allowed the reset of your cross-signing keys. The application may now finish it.');
  }
}


/**
 * Does what pressing the page's button for `url` (an account management URL) does, for tests:
 * `hs.completeByUrl(error.url)`. Throws with the page's reason when it cannot.
 */
export function completeAccountAction(state: RequestContext['state'], url: URL): void {
  const ctx: RequestContext = {
    state,
    baseUrl: url.origin,
    req: { method: 'POST', path: url.pathname, rawPath: url.pathname + url.search, query: url.searchParams, headers: { accept: 'application/json' }, body: undefined },
  };
  const res = doAction(ctx);
  if (res.status !== 200) throw new Error(`completeByUrl: ${(res.body as { error?: string }).error ?? `status ${res.status}`}`);
}

/** The routes of this file. */
export const accountManagementRoutes: Route[] = [route('GET', '/account', ['/_simulator'], showPage), route('POST', '/account', ['/_simulator'], doAction)];
