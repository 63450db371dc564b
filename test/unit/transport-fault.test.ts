/**
 * What a `NetworkError` keeps of a transport's fault (src/secrets/transport-fault.ts): the fault
 * itself when it only describes what went wrong (fetch's and Node's errors), a plain copy of that
 * description when it also holds the request (axios: `config.data`, `request`, `response`).
 */
import { inspect } from 'node:util';
import { NetworkError } from '../../src/errors/errors';
import { transportFault } from '../../src/secrets/transport-fault';
import { networkReason } from '../../src/cli/report';

const PASSWORD = 'pw-5ecret';

test("fetch's fault is kept as it is: identity, class and the socket code in its cause", () => {
  const socket = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED', errno: -111, syscall: 'connect', address: '127.0.0.1', port: 1 });
  const fault = new TypeError('fetch failed', { cause: socket });
  const e = new NetworkError(fault);
  expect(e.cause).toBe(fault);
  expect((e.cause as Error).cause).toBe(socket);
});

test("an AggregateError of socket errors (Node's happy eyeballs) keeps its errors' codes, which the CLI reads", () => {
  const first = Object.assign(new Error('a'), { code: 'ECONNREFUSED' });
  const agg = new AggregateError([first, Object.assign(new Error('b'), { code: 'ETIMEDOUT' })], '');
  const kept = transportFault(new TypeError('fetch failed', { cause: agg })) as Error & { cause: { errors: unknown[] } };
  expect(kept).toMatchObject({ name: 'TypeError', message: 'fetch failed' });
  expect(kept.cause.errors[0]).toBe(first);
  expect(kept.cause.errors[1]).toMatchObject({ code: 'ETIMEDOUT' });
  expect(networkReason(kept).errno).toBe('ECONNREFUSED');
});

test('a timeout DOMException is kept', () => {
  const fault = new DOMException('The operation timed out.', 'TimeoutError');
  expect(new NetworkError(fault).cause).toBe(fault);
});

test('an axios-like error is replaced by its description: name, message, code, and its cause described the same way', () => {
  const body = JSON.stringify({ auth: { type: 'm.login.password', password: PASSWORD }, new_password: PASSWORD });
  const inner = Object.assign(new Error(`request failed: ${body}`), { request: { body } });
  const fault = Object.assign(new Error('Network Error', { cause: inner }), {
    name: 'AxiosError',
    code: 'ERR_NETWORK',
    config: { data: body, headers: { Authorization: `Bearer ${PASSWORD}` } },
    request: { _header: `POST /x\r\nAuthorization: Bearer ${PASSWORD}` },
  });
  const e = new NetworkError(fault);
  const kept = e.cause as Error & { code?: string; cause?: Error };
  expect(kept).not.toBe(fault);
  expect(kept).toBeInstanceOf(Error);
  expect(kept).toMatchObject({ name: 'AxiosError', message: 'Network Error', code: 'ERR_NETWORK' });
  expect(kept.cause?.message).toBe('request failed: […]');
  expect(Object.getOwnPropertyNames(kept)).not.toContain('config');
  expect(Object.getOwnPropertyNames(kept.cause)).not.toContain('cause');
  const printed = inspect(e, { depth: 20 }) + JSON.stringify(e);
  expect(printed).not.toContain(PASSWORD);
  expect(e.message).toBe('Network error: AxiosError: Network Error');
  // The app's own object is not touched.
  expect(fault.config.data).toBe(body);
});

test('a cause chain that loops, or is deeper than four errors, ends (no hang, no stack overflow)', () => {
  const loop = Object.assign(new Error('loop'), { extra: 1 }) as Error & { cause?: unknown };
  loop.cause = loop;
  const kept = transportFault(loop) as Error & { cause?: unknown };
  let depth = 0;
  for (let c: unknown = kept; c instanceof Error; c = (c as { cause?: unknown }).cause) depth++;
  expect(depth).toBeLessThanOrEqual(5);
});

test('a fault whose fields throw (a Proxy) leaves no cause; non-error values are kept only when primitive', () => {
  const hostile = new Proxy(new Error('x'), { ownKeys: () => { throw new Error('trap'); } });
  expect(transportFault(hostile)).toBeUndefined();
  expect(new NetworkError(hostile).message).toMatch(/^Network error/);
  expect(transportFault('offline')).toBe('offline');
  expect(transportFault({ config: { data: PASSWORD } })).toBe('[object]');
  expect(transportFault(undefined)).toBeUndefined();
});
