/**
 * Credential redaction (src/secrets/sanitize.ts) and the Sealed box (src/secrets/secret.ts).
 */
import { inspect } from 'node:util';
import type { InspectionEvent } from 'xstate';
import { REDACTED, redactSecrets, sanitizedInspector, sanitizeInspectionEvent } from '../../src/secrets/sanitize';
import { isSanitizedInspector } from '../../src/secrets/sanitized-inspector';
import { InvalidOptionsError } from '../../src/errors/errors';
import { Sealed, unseal } from '../../src/secrets/secret';
import { createUiaActor } from '../../src/api/create-uia-machine';
import { flush } from '../helpers/controllable';
import { scripted, uia401 } from '../helpers/scripted-server';
import { stageMachines } from '../../machines/stages';

describe('Sealed', () => {
  const s = new Sealed({ password: 'hunter2' });
  test('JSON.stringify, util.inspect and String() print a marker', () => {
    expect(JSON.stringify({ s })).toBe('{"s":"[sealed]"}');
    expect(inspect(s)).toBe('[sealed]');
    expect(inspect({ deep: { s } }, { depth: 10 })).not.toContain('hunter2');
    expect(String(s)).toBe('[sealed]');
    expect(`${s}`).toBe('[sealed]');
    expect(Object.keys(s)).toEqual([]);
  });
  test('unseal gives the value back', () => {
    expect(s.unseal()).toEqual({ password: 'hunter2' });
    expect(unseal(s)).toEqual({ password: 'hunter2' });
    expect(unseal(3)).toBe(3);
  });
});

describe('redactSecrets', () => {
  test('redacts credential keys anywhere, case-insensitively, and seals', () => {
    const v = { type: 'm.login.password', password: 'p', nested: [{ Token: 't', CODE: 'c', response: 'r', ok: 1 }], auth: new Sealed('x'), new_password: 'n' };
    expect(redactSecrets(v)).toEqual({ type: 'm.login.password', password: REDACTED, nested: [{ Token: REDACTED, CODE: REDACTED, response: REDACTED, ok: 1 }], auth: '[sealed]', new_password: REDACTED });
    expect(v.password).toBe('p');
  });
  test('keeps empty values and handles cycles; errors are copied (redacted inside, issue 14 item 5)', () => {
    const err = new Error('e');
    const cyc: Record<string, unknown> = { password: '' };
    cyc.self = cyc;
    const out = redactSecrets({ err, cyc }) as { err: Error; cyc: Record<string, unknown> };
    expect(out.err).not.toBe(err);
    expect(out.err).toBeInstanceOf(Error);
    expect(out.err.message).toBe('e');
    expect(out.cyc.password).toBe('');
    expect(out.cyc.self).toBe(out.cyc);
  });
});

describe('sanitizeInspectionEvent', () => {
  test('redacts the event and the snapshot context, keeps the rest', () => {
    const e = { type: '@xstate.event', event: { type: 'PASSWORD.SUBMIT', password: 'hunter2' }, rootId: 'r' } as unknown as InspectionEvent;
    const out = sanitizeInspectionEvent(e) as unknown as { event: unknown; rootId: string };
    expect(out.event).toEqual({ type: 'PASSWORD.SUBMIT', password: REDACTED });
    expect(out.rootId).toBe('r');
  });
  test('a real negotiation inspected through createUiaActor never shows the password', async () => {
    const s = scripted([uia401({ session: 'S', flows: [{ stages: ['m.login.password'] }], params: {} }), { ok: {} }]);
    const seen: string[] = [];
    const actor = createUiaActor({ stages: stageMachines,
      request: s.request,
      userId: '@a:b',
      inspect: sanitizedInspector((e) => {
        const x = e as unknown as { event?: unknown; snapshot?: { context?: unknown } };
        seen.push(JSON.stringify(x.event ?? null), JSON.stringify(x.snapshot?.context ?? null));
      }),
    });
    actor.start();
    actor.send({ type: 'START' });
    await flush();
    actor.send({ type: 'PASSWORD.SUBMIT', password: 'hunter2-secret' });
    await flush();
    expect(actor.getSnapshot().value).toBe('done');
    expect(s.calls[1]!.auth).toMatchObject({ password: 'hunter2-secret' });
    expect(seen.length).toBeGreaterThan(10);
    expect(seen.join('\n')).not.toContain('hunter2-secret');
  });
  test('createUiaActor refuses a raw observer unless sanitize is false, and hands that one raw events', () => {
    const request = async () => ({});
    expect(() => createUiaActor({ stages: stageMachines, request, inspect: () => undefined })).toThrow(InvalidOptionsError);
    const raw: unknown[] = [];
    const actor = createUiaActor({ stages: stageMachines, request, sanitize: false, inspect: (e) => raw.push(e) });
    actor.start();
    actor.send({ type: 'CANCEL' });
    expect(raw.length).toBeGreaterThan(0);
  });
  test('sanitizedInspector accepts an Observer object and marks its result', () => {
    const seen: unknown[] = [];
    const wrapped = sanitizedInspector({ next: (e) => seen.push(e) });
    expect(isSanitizedInspector(wrapped)).toBe(true);
    expect(isSanitizedInspector(() => undefined)).toBe(false);
    wrapped({ type: '@xstate.event', event: { type: 'TOKEN.SUBMIT', token: 't0ken' } } as unknown as InspectionEvent);
    expect(JSON.stringify(seen)).not.toContain('t0ken');
  });
});
