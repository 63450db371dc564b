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

/** The generator of a fresh copy of its module: an empty pool, so its first secret draws new bytes. */
function freshGenerator(): typeof generateClientSecret {
  let fresh!: typeof generateClientSecret;
  jest.isolateModules(() => {
    fresh = (jest.requireActual('../../src/secrets/client-secret') as typeof import('../../src/secrets/client-secret')).generateClientSecret;
  });
  return fresh;
}

test('a generated client_secret comes from crypto.getRandomValues', () => {
  const generate = freshGenerator();
  const spy = jest.spyOn(globalThis.crypto, 'getRandomValues');
  const secret = generate();
  expect(spy).toHaveBeenCalled();
  expect(secret).toMatch(SPEC);
  expect(secret).toHaveLength(32);
});

test('a generated client_secret is built from the random bytes only (all zero bytes give all "0")', () => {
  const generate = freshGenerator();
  jest.spyOn(globalThis.crypto, 'getRandomValues').mockImplementation((a: ArrayBufferView) => {
    new Uint8Array(a.buffer, a.byteOffset, a.byteLength).fill(0);
    return a;
  });
  expect(generate()).toBe('0'.repeat(32));
});

test('random bytes are drawn a block at a time, each used once and zeroed in the pool once spent', () => {
  const generate = freshGenerator();
  const blocks: Uint8Array[] = [];
  let next = 0;
  // Bytes 0, 1, 2, ... (mod 198: every one accepted), so which byte made which character is known.
  jest.spyOn(globalThis.crypto, 'getRandomValues').mockImplementation((a: ArrayBufferView) => {
    const bytes = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
    for (let i = 0; i < bytes.length; i++) bytes[i] = next++ % 198;
    blocks.push(bytes);
    return a;
  });
  const CHARS = '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.=_-';
  const expected = (from: number) => Array.from({ length: 32 }, (_, i) => CHARS[((from + i) % 198) % 66]).join('');
  // 512 bytes a block: 16 secrets of 32 characters from the first, the 17th from a second block.
  const secrets = Array.from({ length: 17 }, () => generate());
  expect(blocks).toHaveLength(2);
  secrets.forEach((s, k) => expect(s).toBe(expected(32 * k)));
  // No byte a secret used stays in the pool: the first block is all zero, the second from byte 32 on is unused.
  expect(blocks[0]!.every((b) => b === 0)).toBe(true);
  expect(blocks[1]!.subarray(0, 32).every((b) => b === 0)).toBe(true);
  expect(blocks[1]![32]).toBe((512 + 32) % 198);
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
