/**
 * Client secrets (src/secrets/client-secret.ts) and fallback page URLs (src/decisions/fallback-url.ts).
 */
import { generateClientSecret, isValidClientSecret } from '../../src/secrets/client-secret';
import { getFallbackUrl } from '../../src/decisions/fallback-url';

const CHARSET = '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.=_-';

describe('generateClientSecret', () => {
  test('32 characters of [0-9a-zA-Z.=_-]', () => {
    for (let i = 0; i < 200; i++) {
      const s = generateClientSecret();
      expect(s).toHaveLength(32);
      expect(s).toMatch(/^[0-9a-zA-Z.=_-]{32}$/);
      expect(isValidClientSecret(s)).toBe(true);
    }
  });
  test('other lengths on request', () => {
    expect(generateClientSecret(1)).toHaveLength(1);
    expect(generateClientSecret(255)).toHaveLength(255);
  });
  test('no repeats over many draws', () => {
    const seen = new Set(Array.from({ length: 2000 }, () => generateClientSecret()));
    expect(seen.size).toBe(2000);
  });
  test('every character of the charset occurs, none dominates', () => {
    const counts = new Map<string, number>();
    for (let i = 0; i < 2000; i++) for (const c of generateClientSecret()) counts.set(c, (counts.get(c) ?? 0) + 1);
    expect([...counts.keys()].sort()).toEqual([...CHARSET].sort());
    // 64000 draws over 66 characters: about 970 each; a broken mapping (modulo bias, a stuck
    // byte) would push some far off. The bounds are loose enough never to flake.
    for (const n of counts.values()) {
      expect(n).toBeGreaterThan(700);
      expect(n).toBeLessThan(1300);
    }
  });
  test('uses crypto.getRandomValues, a block of bytes for several secrets', () => {
    const spy = jest.spyOn(globalThis.crypto, 'getRandomValues');
    // 512 bytes a block, about 42 a secret: 100 secrets draw several blocks, never one per secret.
    for (let i = 0; i < 100; i++) generateClientSecret();
    expect(spy.mock.calls.length).toBeGreaterThanOrEqual(6);
    expect(spy.mock.calls.length).toBeLessThanOrEqual(10);
    spy.mockRestore();
  });
});

describe('isValidClientSecret', () => {
  test.each([
    ['a', true],
    ['carolsecret123', true],
    ['A.b=c_d-e', true],
    ['x'.repeat(255), true],
    ['', false],
    ['x'.repeat(256), false],
    ['has space', false],
    ['slash/', false],
    ['plus+', false],
    ['ünïcode', false],
    ['new\nline', false],
  ])('%j → %s', (s, valid) => {
    expect(isValidClientSecret(s)).toBe(valid);
  });
});

describe('getFallbackUrl', () => {
  test('the spec path', () => {
    expect(getFallbackUrl('https://hs.example.org', 'm.login.recaptcha', 'abc')).toBe(
      'https://hs.example.org/_matrix/client/v3/auth/m.login.recaptcha/fallback/web?session=abc',
    );
  });
  test('a base URL with a path (and trailing slashes) keeps its path', () => {
    expect(getFallbackUrl('https://example.org/matrix/', 'm.login.sso', 's')).toBe(
      'https://example.org/matrix/_matrix/client/v3/auth/m.login.sso/fallback/web?session=s',
    );
    expect(getFallbackUrl('https://example.org/a/b//', 'm.login.sso', 's')).toBe(
      'https://example.org/a/b/_matrix/client/v3/auth/m.login.sso/fallback/web?session=s',
    );
    expect(getFallbackUrl('http://127.0.0.1:8008', 'm.login.sso', 's')).toBe(
      'http://127.0.0.1:8008/_matrix/client/v3/auth/m.login.sso/fallback/web?session=s',
    );
  });
  test('a query or fragment on the base is dropped', () => {
    expect(getFallbackUrl('https://example.org/?x=1#frag', 'm.login.sso', 's')).toBe(
      'https://example.org/_matrix/client/v3/auth/m.login.sso/fallback/web?session=s',
    );
  });
  test.each(['a b', 'a&b=c', 'a+b', 'a/b?c#d', '%41', 'ünï', 'x;y', "'\"<>"])('session %j is encoded and round-trips', (session) => {
    const url = new URL(getFallbackUrl('https://example.org', 'm.login.sso', session));
    expect(url.searchParams.get('session')).toBe(session);
    expect([...url.searchParams.keys()]).toEqual(['session']);
    expect(url.pathname).toBe('/_matrix/client/v3/auth/m.login.sso/fallback/web');
    expect(url.hash).toBe('');
  });
  test('a stage type with odd characters stays in its path segment', () => {
    const url = new URL(getFallbackUrl('https://example.org', 'x/../y?z', 's'));
    expect(url.pathname).toBe('/_matrix/client/v3/auth/x%2F..%2Fy%3Fz/fallback/web');
    expect(url.searchParams.get('session')).toBe('s');
  });
});
