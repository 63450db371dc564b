/**
 * Hardening: a resumed session is bound to the request it authorises.
 *
 * `requestFingerprint` is a SHA-256 over method, path and the canonical body without `auth`:
 * stable under key order and auth changes, different for any change of method, path or body.
 * Resuming with a fingerprint that differs fails START with `SessionMismatchError` before any
 * request; the persisted snapshot carries the fingerprint, so a restored actor can be checked.
 */
import fc from 'fast-check';
import { createUiaActor } from '../../src/api/create-uia-machine';
import { SessionMismatchError } from '../../src/errors/errors';
import { assertSnapshotBinding, canonicalJson, checkSessionBinding, requestFingerprint } from '../../src/decisions/session-binding';
import { checkProperty, Tally, propertyTimeout } from '../helpers/fuzz-report';
import { createFuzzServer } from '../helpers/fuzz-server';
import { stageMachines } from '../../machines/stages';

/** The same object with its keys in reverse order, at every level. */
function reorder(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(reorder);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).reverse().map(([k, x]) => [k, reorder(x)]));
  return v;
}

const bodyArb = fc.dictionary(fc.string({ maxLength: 8 }).filter((k) => k !== 'auth' && k !== '__proto__'), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 5 });
const requestArb = fc.record({ method: fc.constantFrom('POST', 'DELETE', 'PUT'), path: fc.constantFrom('/_matrix/client/v3/account/password', '/_matrix/client/v3/delete_devices', '/_matrix/client/v3/register'), body: bodyArb });

test('fingerprints ignore key order and auth, and change with method, path or body', async () => {
  const tally = new Tally();
  await checkProperty(
    fc.asyncProperty(requestArb, requestArb, fc.jsonValue({ maxDepth: 1 }), async (a, b, auth) => {
      const fa = await requestFingerprint(a);
      const same = await requestFingerprint({ method: a.method.toLowerCase(), path: a.path, body: { ...(reorder(a.body) as object), auth } });
      if (fa !== same) throw new Error('fingerprint depends on key order, method case or auth');
      if (!/^uia-fp1:[0-9a-f]{64}$/.test(fa)) throw new Error(`format: ${fa}`);
      const fb = await requestFingerprint(b);
      const equal = a.method === b.method && a.path === b.path && canonicalJson(a.body) === canonicalJson(b.body);
      tally.add('request pairs', equal ? 'equivalent' : 'different');
      if (equal !== (fa === fb)) throw new Error(`fingerprints ${equal ? 'differ for equivalent' : 'collide for different'} requests`);
    }),
    { suite: 'session-binding', property: 'requestFingerprint ignores key order, method case and auth, and changes with method, path or body', tried: 'pairs of generated requests (3 methods, 3 paths, JSON bodies) and random auth dicts', tally },
  );
}, propertyTimeout());

test('resuming a session for another request fails START with SessionMismatchError and sends nothing', async () => {
  const saved = await requestFingerprint({ method: 'POST', path: '/_matrix/client/v3/account/password', body: { new_password: 'a', logout_devices: false } });
  const now = await requestFingerprint({ method: 'POST', path: '/_matrix/client/v3/account/password', body: { new_password: 'a', logout_devices: true } });
  const server = createFuzzServer({ answers: [] });
  const actor = createUiaActor({ stages: stageMachines, request: server.request, sessionId: 'S1', sessionFingerprint: saved, requestFingerprint: now });
  actor.start();
  actor.send({ type: 'START' });
  const out = actor.getSnapshot().output;
  actor.stop();
  expect(out?.status).toBe('failed');
  expect(out && out.status !== 'done' ? out.error : null).toBeInstanceOf(SessionMismatchError);
  expect(server.calls).toHaveLength(0);
});

test('resuming for the same request goes ahead with the session, and the snapshot carries the fingerprint', async () => {
  const fp = await requestFingerprint({ method: 'POST', path: '/_matrix/client/v3/delete_devices', body: { devices: ['A', 'B'] } });
  const server = createFuzzServer({ answers: [] });
  const actor = createUiaActor({ stages: stageMachines, request: server.request, sessionId: 'S1', sessionFingerprint: fp, requestFingerprint: fp });
  actor.start();
  actor.send({ type: 'START' });
  expect(actor.getSnapshot().value).toBe('requesting');
  const persisted = JSON.parse(JSON.stringify(actor.getPersistedSnapshot()));
  actor.stop();
  expect(server.calls[0]?.auth).toEqual({ session: 'S1' });
  expect(persisted.context.settings.requestFingerprint).toBe(fp);
  expect(() => assertSnapshotBinding(persisted, fp)).not.toThrow();
  const other = await requestFingerprint({ method: 'POST', path: '/_matrix/client/v3/delete_devices', body: { devices: ['A'] } });
  expect(() => assertSnapshotBinding(persisted, other)).toThrow(SessionMismatchError);
});

test('checkSessionBinding compares only when both fingerprints are known', () => {
  expect(checkSessionBinding(undefined, 'x')).toBeNull();
  expect(checkSessionBinding('x', undefined)).toBeNull();
  expect(checkSessionBinding('x', 'x')).toBeNull();
  expect(checkSessionBinding('x', 'y')).toBeInstanceOf(SessionMismatchError);
});
