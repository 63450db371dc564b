/**
 * Hardening: `client_secret` values.
 *
 * A generated secret comes from `crypto.getRandomValues` and matches the spec's grammar
 * (`[0-9a-zA-Z.=_-]`, 1 to 255 characters; ours are 32); a secret given by the app is validated,
 * and a bad one fails START with `InvalidOptionsError` before any request is made.
 */
import fc from 'fast-check';
import { createUiaActor } from '../../src/api/create-uia-machine';
import { generateClientSecret, isValidClientSecret } from '../../src/secrets/client-secret';
import { InvalidOptionsError } from '../../src/errors/errors';
import { checkProperty, Tally, propertyTimeout } from '../helpers/fuzz-report';
import { createFuzzServer } from '../helpers/fuzz-server';
import { stageMachines } from '../../machines/stages';

const SPEC = /^[0-9a-zA-Z.=_-]{1,255}$/;

afterEach(() => jest.restoreAllMocks());

test('a generated client_secret comes from crypto.getRandomValues', () => {
  const spy = jest.spyOn(globalThis.crypto, 'getRandomValues');
  const secret = generateClientSecret();
  expect(spy).toHaveBeenCalled();
  expect(secret).toMatch(SPEC);
  expect(secret).toHaveLength(32);
});

test('a generated client_secret is built from the random bytes only (all zero bytes give all "0")', () => {
  jest.spyOn(globalThis.crypto, 'getRandomValues').mockImplementation((a: ArrayBufferView) => {
    new Uint8Array(a.buffer, a.byteOffset, a.byteLength).fill(0);
    return a;
  });
  expect(generateClientSecret()).toBe('0'.repeat(32));
});

test('generated client secrets match the spec grammar and do not repeat', async () => {
  const tally = new Tally();
  const seen = new Set<string>();
  await checkProperty(
    fc.property(fc.integer({ min: 1, max: 255 }), (length) => {
      const s = generateClientSecret(length);
      tally.add('secrets generated', 'count');
      if (!SPEC.test(s) || s.length !== length || !isValidClientSecret(s)) throw new Error(`bad secret ${s}`);
      if (length >= 16 && seen.has(s)) throw new Error('repeated secret');
      seen.add(s);
    }),
    { suite: 'client-secret', property: 'Generated client secrets have the spec charset and the asked length, and never repeat', tried: 'lengths 1 to 255', tally },
  );
}, propertyTimeout());

const badSecretArb = fc.oneof(
  fc.constant(''),
  fc.string({ minLength: 256, maxLength: 300, unit: fc.constantFrom('a', 'B', '1') }),
  fc.string({ minLength: 1, maxLength: 40, unit: 'grapheme' }).filter((s) => !SPEC.test(s)),
);

test('an app-given client_secret is validated: a bad one fails START with InvalidOptionsError and sends nothing', async () => {
  const tally = new Tally();
  await checkProperty(
    fc.property(fc.oneof(badSecretArb.map((s) => ({ s, valid: false })), fc.stringMatching(/^[0-9a-zA-Z.=_-]{1,255}$/).map((s) => ({ s, valid: true }))), ({ s, valid }) => {
      const server = createFuzzServer({ answers: [] });
      const actor = createUiaActor({ stages: stageMachines, request: server.request, clientSecret: s });
      actor.start();
      actor.send({ type: 'START' });
      const snap = actor.getSnapshot();
      actor.stop();
      tally.add('app-given secrets', valid ? 'valid' : 'invalid');
      if (valid) {
        if (snap.context.settings.clientSecret !== s || snap.value !== 'requesting') throw new Error(`valid secret refused: ${s}`);
      } else {
        const out = snap.output;
        if (!(out?.status === 'failed' && out.error instanceof InvalidOptionsError)) throw new Error(`invalid secret accepted: ${JSON.stringify(s)}`);
        if (server.calls.length !== 0) throw new Error('a request was sent with an invalid secret');
        if (out.error.message.includes(s) && s.length > 0) throw new Error('the error echoes the secret');
      }
    }),
    { suite: 'client-secret', property: 'An app-given client secret is accepted only if it matches the spec grammar; otherwise START fails with InvalidOptionsError before any request', tried: 'empty, over-long, and out-of-charset strings (any unicode), and valid ones', tally },
  );
}, propertyTimeout());
