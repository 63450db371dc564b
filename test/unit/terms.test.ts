/**
 * m.login.terms params parsing and language choice (src/decisions/terms.ts).
 */
import { parseTermsPolicies, pickPolicyTranslation, type TermsPolicy } from '../../src/decisions/terms';
import { ProtocolError } from '../../src/errors/errors';

describe('parseTermsPolicies', () => {
  test('the Synapse 8010 params', () => {
    const params = { policies: { privacy_policy: { version: '1.0', en: { name: 'Privacy Policy', url: 'http://127.0.0.1:8010/_matrix/consent?v=1.0' } } } };
    expect(parseTermsPolicies(params)).toEqual([
      { id: 'privacy_policy', version: '1.0', translations: [{ lang: 'en', name: 'Privacy Policy', url: 'http://127.0.0.1:8010/_matrix/consent?v=1.0' }] },
    ]);
  });
  test('several policies and languages keep the server order', () => {
    const params = {
      policies: {
        tos: { version: '2', de: { name: 'AGB', url: 'https://x/de' }, en: { name: 'Terms', url: 'https://x/en' } },
        privacy: { version: '1', fr: { name: 'Confidentialité', url: 'https://x/fr' } },
      },
    };
    const list = parseTermsPolicies(params) as TermsPolicy[];
    expect(list.map((p) => p.id)).toEqual(['tos', 'privacy']);
    expect(list[0]!.translations.map((t) => t.lang)).toEqual(['de', 'en']);
  });
  test('an empty policies object is an empty list', () => {
    expect(parseTermsPolicies({ policies: {} })).toEqual([]);
  });
  test.each<[string, unknown]>([
    ['no params', undefined],
    ['params not an object', 'x'],
    ['no policies', {}],
    ['policies a list', { policies: [] }],
    ['a policy not an object', { policies: { p: 'x' } }],
    ['a policy without version', { policies: { p: { en: { name: 'n', url: 'u' } } } }],
    ['a numeric version', { policies: { p: { version: 1, en: { name: 'n', url: 'u' } } } }],
    ['a translation without url', { policies: { p: { version: '1', en: { name: 'n' } } } }],
    ['a translation without name', { policies: { p: { version: '1', en: { url: 'u' } } } }],
    ['a translation that is a string', { policies: { p: { version: '1', en: 'Terms' } } }],
    ['a policy with no language', { policies: { p: { version: '1' } } }],
  ])('%s is a ProtocolError', (_n, params) => {
    expect(parseTermsPolicies(params)).toBeInstanceOf(ProtocolError);
  });
});

describe('pickPolicyTranslation', () => {
  const policy: TermsPolicy = {
    id: 'tos',
    version: '1',
    translations: [
      { lang: 'fr', name: 'Conditions', url: 'https://x/fr' },
      { lang: 'de', name: 'AGB', url: 'https://x/de' },
      { lang: 'EN', name: 'Terms', url: 'https://x/en' },
      { lang: 'pt-BR', name: 'Termos', url: 'https://x/pt' },
    ],
  };
  test('the first preferred language present wins', () => {
    expect(pickPolicyTranslation(policy, ['es', 'de', 'fr']).lang).toBe('de');
  });
  test('an exact tag, case-insensitively', () => {
    expect(pickPolicyTranslation(policy, ['PT-br']).lang).toBe('pt-BR');
  });
  test('falls back to the primary subtag', () => {
    expect(pickPolicyTranslation(policy, ['de-AT']).lang).toBe('de');
  });
  test('else English', () => {
    expect(pickPolicyTranslation(policy, ['ja']).name).toBe('Terms');
    expect(pickPolicyTranslation(policy).name).toBe('Terms');
  });
  test('else the first listed', () => {
    const noEn: TermsPolicy = { ...policy, translations: policy.translations.filter((t) => t.lang !== 'EN') };
    expect(pickPolicyTranslation(noEn, ['ja']).lang).toBe('fr');
  });
});
