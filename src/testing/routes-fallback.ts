/**
 * The fallback endpoint (`/auth/{type}/fallback/web?session=`): GET shows the stage's page, POST
 * (the page's form) checks the answer and completes the stage in the session, then shows the
 * "done" page whose script notifies the opener. See fallback-pages.ts for the markup.
 */
import { html, isResponse, type SimResponse } from './http-types';
import { fallbackDonePage, fallbackErrorPage, fallbackFormPage } from './fallback-pages';
import { isObject } from './json-values';
import { checkOutOfBand, completeOutOfBand } from './out-of-band';
import { CLIENT, route, type Route } from './router';
import { paramsFor } from './stage-params';
import { acceptRegistrationToken, checkPasswordFor, checkRecaptcha, REGISTRATION_TOKEN_STAGES, type StageOutcome } from './stages';
import type { RequestContext } from './state';
import type { UiaSession } from './uia-sessions';

const NO_FALLBACK = ['m.login.email.identity', 'm.login.msisdn'];

function field(ctx: RequestContext, name: string): string | undefined {
  const body = ctx.req.body;
  const v = isObject(body) ? body[name] : undefined;
  return typeof v === 'string' ? v : undefined;
}

function sessionIdOf(ctx: RequestContext): string | undefined {
  return ctx.req.query.get('session') ?? field(ctx, 'session');
}

function formPage(ctx: RequestContext, type: string, session: UiaSession, error?: string): SimResponse {
  const terms = paramsFor(ctx.state, ctx.baseUrl, session)['m.login.terms'];
  const policies = isObject(terms?.policies) ? terms.policies : {};
  return html(200, fallbackFormPage(type, { path: ctx.req.path, session: session.id }, { policies, ...(error ? { error } : {}) }));
}

/** Loads the session for the page, or the error page to show instead. */
function load(ctx: RequestContext, type: string): UiaSession | SimResponse {
  const id = sessionIdOf(ctx);
  if (!id) return html(400, fallbackErrorPage('Missing session parameter'));
  if (NO_FALLBACK.includes(type)) return html(400, fallbackErrorPage(`${type} has no fallback page: follow the link or code that was sent`));
  const checked = checkOutOfBand(ctx.state, id, type);
  if (!checked.ok) return html(checked.status, fallbackErrorPage(checked.reason));
  return checked.session;
}

/** What the submitted form proves, per stage type. */
function checkForm(ctx: RequestContext, type: string, session: UiaSession): StageOutcome {
  if (type === 'm.login.recaptcha') return checkRecaptcha(field(ctx, 'response') ?? field(ctx, 'g-recaptcha-response'));
  if (type === 'm.login.terms') {
    return field(ctx, 'accept') ? { kind: 'done' } : { kind: 'failed', errcode: 'M_UNAUTHORIZED', error: 'Please accept the policies to continue' };
  }
  if (REGISTRATION_TOKEN_STAGES.includes(type)) return acceptRegistrationToken(ctx.state, session, field(ctx, 'token'));
  if (type === 'm.login.password') return checkPasswordFor(ctx.state, session, null, session.userId, field(ctx, 'password'));
  return { kind: 'done' };
}

/** The routes of this file. */
export const fallbackRoutes: Route[] = [
  route('GET', '/auth/{type}/fallback/web', CLIENT, (ctx, { type }) => {
    const session = load(ctx, type!);
    if (isResponse(session)) return session;
    if (session.completed.includes(type!)) return html(200, fallbackDonePage());
    return formPage(ctx, type!, session);
  }),

  route('POST', '/auth/{type}/fallback/web', CLIENT, (ctx, { type }) => {
    const session = load(ctx, type!);
    if (isResponse(session)) return session;
    if (!session.completed.includes(type!)) {
      const outcome = checkForm(ctx, type!, session);
      if (outcome.kind === 'failed') return formPage(ctx, type!, session, outcome.error);
      if (outcome.kind === 'refused') return formPage(ctx, type!, session, 'This account cannot confirm this request');
      completeOutOfBand(ctx.state, session.id, type!);
    }
    return html(200, fallbackDonePage());
  }),
];
