/**
 * The two errors of servers that delegate auth: stable name and code, their fields, the cause
 * kept, `isUiaError`, `instanceof` their own class and UiaError only, and the same class from
 * every entry that exports them.
 */
import { AccountManagementRequiredError, isUiaError, OAuthRegistrationRequiredError, StageError, UiaError } from '../../src';
import * as fetchEntry from '../../src/fetch';
import * as sdkEntry from '../../src/matrix-js-sdk';

test('AccountManagementRequiredError', () => {
  const cause = new Error('404');
  const e = new AccountManagementRequiredError('https://a.example/acc?action=org.matrix.device_delete&device_id=X', 'org.matrix.device_delete', { cause });
  expect([e.name, e.code, e.url, e.action, e.cause]).toEqual(['AccountManagementRequiredError', 'ACCOUNT_MANAGEMENT_REQUIRED', 'https://a.example/acc?action=org.matrix.device_delete&device_id=X', 'org.matrix.device_delete', cause]);
  expect(e.message).toContain('https://a.example/acc');
  expect(isUiaError(e)).toBe(true);
  expect(e).toBeInstanceOf(UiaError);
  expect(e).toBeInstanceOf(Error);
  expect(e instanceof StageError).toBe(false);
  expect(e instanceof OAuthRegistrationRequiredError).toBe(false);
  expect(new StageError(null, undefined, 'x') instanceof AccountManagementRequiredError).toBe(false);
  expect(new AccountManagementRequiredError('https://a.example/', null).action).toBeNull();
});

test('OAuthRegistrationRequiredError', () => {
  const e = new OAuthRegistrationRequiredError('https://auth.example/');
  expect([e.name, e.code, e.issuer]).toEqual(['OAuthRegistrationRequiredError', 'OAUTH_REGISTRATION_REQUIRED', 'https://auth.example/']);
  expect(e.message).toContain('https://auth.example/');
  expect(isUiaError(e)).toBe(true);
  expect(e instanceof AccountManagementRequiredError).toBe(false);
});

test('one class, whichever entry it is imported from', () => {
  expect(fetchEntry.AccountManagementRequiredError).toBe(AccountManagementRequiredError);
  expect(fetchEntry.OAuthRegistrationRequiredError).toBe(OAuthRegistrationRequiredError);
  expect(sdkEntry.AccountManagementRequiredError).toBe(AccountManagementRequiredError);
});
