/**
 * fast-check arbitraries for hostile homeservers, users and secrets.
 *
 * Answers are weighted towards plausible UIA (valid 401 challenges whose fields drift: a session
 * that changes mid-flow, completed lists out of order, unknown stages, huge params) so the chart
 * goes deep, with a steady share of outright garbage (any status, non-JSON, wrong-typed fields,
 * oversize lists, thrown non-Error values) so every parser and guard sees it.
 */
import fc from 'fast-check';
import { LIMITS } from '../../src/decisions/limits';
import type { FuzzAnswer } from './fuzz-server';

/** Stage types the chart knows, plus SSO and unknown ones (which take the fallback page). */
export const STAGE_TYPES = [
  'm.login.dummy',
  'm.login.password',
  'm.login.recaptcha',
  'm.login.terms',
  'm.login.email.identity',
  'm.login.msisdn',
  'm.login.registration_token',
  'org.matrix.msc3231.login.registration_token',
  'm.oauth',
  'org.matrix.cross_signing_reset',
  'm.login.sso',
  'org.example.custom',
] as const;

/** A stage type: mostly known ones, sometimes any string. */
export const stageTypeArb: fc.Arbitrary<string> = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom(...STAGE_TYPES) },
  { weight: 1, arbitrary: fc.string({ maxLength: 20 }) },
);

/** Flows real servers offer (Synapse's registration and re-auth flows, SSO-only, m.oauth). */
export const REAL_FLOWS: string[][] = [
  ['m.login.password'],
  ['m.login.dummy'],
  ['m.login.recaptcha', 'm.login.terms', 'm.login.dummy'],
  ['m.login.registration_token', 'm.login.dummy'],
  ['m.login.sso'],
  ['m.oauth'],
  ['m.login.email.identity'],
  ['m.login.recaptcha', 'm.login.terms', 'm.login.email.identity'],
  ['m.login.msisdn'],
  ['org.example.custom'],
  ['m.login.password', 'm.login.recaptcha'],
];

/** Params a real server sends with those flows. */
export const PLAUSIBLE_PARAMS = {
  'm.oauth': { url: 'https://auth.example.org/approve' },
  'm.login.terms': { policies: { privacy: { version: '1', en: { name: 'Privacy', url: 'https://example.org/p' } } } },
  'm.login.recaptcha': { public_key: 'site-key' },
};

/** A flow: mostly one a real server offers, sometimes 0 to 4 arbitrary stages. */
export const flowArb = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...REAL_FLOWS).map((stages) => ({ stages: [...stages] })) },
  { weight: 1, arbitrary: fc.record({ stages: fc.array(stageTypeArb, { maxLength: 4 }) }) },
);

/** Params the stages read, sometimes malformed (policies of the wrong shape, javascript: URLs). */
export const paramsArb: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: fc.constant({}) },
  {
    weight: 4,
    arbitrary: fc.record(
      {
        'm.login.recaptcha': fc.record({ public_key: fc.oneof(fc.string(), fc.integer()) }),
        'm.login.terms': fc.oneof(
          fc.constant({ policies: { privacy: { version: '1', en: { name: 'Privacy', url: 'https://example.org/p' } } } }),
          fc.record({ policies: fc.anything() }),
        ),
        'm.oauth': fc.record({ url: fc.oneof(fc.constant('https://auth.example.org/approve'), fc.constant('javascript:alert(1)'), fc.string()) }),
        'org.matrix.cross_signing_reset': fc.record({ url: fc.oneof(fc.webUrl(), fc.anything()) }),
        'm.login.sso': fc.anything({ maxDepth: 1 }),
      },
      { requiredKeys: [] },
    ),
  },
  { weight: 1, arbitrary: fc.anything({ maxDepth: 2 }) },
  // Past the params size limit.
  { weight: 1, arbitrary: fc.constant({ 'm.login.sso': { blob: 'x'.repeat(LIMITS.maxParamsJsonLength + 10) } }) },
);

/** A session id: the usual one, another (changed mid-flow), odd strings, wrong types, or absent. */
export const sessionArb: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 10, arbitrary: fc.constant('S1') },
  { weight: 2, arbitrary: fc.constant('S2') },
  { weight: 1, arbitrary: fc.string({ maxLength: 12 }) },
  { weight: 1, arbitrary: fc.oneof(fc.integer(), fc.constant(null), fc.constant('s'.repeat(LIMITS.maxSessionLength + 1))) },
  { weight: 2, arbitrary: fc.constant(undefined) },
);

/** A plausible 401 challenge body with drifting fields. */
export const challengeArb: fc.Arbitrary<Record<string, unknown>> = fc
  .record(
    {
      flows: fc.array(flowArb, { minLength: 1, maxLength: 4 }),
      session: sessionArb,
      params: paramsArb,
      completedPick: fc.array(fc.nat(), { maxLength: 4 }),
      errcode: fc.oneof(fc.constant(undefined), fc.constantFrom('M_FORBIDDEN', 'M_UNAUTHORIZED', 'M_THREEPID_AUTH_FAILED', 'M_UNKNOWN'), fc.integer()),
      error: fc.oneof(fc.constant(undefined), fc.string({ maxLength: 30 })),
      unknownField: fc.oneof(fc.constant(undefined), fc.anything({ maxDepth: 1 })),
    },
    { requiredKeys: ['flows'] },
  )
  .map(({ flows, session, params, completedPick, errcode, error, unknownField }) => {
    // Completed stages are picked from the flows offered, in any order (servers do not keep it).
    const all = flows.flatMap((f) => f.stages);
    const completed = all.length ? [...new Set((completedPick ?? []).map((i) => all[i % all.length]!))] : [];
    const body: Record<string, unknown> = { flows, params, completed };
    if (session !== undefined) body.session = session;
    if (errcode !== undefined) body.errcode = errcode;
    if (error !== undefined) body.error = error;
    if (unknownField !== undefined) body['org.example.unknown'] = unknownField;
    return body;
  });

/** 401 bodies that are not a usable challenge: garbage, wrong types, oversize lists. */
export const malformed401Arb: fc.Arbitrary<unknown> = fc.oneof(
  fc.anything({ maxDepth: 2 }),
  fc.record({ flows: fc.anything({ maxDepth: 2 }), session: fc.anything({ maxDepth: 1 }) }),
  fc.record({ flows: fc.array(fc.record({ stages: fc.anything({ maxDepth: 1 }) }), { maxLength: 3 }) }),
  fc.record({ flows: fc.constant([{ stages: ['m.login.dummy'] }]), completed: fc.anything({ maxDepth: 1 }) }),
  fc.constant({ flows: Array.from({ length: LIMITS.maxFlows + 1 }, () => ({ stages: ['m.login.dummy'] })) }),
  fc.constant({ flows: [{ stages: Array.from({ length: LIMITS.maxStagesPerFlow + 1 }, () => 'm.login.dummy') }] }),
  fc.constant({ flows: [{ stages: ['m.login.dummy'] }], completed: Array.from({ length: LIMITS.maxCompleted + 1 }, () => 'x') }),
  fc.constant({ flows: [{ stages: ['x'.repeat(LIMITS.maxStageTypeLength + 1)] }] }),
  fc.constant({ errcode: 'M_UNKNOWN_TOKEN', error: 'Invalid access token' }),
  fc.constant(undefined), // not JSON
  fc.string({ maxLength: 40 }), // an HTML error page, say
);

/** A value a broken request function may throw. */
export const thrownArb: fc.Arbitrary<unknown> = fc.oneof(
  fc.constant(new TypeError('fetch failed')),
  fc.constant(new DOMException('The operation was aborted', 'AbortError')),
  fc.string({ maxLength: 20 }),
  fc.integer(),
  fc.constant(undefined),
  fc.constant(null),
  fc.constant(Symbol('thrown')),
  fc.record({ httpStatus: fc.oneof(fc.string(), fc.constant(Number.NaN), fc.constant(401)), data: fc.anything({ maxDepth: 1 }) }),
  fc.anything({ maxDepth: 1 }),
);

/** A 429 with a sane, hostile or missing retry hint. */
export const rateLimitArb: fc.Arbitrary<FuzzAnswer> = fc
  .record({
    inBody: fc.oneof(fc.nat({ max: 5000 }), fc.constant(10 ** 9), fc.integer({ min: -5000, max: -1 }), fc.constant(Number.NaN), fc.string(), fc.constant(undefined)),
    header: fc.oneof(fc.constant(undefined), fc.nat({ max: 5000 }), fc.constant('soon')),
  })
  .map(({ inBody, header }) => ({
    kind: 'http' as const,
    status: 429,
    body: inBody === undefined ? { errcode: 'M_LIMIT_EXCEEDED' } : { errcode: 'M_LIMIT_EXCEEDED', retry_after_ms: inBody },
    ...(header === undefined ? {} : { retryAfterMs: header }),
  }));

/** Any server answer, weighted towards plausible UIA. */
export const answerArb: fc.Arbitrary<FuzzAnswer> = fc.oneof(
  { weight: 10, arbitrary: challengeArb.map((body): FuzzAnswer => ({ kind: 'http', status: 401, body })) },
  { weight: 2, arbitrary: malformed401Arb.map((body): FuzzAnswer => ({ kind: 'http', status: 401, body })) },
  { weight: 2, arbitrary: fc.anything({ maxDepth: 1 }).map((body): FuzzAnswer => ({ kind: 'ok', body })) },
  {
    weight: 2,
    arbitrary: fc
      .record({ status: fc.integer({ min: 100, max: 599 }), body: fc.oneof(fc.anything({ maxDepth: 1 }), fc.constant(undefined), fc.string()) })
      .map(({ status, body }): FuzzAnswer => ({ kind: 'http', status, body })),
  },
  { weight: 2, arbitrary: rateLimitArb },
  { weight: 2, arbitrary: thrownArb.map((value): FuzzAnswer => ({ kind: 'throw', value })) },
  { weight: 1, arbitrary: thrownArb.map((value): FuzzAnswer => ({ kind: 'syncThrow', value })) },
  { weight: 1, arbitrary: fc.constant<FuzzAnswer>({ kind: 'hang' }) },
);

/** The kind of a generated answer, for the tally. */
export function answerKind(a: FuzzAnswer): string {
  if (a.kind !== 'http') return a.kind === 'syncThrow' ? 'thrown synchronously' : a.kind === 'throw' ? 'network fault / thrown value' : a.kind === 'ok' ? '2xx' : 'no answer';
  if (a.status === 429) return '429';
  if (a.status !== 401) return 'other status';
  const b = a.body as Record<string, unknown> | undefined;
  return b && typeof b === 'object' && Array.isArray(b.flows) && b.flows.length <= LIMITS.maxFlows ? '401 challenge' : '401 malformed';
}

/** A distinctive secret: a marker that cannot occur by chance, plus random characters. */
export function secretArb(marker: string): fc.Arbitrary<string> {
  return fc.string({ unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'), minLength: 12, maxLength: 24 }).map((s) => `${marker}${s}`);
}

/** The secrets of one run. */
export interface Secrets {
  password: string;
  token: string;
  captcha: string;
  code: string;
}

/** Four distinct secrets. */
export const secretsArb: fc.Arbitrary<Secrets> = fc.record({
  password: secretArb('PwD9q'),
  token: secretArb('TkN7z'),
  captcha: secretArb('CaP4x'),
  code: secretArb('CoD3m'),
});

/** One thing the user (or the app) does, or time passing. */
export type UserAction =
  | { kind: 'event'; event: { type: string; [k: string]: unknown }; twice: boolean }
  /** Do what the open stage asks (submit the password, the captcha, ...), as a cooperative user. */
  | { kind: 'answerStage'; twice: boolean }
  | { kind: 'advance'; ms: number };

/** The event a cooperative user sends for an open stage of this kind and state. */
export function stageAnswer(kind: string | null, state: string, secrets: Secrets): { type: string; [k: string]: unknown }[] {
  return stageAnswerOne(kind, state, secrets).filter((e): e is { type: string } => e !== null);
}

function stageAnswerOne(kind: string | null, state: string, secrets: Secrets): ({ type: string; [k: string]: unknown } | null)[] {
  switch (kind) {
    case 'password':
      return [{ type: 'PASSWORD.SUBMIT', password: secrets.password, identifier: { type: 'm.id.user', user: '@alice:example.org' } }];
    case 'recaptcha':
      return [{ type: 'RECAPTCHA.SUBMIT', response: secrets.captcha }];
    case 'terms':
      return [{ type: 'TERMS.ACCEPT_ALL' }, { type: 'TERMS.SUBMIT' }];
    case 'registrationToken':
      return [{ type: 'TOKEN.SUBMIT', token: secrets.token }];
    case 'email':
      return [state === 'needsAddress' ? { type: 'EMAIL.SET_ADDRESS', email: 'alice@example.org' } : state === 'tokenFailed' ? { type: 'EMAIL.RESEND' } : { type: 'EMAIL.CHECK' }];
    case 'msisdn':
      return [state === 'waitingForCode' ? { type: 'MSISDN.SUBMIT_CODE', code: secrets.code } : { type: 'MSISDN.RESEND' }];
    case 'fallback':
      return [{ type: 'FALLBACK.DONE' }];
    case 'oauth':
      return [{ type: 'OAUTH.DONE' }];
    case 'dummy':
      return [{ type: 'STAGE.RETRY' }];
    default:
      return [null];
  }
}

/** A user action; secret values come from `secrets` so leaks can be traced. */
export function userActionArb(secrets: Secrets): fc.Arbitrary<UserAction> {
  const event = fc.oneof(
    { weight: 3, arbitrary: fc.constant({ type: 'PASSWORD.SUBMIT', password: secrets.password }) },
    { weight: 2, arbitrary: fc.constant({ type: 'RECAPTCHA.SUBMIT', response: secrets.captcha }) },
    { weight: 2, arbitrary: fc.constant({ type: 'TOKEN.SUBMIT', token: secrets.token }) },
    { weight: 2, arbitrary: fc.constant({ type: 'MSISDN.SUBMIT_CODE', code: secrets.code }) },
    { weight: 1, arbitrary: fc.constant({ type: 'TERMS.ACCEPT_ALL' }) },
    { weight: 1, arbitrary: fc.constant({ type: 'TERMS.SUBMIT' }) },
    { weight: 1, arbitrary: fc.constant({ type: 'EMAIL.SET_ADDRESS', email: 'alice@example.org' }) },
    { weight: 1, arbitrary: fc.constant({ type: 'EMAIL.RESEND' }) },
    { weight: 1, arbitrary: fc.constant({ type: 'EMAIL.CHECK' }) },
    { weight: 1, arbitrary: fc.constant({ type: 'MSISDN.RESEND' }) },
    { weight: 2, arbitrary: fc.constant({ type: 'FALLBACK.DONE' }) },
    { weight: 1, arbitrary: fc.constant({ type: 'OAUTH.DONE' }) },
    { weight: 1, arbitrary: fc.constant({ type: 'STAGE.RETRY' }) },
    { weight: 2, arbitrary: fc.constant({ type: 'POLL' }) },
    { weight: 1, arbitrary: fc.constantFrom({ type: 'PAUSE_POLLING' }, { type: 'RESUME_POLLING' }) },
    { weight: 1, arbitrary: flowArb.map((f) => ({ type: 'CHOOSE_FLOW', stages: f.stages })) },
    { weight: 1, arbitrary: fc.boolean().map((background) => ({ type: 'SUBMIT_AUTH', auth: { type: 'm.login.dummy' }, background })) },
    { weight: 1, arbitrary: fc.constant({ type: 'CANCEL' }) },
  );
  return fc.oneof(
    { weight: 3, arbitrary: fc.record({ kind: fc.constant('answerStage' as const), twice: fc.boolean() }) },
    { weight: 3, arbitrary: fc.record({ kind: fc.constant('event' as const), event, twice: fc.boolean() }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('advance' as const), ms: fc.oneof(fc.constant(0), fc.nat({ max: 3000 }), fc.constant(60_000)) }) },
  );
}
