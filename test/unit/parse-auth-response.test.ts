/**
 * 401 parsing and answer classification (src/decisions/parse-auth-response.ts): every malformed shape is a
 * `ProtocolError`, the size limits hold, and each kind of HTTP answer is routed as the chart needs.
 */
import { classifyResponse, parseAuthChallenge, readRetryAfterMs } from '../../src/decisions/parse-auth-response';
import { EndpointError, ProtocolError } from '../../src/errors/errors';
import { LIMITS } from '../../src/decisions/limits';
import type { AuthChallenge } from '../../src/types';

const ok = { session: 'S', flows: [{ stages: ['m.login.password'] }], params: {} };

describe('parseAuthChallenge', () => {
  test('a valid Synapse body', () => {
    const body = {
      session: 'CVmDwbFudqXdrAAGxiJGjrjT',
      flows: [{ stages: ['m.login.recaptcha', 'm.login.terms', 'm.login.dummy'] }],
      params: { 'm.login.recaptcha': { public_key: 'k' } },
      completed: ['m.login.recaptcha'],
      errcode: 'M_UNAUTHORIZED',
      error: 'nope',
    };
    expect(parseAuthChallenge(body)).toEqual(body);
  });
  test('optional fields default to empty; absent session stays absent', () => {
    const c = parseAuthChallenge({ flows: [{ stages: ['a'] }] }) as AuthChallenge;
    expect(c).toEqual({ flows: [{ stages: ['a'] }], params: {}, completed: [] });
    expect('session' in c).toBe(false);
    expect(parseAuthChallenge({ flows: [], params: null, completed: null })).toEqual({ flows: [], params: {}, completed: [] });
  });
  test('returns copies of the server arrays', () => {
    const body = { flows: [{ stages: ['a'] }], completed: ['a'] };
    const c = parseAuthChallenge(body) as AuthChallenge;
    expect(c.flows).not.toBe(body.flows);
    expect(c.flows[0]!.stages).not.toBe(body.flows[0]!.stages);
    expect(c.completed).not.toBe(body.completed);
  });
  test('a stage params entry that is not an object is dropped, others kept', () => {
    const c = parseAuthChallenge({ flows: [], params: { a: 'x', b: { k: 1 }, c: [1] } }) as AuthChallenge;
    expect(c.params).toEqual({ b: { k: 1 } });
  });
  test('non-string errcode/error are ignored', () => {
    const c = parseAuthChallenge({ flows: [], errcode: 5, error: {} }) as AuthChallenge;
    expect(c.errcode).toBeUndefined();
    expect(c.error).toBeUndefined();
  });

  const cyclic: Record<string, unknown> = {};
  cyclic.self = cyclic;
  const malformed: [string, unknown][] = [
    ['null', null],
    ['undefined', undefined],
    ['a string', 'flows'],
    ['a number', 401],
    ['an array', [ok]],
    ['no flows', { session: 'S' }],
    ['flows not a list', { flows: { stages: ['a'] } }],
    ['flows a string', { flows: 'm.login.password' }],
    ['a flow that is not an object', { flows: ['m.login.password'] }],
    ['a flow that is null', { flows: [null] }],
    ['a flow without stages', { flows: [{}] }],
    ['a flow whose stages is a string', { flows: [{ stages: 'm.login.password' }] }],
    ['a stage that is a number', { flows: [{ stages: [1] }] }],
    ['a stage that is null', { flows: [{ stages: [null] }] }],
    ['an empty stage type', { flows: [{ stages: [''] }] }],
    ['an oversized stage type', { flows: [{ stages: ['x'.repeat(LIMITS.maxStageTypeLength + 1)] }] }],
    ['too many flows', { flows: Array.from({ length: LIMITS.maxFlows + 1 }, () => ({ stages: ['a'] })) }],
    ['too many stages', { flows: [{ stages: Array.from({ length: LIMITS.maxStagesPerFlow + 1 }, (_, i) => `s${i}`) }] }],
    ['a numeric session', { ...ok, session: 42 }],
    ['an empty session', { ...ok, session: '' }],
    ['an oversized session', { ...ok, session: 's'.repeat(LIMITS.maxSessionLength + 1) }],
    ['params a list', { ...ok, params: [] }],
    ['params a string', { ...ok, params: 'x' }],
    ['params oversized', { ...ok, params: { a: { blob: 'x'.repeat(LIMITS.maxParamsJsonLength) } } }],
    ['params that cannot be serialised', { ...ok, params: { a: cyclic } }],
    ['params with a BigInt', { ...ok, params: { a: { n: BigInt(1) } } }],
    ['completed not a list', { ...ok, completed: 'm.login.password' }],
    ['completed with a number', { ...ok, completed: [1] }],
    ['completed too long', { ...ok, completed: Array.from({ length: LIMITS.maxCompleted + 1 }, (_, i) => `s${i}`) }],
  ];
  test.each(malformed)('%s is a ProtocolError', (_name, body) => {
    const r = parseAuthChallenge(body);
    expect(r).toBeInstanceOf(ProtocolError);
    expect((r as ProtocolError).code).toBe('PROTOCOL');
  });
  test('limits are inclusive', () => {
    expect(parseAuthChallenge({ flows: Array.from({ length: LIMITS.maxFlows }, () => ({ stages: ['a'] })) })).not.toBeInstanceOf(ProtocolError);
    expect(parseAuthChallenge({ flows: [{ stages: ['x'.repeat(LIMITS.maxStageTypeLength)] }] })).not.toBeInstanceOf(ProtocolError);
    expect(parseAuthChallenge({ ...ok, session: 's'.repeat(LIMITS.maxSessionLength) })).not.toBeInstanceOf(ProtocolError);
  });
});

describe('readRetryAfterMs', () => {
  test('body first, then header, else undefined', () => {
    expect(readRetryAfterMs({ retry_after_ms: 1500 }, 9000)).toBe(1500);
    expect(readRetryAfterMs({}, 9000)).toBe(9000);
    expect(readRetryAfterMs({ retry_after_ms: 'soon' }, 9000)).toBe(9000);
    expect(readRetryAfterMs({ retry_after_ms: -1 })).toBeUndefined();
    expect(readRetryAfterMs({ retry_after_ms: Infinity })).toBeUndefined();
    expect(readRetryAfterMs(null)).toBeUndefined();
    expect(readRetryAfterMs({ retry_after_ms: 0 })).toBe(0);
  });
});

describe('classifyResponse', () => {
  const known: AuthChallenge = { session: 'S', flows: [{ stages: ['m.login.email.identity'] }], params: { x: { y: 1 } }, completed: ['m.login.dummy'] };

  test('2xx is success with the data, untouched', () => {
    const data = { user_id: '@a:b' };
    const r = classifyResponse({ kind: 'success', data });
    expect(r).toEqual({ kind: 'success', data });
    expect((r as { data: unknown }).data).toBe(data);
  });
  test('401 with flows is a challenge', () => {
    expect(classifyResponse({ kind: 'http', status: 401, data: ok })).toEqual({ kind: 'challenge', challenge: { ...ok, completed: [] } });
  });
  test('401 with flows and errcode keeps the errcode (a stage error, Synapse exchange 16)', () => {
    const body = { ...ok, completed: [], error: 'Invalid username or password', errcode: 'M_FORBIDDEN' };
    const r = classifyResponse({ kind: 'http', status: 401, data: body });
    expect(r.kind).toBe('challenge');
    if (r.kind === 'challenge') {
      expect(r.challenge.errcode).toBe('M_FORBIDDEN');
      expect(r.challenge.error).toBe('Invalid username or password');
    }
  });
  test.each(['M_MISSING_TOKEN', 'M_UNKNOWN_TOKEN'])('401 %s is an EndpointError even with flows known or given', (errcode) => {
    for (const data of [{ errcode, error: 'x' }, { ...ok, errcode }]) {
      const r = classifyResponse({ kind: 'http', status: 401, data }, known);
      expect(r.kind).toBe('error');
      if (r.kind === 'error') {
        expect(r.error).toBeInstanceOf(EndpointError);
        expect((r.error as EndpointError).httpStatus).toBe(401);
        expect((r.error as EndpointError).errcode).toBe(errcode);
      }
    }
  });
  test('401 without flows and nothing known is an EndpointError', () => {
    const r = classifyResponse({ kind: 'http', status: 401, data: { errcode: 'M_FORBIDDEN', error: 'no' } }, null);
    expect(r.kind).toBe('error');
    if (r.kind === 'error') expect(r.error).toBeInstanceOf(EndpointError);
  });
  test('401 without flows while flows are known keeps the known flows, session, params and completed (Synapse poll)', () => {
    const r = classifyResponse({ kind: 'http', status: 401, data: {} }, known);
    expect(r).toEqual({ kind: 'challenge', challenge: { ...known } });
  });
  test('401 without flows keeps what the body does say (errcode, completed)', () => {
    const r = classifyResponse({ kind: 'http', status: 401, data: { errcode: 'M_UNAUTHORIZED', error: 'not yet', completed: [] } }, known);
    expect(r.kind).toBe('challenge');
    if (r.kind === 'challenge') {
      expect(r.challenge.flows).toEqual(known.flows);
      expect(r.challenge.session).toBe('S');
      expect(r.challenge.completed).toEqual([]);
      expect(r.challenge.errcode).toBe('M_UNAUTHORIZED');
    }
  });
  test('the known errcode is not carried into a later body', () => {
    const r = classifyResponse({ kind: 'http', status: 401, data: {} }, { ...known, errcode: 'M_FORBIDDEN', error: 'old' } as AuthChallenge);
    expect(r.kind).toBe('challenge');
    if (r.kind === 'challenge') {
      expect(r.challenge.errcode).toBeUndefined();
      expect(r.challenge.error).toBeUndefined();
    }
  });
  test('401 with a non-object body is a protocol error (nothing to fill)', () => {
    for (const data of ['oops', null, [1]]) {
      const r = classifyResponse({ kind: 'http', status: 401, data }, known);
      expect(r.kind).toBe('error');
      if (r.kind === 'error') expect(r.error).toBeInstanceOf(ProtocolError);
    }
  });
  test('401 with malformed flows is a ProtocolError', () => {
    const r = classifyResponse({ kind: 'http', status: 401, data: { flows: [{ stages: 'x' }] } }, known);
    expect(r.kind === 'error' && r.error).toBeInstanceOf(ProtocolError);
  });
  test('429 with retry_after_ms in the body', () => {
    expect(classifyResponse({ kind: 'http', status: 429, data: { errcode: 'M_LIMIT_EXCEEDED', retry_after_ms: 1234 } })).toEqual({ kind: 'rateLimited', retryAfterMs: 1234 });
  });
  test('429 with a Retry-After header only', () => {
    expect(classifyResponse({ kind: 'http', status: 429, data: { errcode: 'M_LIMIT_EXCEEDED' }, retryAfterMs: 3000 })).toEqual({ kind: 'rateLimited', retryAfterMs: 3000 });
  });
  test('429 without any hint', () => {
    expect(classifyResponse({ kind: 'http', status: 429, data: undefined })).toEqual({ kind: 'rateLimited', retryAfterMs: undefined });
  });
  test.each([400, 403, 404, 500, 502, 503])('%i is an EndpointError with status, errcode and message', (status) => {
    const data = { errcode: 'M_UNKNOWN', error: 'Unknown session ID: doesnotexist' };
    const r = classifyResponse({ kind: 'http', status, data }, known);
    expect(r.kind).toBe('error');
    if (r.kind === 'error') {
      const e = r.error as EndpointError;
      expect(e).toBeInstanceOf(EndpointError);
      expect(e.httpStatus).toBe(status);
      expect(e.errcode).toBe('M_UNKNOWN');
      expect(e.data).toBe(data);
      expect(e.message).toBe(`${status} M_UNKNOWN: Unknown session ID: doesnotexist`);
    }
  });
  test('a non-JSON error body still gives an EndpointError', () => {
    const r = classifyResponse({ kind: 'http', status: 502, data: undefined });
    expect(r.kind === 'error' && r.error.message).toBe('502: request failed');
  });
});
