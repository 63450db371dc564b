/**
 * The credential rule (src/secrets/secret-keys.ts): which keys are redacted, and JSON inside text
 * redacted wherever it starts, in error bodies kept by the request actor (`keepUntrusted`) and in
 * inspection events (`redactSecrets`).
 */
import { isSecretKey } from '../../src/secrets/secret-keys';
import { keepUntrusted } from '../../src/secrets/untrusted';
import { redactSecrets } from '../../src/secrets/sanitize';

test.each(['password', 'new_password', 'NEW-PASSWORD', 'access_token', 'clientSecret', 'code', 'CODE', 'response', 'Authorization', 'code_', 'token-'])('%s is a credential key', (key) => {
  expect(isSecretKey(key)).toBe(true);
});

test.each(['0', 'flows', 'session', 'completed', 'm.login.password', 'cod', 'errcode', 'params'])('%s is not', (key) => {
  expect(isSecretKey(key)).toBe(false);
});

test('text that ends in JSON is redacted inside, also after a bracket in the prose before it', () => {
  expect(keepUntrusted({ error: 'bad [1] {"password":"p"}' })).toEqual({ error: 'bad [1] {"password":"[redacted]"}' });
  expect(redactSecrets({ error: 'field [auth]: {"password":"p"}' })).toEqual({ error: 'field [auth]: {"password":"[redacted]"}' });
  expect(keepUntrusted({ error: 'deep ' + '['.repeat(20_000) + ']'.repeat(20_000) })).toEqual({ error: 'deep [redacted]' });
  expect(redactSecrets({ error: 'deep ' + '['.repeat(20_000) + ']'.repeat(20_000) })).toEqual({ error: 'deep [redacted]' });
  expect(keepUntrusted({ error: 'bad {"password":"p"}' })).toEqual({ error: 'bad {"password":"[redacted]"}' });
  expect(keepUntrusted({ error: 'bad [{"password":"p"}]' })).toEqual({ error: 'bad [{"password":"[redacted]"}]' });
  expect(keepUntrusted({ error: 'plain text' })).toEqual({ error: 'plain text' });
});
