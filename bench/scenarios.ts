/**
 * The negotiations the benchmarks run, described once and played by both libraries: the
 * endpoint's flows, what the user answers, and the spec's minimum number of requests.
 */
import type { EndpointConfig } from './uia-endpoint';

/** The user id the password stage identifies as. */
export const USER_ID = '@alice:localhost';
/** The one password that passes. */
export const PASSWORD = 'correct horse';
/** The one registration token that passes. */
export const TOKEN = 'letmein';
/** The email sid the endpoint hands out and accepts. */
export const EMAIL_SID = 'sid-1';

/** The `m.login.terms` params Synapse sends (one policy, one language). */
export const TERMS_PARAMS = {
  'm.login.terms': {
    policies: { privacy_policy: { version: '1.0', en: { name: 'Privacy Policy', url: 'https://example.org/privacy' } } },
  },
};

/** One negotiation to measure. */
export interface Scenario {
  /** Short id used in tables. */
  id: string;
  /** What it is, for the table. */
  label: string;
  endpoint: EndpointConfig;
  /** Passwords the user types, one per attempt. */
  passwords?: string[];
  /** The registration token the user types. */
  registrationToken?: string;
  /** An email address the app already has (makes email flows acceptable). */
  emailAddress?: string;
  /** Resume this UIA session (first request carries `{session}`). */
  sessionId?: string;
  /** Start from this 401 body already in hand: no first request. */
  authData?: Record<string, unknown>;
  /** The spec's minimum: one first request (unless a 401 is in hand), one per stage left, one per refused attempt. */
  minimum: number;
  /** Out-of-band checks the server answers "not yet" before the link is clicked (listed apart from the minimum). */
  polls: number;
}

/** Out-of-band checks refused before the email link counts as clicked, in the email scenario. */
export const EMAIL_POLLS = 3;

/** Every scenario of the request table. */
export const SCENARIOS: Scenario[] = [
  {
    id: 'password',
    label: 'password',
    endpoint: { flows: [['m.login.password']], password: PASSWORD },
    passwords: [PASSWORD],
    minimum: 2,
    polls: 0,
  },
  {
    id: 'registration',
    label: 'registration token + terms + dummy',
    endpoint: { flows: [['m.login.registration_token', 'm.login.terms', 'm.login.dummy']], params: TERMS_PARAMS, registrationToken: TOKEN },
    registrationToken: TOKEN,
    minimum: 4,
    polls: 0,
  },
  {
    id: 'email',
    label: `email, link clicked after ${EMAIL_POLLS} polls`,
    endpoint: { flows: [['m.login.email.identity']], emailSid: EMAIL_SID, emailValidatedAfterChecks: EMAIL_POLLS },
    emailAddress: 'alice@example.org',
    minimum: 2,
    polls: EMAIL_POLLS,
  },
  {
    id: 'wrong-password',
    label: 'wrong password, then right',
    endpoint: { flows: [['m.login.password']], password: PASSWORD },
    passwords: ['wrong', PASSWORD],
    minimum: 3,
    polls: 0,
  },
  {
    id: 'resume',
    label: 'resume session (token already done)',
    endpoint: {
      flows: [['m.login.registration_token', 'm.login.terms', 'm.login.dummy']],
      params: TERMS_PARAMS,
      registrationToken: TOKEN,
      presetSession: { id: 'RESUMED', completed: ['m.login.registration_token'] },
    },
    sessionId: 'RESUMED',
    minimum: 3,
    polls: 0,
  },
  {
    id: 'auth-data',
    label: 'resume from a 401 in hand (authData)',
    endpoint: {
      flows: [['m.login.registration_token', 'm.login.terms', 'm.login.dummy']],
      params: TERMS_PARAMS,
      registrationToken: TOKEN,
      presetSession: { id: 'IN_HAND', completed: ['m.login.registration_token'] },
    },
    authData: {
      session: 'IN_HAND',
      flows: [{ stages: ['m.login.registration_token', 'm.login.terms', 'm.login.dummy'] }],
      params: TERMS_PARAMS,
      completed: ['m.login.registration_token'],
    },
    minimum: 2,
    polls: 0,
  },
];

/** Looks a scenario up by id. */
export function scenario(id: string): Scenario {
  const s = SCENARIOS.find((x) => x.id === id);
  if (!s) throw new Error(`no scenario ${id}`);
  return s;
}
