import { runUia } from '../src';
import { scripted, uia401 } from './helpers/scripted-server';

test('password change', async () => {
  const s = scripted([
    uia401({ session: 'S', flows: [{ stages: ['m.login.password'] }], params: {} }),
    uia401({ session: 'S', flows: [{ stages: ['m.login.password'] }], params: {}, completed: [], errcode: 'M_FORBIDDEN', error: 'Invalid username or password' }),
    { ok: {} },
  ]);
  const errors: unknown[] = [];
  const result = await runUia({ request: s.request, userId: '@alice:localhost', handlers: { password: (p) => { errors.push(p.error?.message); return p.attempt === 1 ? 'wrong' : 'right'; } } });
  expect(result).toEqual({});
  expect(s.calls.map((c) => c.auth)).toEqual([
    null,
    { type: 'm.login.password', identifier: { type: 'm.id.user', user: '@alice:localhost' }, password: 'wrong', session: 'S' },
    { type: 'm.login.password', identifier: { type: 'm.id.user', user: '@alice:localhost' }, password: 'right', session: 'S' },
  ]);
  expect(errors).toEqual([undefined, 'Invalid username or password']);
});
