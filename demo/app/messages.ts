/**
 * What the page says when something goes wrong: one human sentence per typed error (the table of
 * docs/guides/errors.md), refined by the server's `errcode` where a user can act on it (a taken
 * username, a signed-out session), with the technical text kept apart for the curious.
 *
 * Errors are read by their `code` and fields, not by class, so a restored negotiation's error
 * reads the same.
 */

/** The words for one error. */
export interface HumanMessage {
  /** A short heading: what happened. */
  title: string;
  /** What it means and what to do, for an end user. */
  text: string;
  /** The library's own text (`400 M_USER_IN_USE: …`), shown under "Technical details". */
  detail: string;
}

/** The fields of a `UiaError` (and its subclasses) the messages read. */
interface ErrorLike {
  code?: string;
  message?: string;
  errcode?: string;
  httpStatus?: number;
  retryAfterMs?: number;
  required_stages?: string[];
  serverError?: string;
  url?: string;
  stage?: string | null;
  flows?: { stages?: string[] }[];
}

function everyFlowHas(e: ErrorLike, stage: string): boolean {
  const flows = e.flows ?? [];
  return flows.length > 0 && flows.every((f) => (f.stages ?? []).includes(stage));
}

/** Server `errcode`s a user can act on, for requests that failed after authentication. */
const ERRCODES: Record<string, (e: ErrorLike) => Pick<HumanMessage, 'title' | 'text'>> = {
  M_USER_IN_USE: () => ({ title: 'That username is taken', text: 'Someone already has this username. Choose another one and try again.' }),
  M_INVALID_USERNAME: () => ({
    title: 'That username is not allowed',
    text: 'Use only lower-case letters, digits and . _ = - / (no spaces, no capitals), then try again.',
  }),
  M_EXCLUSIVE: () => ({ title: 'That username is reserved', text: 'This name is reserved by the server for a service. Choose another one.' }),
  M_WEAK_PASSWORD: (e) => ({ title: 'Choose a stronger password', text: e.message?.replace(/^\d+ M_WEAK_PASSWORD: /, '') || 'The server finds this password too weak.' }),
  M_PASSWORD_TOO_SHORT: () => ({ title: 'Choose a longer password', text: 'The server finds this password too short.' }),
  M_UNKNOWN_TOKEN: () => ({
    title: 'You are signed out',
    text: 'This session no longer works: the account was deactivated or signed out elsewhere. Nothing more can be done with it.',
  }),
  M_USER_DEACTIVATED: () => ({ title: 'This account is deactivated', text: 'It can no longer be used.' }),
  M_NOT_FOUND: () => ({ title: 'Not found', text: 'The server does not know it any more (a device deleted meanwhile?). Refresh and try again.' }),
  M_THREEPID_IN_USE: () => ({ title: 'That address is in use', text: 'Another account already uses this email address or phone number. Use another one.' }),
  M_THREEPID_DENIED: () => ({ title: 'That address is not accepted', text: 'This server does not accept this email address or phone number.' }),
  M_FORBIDDEN: () => ({ title: 'The server refused', text: 'You are not allowed to do this on this server.' }),
  M_LIMIT_EXCEEDED: () => ({ title: 'Too many attempts', text: 'Wait a minute, then try again.' }),
};

function seconds(ms: number | undefined): string {
  if (!ms || !Number.isFinite(ms)) return 'a moment';
  const s = Math.max(1, Math.round(ms / 1000));
  return s === 1 ? 'a second' : `${s} seconds`;
}

/** One line for the open stage's error (the stage stays open: say what to do next). */
export function stageMessage(error: unknown): string {
  const m = humanMessage(error);
  return (error as ErrorLike | null)?.code === 'STAGE' ? m.text : `${m.title}. ${m.text}`;
}

/** The words for a final error (the negotiation ended with it) or a stage's error. */
export function humanMessage(error: unknown): HumanMessage {
  const e = (error && typeof error === 'object' ? error : {}) as ErrorLike;
  const detail = typeof e.message === 'string' ? e.message : String(error);
  const words = ((): Pick<HumanMessage, 'title' | 'text'> => {
    switch (e.code) {
      case 'NO_AUTH_FLOW':
        if (everyFlowHas(e, 'm.login.email.identity')) return { title: 'An email address is needed', text: 'This server asks for an email address for this. Enter one and try again.' };
        if (everyFlowHas(e, 'm.login.msisdn')) return { title: 'A phone number is needed', text: 'This server asks for a phone number for this. Enter one and try again.' };
        return {
              title: 'This server asks for something this page cannot do',
              text: 'None of the ways of confirming it is you that the server offers is available here. An email address or a phone number may help.',
            };
      case 'STAGE':
        if (e.stage === 'm.login.password' && e.errcode === 'M_FORBIDDEN') return { title: 'Wrong password', text: 'That password is not correct. Try again.' };
        if (e.stage === 'm.login.registration_token' && e.errcode === 'M_UNAUTHORIZED') return { title: 'Unknown token', text: 'The server does not accept this registration token. Check it and try again.' };
        return { title: 'That did not work', text: e.serverError ?? detail };
      case 'ENDPOINT': {
        const known = e.errcode ? ERRCODES[e.errcode] : undefined;
        if (known) return known(e);
        return { title: 'The server refused', text: (e.httpStatus ?? 0) >= 500 ? 'The server had a problem. Try again later.' : 'The server did not accept the request.' };
      }
      case 'NETWORK':
        return { title: 'Could not reach the server', text: 'Check your connection, then try again.' };
      case 'RATE_LIMITED':
        return { title: 'Too many attempts', text: `The server asks to slow down. Wait ${seconds(e.retryAfterMs)}, then try again.` };
      case 'ABORTED':
        return { title: 'Cancelled', text: 'You cancelled. Nothing was changed.' };
      case 'PROTOCOL':
        return { title: 'Unexpected answer', text: 'The server answered in a way this page does not understand. This is a bug worth reporting.' };
      case 'SESSION_MISMATCH':
        return { title: 'Start again', text: 'This confirmation belonged to another action. Start the action again.' };
      case 'INVALID_OPTIONS':
        return { title: 'The page is misconfigured', text: 'This is a bug in the page, not something you did.' };
      case 'TIMEOUT':
        return { title: 'We stopped waiting', text: 'The step was not completed in time. Try again when you are ready.' };
      case 'ACCOUNT_MANAGEMENT_REQUIRED':
        return { title: 'Continue on your account page', text: 'This server manages this on your account page, not in apps.' };
      case 'OAUTH_REGISTRATION_REQUIRED':
        return { title: 'Register on the sign-in page', text: 'New accounts on this server are created on the sign-in page of its OAuth 2.0 server.' };
      default:
        return { title: 'Something went wrong', text: 'Try again.' };
    }
  })();
  return { ...words, detail };
}
