/**
 * The keys `reset-cross-signing` uploads: the spec's canonical JSON, and self-signing and
 * user-signing keys whose signatures verify with the master key.
 */
import { createPublicKey, verify } from 'node:crypto';
import { canonicalJson, generateCrossSigningKeys } from '../../src/cli/cross-signing-keys';

/** An Ed25519 public key object from its unpadded base64 raw form. */
function publicKeyFrom(b64: string) {
  const raw = Buffer.from(b64, 'base64');
  // SPKI DER prefix of an Ed25519 key, followed by the 32 raw bytes.
  const der = Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), raw]);
  return createPublicKey({ key: der, format: 'der', type: 'spki' });
}

test('canonical JSON sorts keys at every level and has no whitespace', () => {
  expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: 'é' }, u: undefined })).toBe('{"a":{"c":"é","d":[3,{"y":2,"z":1}]},"b":1}');
});

test('generated keys are well formed and signed by the master key', () => {
  const { keys, masterPublicKey } = generateCrossSigningKeys('@alice:example.org');
  expect(keys.master_key).toEqual({ user_id: '@alice:example.org', usage: ['master'], keys: { [`ed25519:${masterPublicKey}`]: masterPublicKey } });
  expect(masterPublicKey).toMatch(/^[A-Za-z0-9+/]{43}$/);
  const master = publicKeyFrom(masterPublicKey);
  for (const [key, usage] of [[keys.self_signing_key, 'self_signing'], [keys.user_signing_key, 'user_signing']] as const) {
    expect(key.usage).toEqual([usage]);
    const sig = key.signatures?.['@alice:example.org']?.[`ed25519:${masterPublicKey}`];
    expect(typeof sig).toBe('string');
    const { signatures, ...signed } = key;
    void signatures;
    expect(verify(null, Buffer.from(canonicalJson(signed)), master, Buffer.from(sig!, 'base64'))).toBe(true);
    // A tampered key must not verify: the signature covers the content.
    expect(verify(null, Buffer.from(canonicalJson({ ...signed, usage: ['master'] })), master, Buffer.from(sig!, 'base64'))).toBe(false);
  }
  // Three distinct keys.
  const ids = [keys.master_key, keys.self_signing_key, keys.user_signing_key].map((k) => Object.keys(k.keys)[0]);
  expect(new Set(ids).size).toBe(3);
});
