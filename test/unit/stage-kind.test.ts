/**
 * src/decisions/stage-kind.ts (and the flow choice, and the password stage) spell the stage types
 * out instead of reading `AuthType`, so that the AuthType object stays out of apps that do not
 * import it. These tests tie each spelling to the AuthType constant it stands for.
 */
import { AuthType } from '../../src/auth-type';
import { stageKindFor } from '../../src/decisions/stage-kind';
import { chooseFlow, requiredStages } from '../../src/decisions/choose-flow';
import { passwordStageMachine } from '../../machines/stages/password.machine';
import { NoAuthFlowFoundError } from '../../src/errors/errors';
import { stageInput, startStage } from '../machines/harness';

describe('stageKindFor', () => {
  test.each([
    [AuthType.Dummy, 'dummy'],
    [AuthType.Password, 'password'],
    [AuthType.Email, 'email'],
    [AuthType.Msisdn, 'msisdn'],
    [AuthType.Recaptcha, 'recaptcha'],
    [AuthType.Terms, 'terms'],
    [AuthType.RegistrationToken, 'registrationToken'],
    [AuthType.UnstableRegistrationToken, 'registrationToken'],
    [AuthType.OAuth, 'oauth'],
    [AuthType.UnstableCrossSigningReset, 'oauth'],
  ])('%s runs the %s stage', (type, kind) => {
    expect(stageKindFor(type)).toBe(kind);
  });
  test('SSO and unknown types (and inherited keys) are done on the fallback page', () => {
    for (const type of [AuthType.Sso, AuthType.SsoUnstable, 'com.example.custom', 'constructor', '__proto__', 'toString']) {
      expect(stageKindFor(type)).toBe('fallback');
    }
  });
  test('supportedStages sends a type it leaves out to the fallback page, except those that have no fallback use', () => {
    expect(stageKindFor(AuthType.Password, [AuthType.Dummy])).toBe('fallback');
    expect(stageKindFor(AuthType.Terms, [])).toBe('fallback');
    for (const type of [AuthType.Dummy, AuthType.Email, AuthType.Msisdn, AuthType.OAuth]) expect(stageKindFor(type, [])).not.toBe('fallback');
  });
});

describe('the flow choice names the 3PID stages as AuthType does', () => {
  test('an email address requires AuthType.Email, a phone number AuthType.Msisdn', () => {
    expect(requiredStages({ inputs: { emailAddress: 'a@b.c', phoneCountry: 'GB', phoneNumber: '1' } })).toEqual([AuthType.Email, AuthType.Msisdn]);
    const flows = [{ stages: [AuthType.Password] }, { stages: [AuthType.Email] }, { stages: [AuthType.Msisdn] }];
    expect(chooseFlow(flows, { inputs: { emailAddress: 'a@b.c' } })).toEqual({ stages: [AuthType.Email] });
    expect(chooseFlow(flows, { inputs: { phoneCountry: 'GB', phoneNumber: '1' } })).toEqual({ stages: [AuthType.Msisdn] });
    expect(chooseFlow([{ stages: [AuthType.Password] }], { emailSid: 'sid' })).toBeInstanceOf(NoAuthFlowFoundError);
  });
});

test('the password stage submits a dict of type AuthType.Password', () => {
  const stage = startStage(passwordStageMachine, stageInput({ type: AuthType.Password }));
  stage.send({ type: 'PASSWORD.SUBMIT', password: 'pw' });
  const submit = stage.sent.find((e) => e.type === 'STAGE.SUBMIT') as unknown as { auth: { unseal(): { type: string } } };
  expect(submit.auth.unseal().type).toBe(AuthType.Password);
});
