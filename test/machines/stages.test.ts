/**
 * Single-transition tests of each stage machine (machines/stages/), run as the child of a
 * recording parent: each state's events, the events sent to the parent, the `input` and `busy`
 * tags, and that secrets never land in context.
 */
import { fromPromise } from 'xstate';
import {
  dummyStageMachine,
  emailStageMachine,
  fallbackStageMachine,
  msisdnStageMachine,
  oauthStageMachine,
  passwordStageMachine,
  recaptchaStageMachine,
  registrationTokenStageMachine,
  termsStageMachine,
} from '../../machines/stages';
import type { MsisdnCodeActorInput } from '../../src/actors/msisdn.actor';
import type { TokenCheck, TokenCheckResult } from '../../src/actors/token-check.actor';
import { NetworkError, ProtocolError, StageError } from '../../src/errors/errors';
import { Sealed } from '../../src/secrets/secret';
import type { EmailTokenRequest, MsisdnTokenRequest, RequestTokenResponse } from '../../src/types';
import { createEmailTokenActor } from '../../src/actors/email-token.actor';
import { createMsisdnTokenActor } from '../../src/actors/msisdn.actor';
import { controllableTokenRequest, flush } from '../helpers/controllable';
import { stageInput, startStage } from './harness';

const rejected = (errcode?: string, error = 'no') => ({ type: 'PARENT.REJECTED', error: new StageError('x', errcode, error) });
const unsealed = (e: Record<string, unknown> | undefined) => (e?.auth instanceof Sealed ? e.auth.unseal() : undefined);

describe('dummy', () => {
  test('submits {type} by itself; a refusal waits for STAGE.RETRY', () => {
    const s = startStage(dummyStageMachine, stageInput({ type: 'm.login.dummy' }));
    expect(s.snap().value).toBe('submitted');
    expect(s.types()).toEqual(['STAGE.SUBMIT']);
    expect(unsealed(s.sent[0])).toEqual({ type: 'm.login.dummy' });
    expect(s.snap().hasTag('input')).toBe(false);
    s.send(rejected('M_UNKNOWN'));
    expect(s.snap().value).toBe('rejected');
    expect(s.snap().hasTag('input')).toBe(true);
    expect(s.snap().context.error).toBeInstanceOf(StageError);
    expect(s.types()).toEqual(['STAGE.SUBMIT']);
    s.send({ type: 'STAGE.RETRY' });
    expect(s.snap().value).toBe('submitted');
    expect(s.snap().context.error).toBeNull();
    expect(s.types()).toEqual(['STAGE.SUBMIT', 'STAGE.SUBMIT']);
  });
});

describe('password', () => {
  test('waits with the input tag; submits the m.id.user identifier from userId', () => {
    const s = startStage(passwordStageMachine, stageInput({ userId: '@alice:example.org' }));
    expect(s.snap().value).toBe('waiting');
    expect(s.snap().hasTag('input')).toBe(true);
    s.send({ type: 'PASSWORD.SUBMIT', password: 'hunter2' });
    expect(s.snap().value).toBe('submitted');
    expect(s.snap().hasTag('input')).toBe(false);
    expect(unsealed(s.sent[0])).toEqual({ type: 'm.login.password', identifier: { type: 'm.id.user', user: '@alice:example.org' }, password: 'hunter2' });
    expect(JSON.stringify(s.snap().context)).not.toContain('hunter2');
    expect(JSON.stringify(s.sent)).not.toContain('hunter2');
  });
  test('m.id.thirdparty and m.id.phone identifiers are passed through', () => {
    const s = startStage(passwordStageMachine, stageInput({ userId: undefined }));
    s.send({ type: 'PASSWORD.SUBMIT', password: 'p', identifier: { type: 'm.id.thirdparty', medium: 'email', address: 'a@b.c' } });
    expect(unsealed(s.sent[0])).toMatchObject({ identifier: { type: 'm.id.thirdparty', medium: 'email', address: 'a@b.c' } });
    s.send(rejected('M_FORBIDDEN'));
    s.send({ type: 'PASSWORD.SUBMIT', password: 'p', identifier: { type: 'm.id.phone', country: 'GB', phone: '7700900000' } });
    expect(unsealed(s.sent[1])).toMatchObject({ identifier: { type: 'm.id.phone', country: 'GB', phone: '7700900000' } });
  });
  test('an empty password, or no identifier at all, is not submitted', () => {
    const s = startStage(passwordStageMachine, stageInput({ userId: undefined }));
    s.send({ type: 'PASSWORD.SUBMIT', password: 'p' });
    const t = startStage(passwordStageMachine, stageInput());
    t.send({ type: 'PASSWORD.SUBMIT', password: '' });
    expect(s.snap().value).toBe('waiting');
    expect(t.snap().value).toBe('waiting');
    expect(s.sent).toHaveLength(0);
    expect(t.sent).toHaveLength(0);
  });
  test('a second submit while submitted is ignored; a rejection shows the error and allows a retry', () => {
    const s = startStage(passwordStageMachine, stageInput());
    s.send({ type: 'PASSWORD.SUBMIT', password: 'wrong' });
    s.send({ type: 'PASSWORD.SUBMIT', password: 'again' });
    expect(s.sent).toHaveLength(1);
    s.send(rejected('M_FORBIDDEN', 'Invalid username or password'));
    expect(s.snap().value).toBe('waiting');
    expect((s.snap().context.error as StageError).errcode).toBe('M_FORBIDDEN');
    expect(s.snap().context.attempts).toBe(1);
    s.send({ type: 'PASSWORD.SUBMIT', password: 'right' });
    expect(s.snap().context.error).toBeNull();
    expect(s.snap().context.attempts).toBe(2);
    expect(unsealed(s.sent[1])).toMatchObject({ password: 'right' });
  });
});

describe('recaptcha', () => {
  test('exposes the public key, submits the response, a rejection reopens', () => {
    const s = startStage(recaptchaStageMachine, stageInput({ type: 'm.login.recaptcha', params: { public_key: 'site-key' } }));
    expect(s.snap().context.publicKey).toBe('site-key');
    expect(s.snap().hasTag('input')).toBe(true);
    s.send({ type: 'RECAPTCHA.SUBMIT', response: '' });
    expect(s.sent).toHaveLength(0);
    s.send({ type: 'RECAPTCHA.SUBMIT', response: 'captcha-response' });
    expect(s.snap().value).toBe('submitted');
    expect(unsealed(s.sent[0])).toEqual({ type: 'm.login.recaptcha', response: 'captcha-response' });
    expect(JSON.stringify(s.snap().context)).not.toContain('captcha-response');
    s.send(rejected('M_UNAUTHORIZED'));
    expect(s.snap().value).toBe('waiting');
    expect(s.snap().context.error).toBeInstanceOf(StageError);
  });
  test('no public key → null', () => {
    expect(startStage(recaptchaStageMachine, stageInput({ type: 'm.login.recaptcha', params: { public_key: 3 } })).snap().context.publicKey).toBeNull();
  });
});

describe('terms', () => {
  const params = {
    policies: {
      privacy: { version: '1.0', en: { name: 'Privacy', url: 'https://x/p' } },
      tos: { version: '2', en: { name: 'Terms', url: 'https://x/t' } },
    },
  };
  test('lists the policies; submits only when every one is ticked', () => {
    const s = startStage(termsStageMachine, stageInput({ type: 'm.login.terms', params }));
    expect(s.snap().value).toBe('waiting');
    expect(s.snap().hasTag('input')).toBe(true);
    expect((s.snap().context.policies as { id: string }[]).map((p) => p.id)).toEqual(['privacy', 'tos']);
    s.send({ type: 'TERMS.SUBMIT' });
    expect(s.snap().value).toBe('waiting');
    s.send({ type: 'TERMS.TOGGLE', policyId: 'privacy', accepted: true });
    s.send({ type: 'TERMS.TOGGLE', policyId: 'unknown', accepted: true });
    expect(s.snap().context.accepted).toEqual(['privacy']);
    s.send({ type: 'TERMS.SUBMIT' });
    expect(s.sent).toHaveLength(0);
    s.send({ type: 'TERMS.TOGGLE', policyId: 'tos', accepted: true });
    s.send({ type: 'TERMS.TOGGLE', policyId: 'privacy', accepted: false });
    expect(s.snap().context.accepted).toEqual(['tos']);
    s.send({ type: 'TERMS.ACCEPT_ALL' });
    expect(s.snap().context.accepted).toEqual(['privacy', 'tos']);
    s.send({ type: 'TERMS.SUBMIT' });
    expect(s.snap().value).toBe('submitted');
    expect(unsealed(s.sent[0])).toEqual({ type: 'm.login.terms' });
    s.send(rejected());
    expect(s.snap().value).toBe('waiting');
    expect(s.snap().context.accepted).toEqual(['privacy', 'tos']);
  });
  test('invalid params fail the negotiation with a ProtocolError', () => {
    const s = startStage(termsStageMachine, stageInput({ type: 'm.login.terms', params: { policies: { p: { en: {} } } } }));
    expect(s.snap().value).toBe('invalid');
    expect(s.types()).toEqual(['STAGE.FAIL']);
    expect(s.sent[0]!.error).toBeInstanceOf(ProtocolError);
  });
});

describe('registration token', () => {
  const checker = (valid: boolean | null | 'throw') =>
    registrationTokenStageMachine.provide({
      actors: {
        checkRegistrationToken: fromPromise<TokenCheckResult, TokenCheck>(async ({ input }) => {
          if (valid === 'throw') throw new Error('broken');
          return { token: input.token, valid };
        }),
      },
    });
  test('waits for a token; a blank one is ignored; without a checker it is submitted', async () => {
    const s = startStage(registrationTokenStageMachine, stageInput({ type: 'm.login.registration_token' }));
    expect(s.snap().value).toBe('waiting');
    expect(s.snap().hasTag('input')).toBe(true);
    s.send({ type: 'TOKEN.SUBMIT', token: '   ' });
    expect(s.snap().value).toBe('waiting');
    s.send({ type: 'TOKEN.SUBMIT', token: ' tok-123 ' });
    expect(s.snap().value).toBe('validating');
    expect(s.snap().hasTag('busy')).toBe(true);
    await flush();
    expect(s.snap().value).toBe('submitted');
    expect(unsealed(s.sent[0])).toEqual({ type: 'm.login.registration_token', token: 'tok-123' });
    expect(JSON.stringify(s.snap().context)).not.toContain('tok-123');
    s.send(rejected('M_UNAUTHORIZED', 'Invalid registration token'));
    expect(s.snap().value).toBe('waiting');
    expect((s.snap().context.error as StageError).errcode).toBe('M_UNAUTHORIZED');
  });
  test('the unstable type submits under its own name', async () => {
    const s = startStage(registrationTokenStageMachine, stageInput({ type: 'org.matrix.msc3231.login.registration_token' }));
    s.send({ type: 'TOKEN.SUBMIT', token: 't' });
    await flush();
    expect(unsealed(s.sent[0])).toEqual({ type: 'org.matrix.msc3231.login.registration_token', token: 't' });
  });
  test('a preset token is checked and submitted without asking, once', async () => {
    const s = startStage(checker(true), stageInput({ type: 'm.login.registration_token', registrationToken: new Sealed('preset-tok') }));
    expect(s.snap().value).toBe('validating');
    await flush();
    expect(unsealed(s.sent[0])).toMatchObject({ token: 'preset-tok' });
    expect(s.snap().context.preset).toBeNull();
    s.send(rejected('M_UNAUTHORIZED'));
    expect(s.snap().value).toBe('waiting');
  });
  test('an invalid token is shown on the stage and not submitted', async () => {
    const s = startStage(checker(false), stageInput({ type: 'm.login.registration_token' }));
    s.send({ type: 'TOKEN.SUBMIT', token: 'nope' });
    await flush();
    expect(s.snap().value).toBe('waiting');
    expect(s.sent).toHaveLength(0);
    expect((s.snap().context.error as StageError).serverError).toBe('Invalid registration token');
  });
  test('an unknown validity lets the server decide; a broken checker asks again', async () => {
    const s = startStage(checker(null), stageInput({ type: 'm.login.registration_token' }));
    s.send({ type: 'TOKEN.SUBMIT', token: 't' });
    await flush();
    expect(s.snap().value).toBe('submitted');
    const t = startStage(checker('throw'), stageInput({ type: 'm.login.registration_token' }));
    t.send({ type: 'TOKEN.SUBMIT', token: 't' });
    await flush();
    expect(t.snap().value).toBe('waiting');
    expect(t.snap().context.error).toBeInstanceOf(StageError);
    expect(t.sent).toHaveLength(0);
  });
});

describe('email', () => {
  function emailStage(over = {}) {
    const tokens = controllableTokenRequest<EmailTokenRequest>();
    const logic = emailStageMachine.provide({ actors: { requestEmailToken: createEmailTokenActor(tokens.fn) } });
    const s = startStage(logic, stageInput({ type: 'm.login.email.identity', inputs: { emailAddress: 'a@example.org' }, clientSecret: 'cs', ...over }));
    return { s, tokens };
  }
  test('requests the token on entry (attempt 1), one at a time, then polls with threepid_creds', async () => {
    const { s, tokens } = emailStage();
    expect(s.snap().value).toBe('requestingToken');
    expect(s.snap().hasTag('busy')).toBe(true);
    expect(tokens.calls).toHaveLength(1);
    expect(tokens.calls[0]!.req).toEqual({ email: 'a@example.org', clientSecret: 'cs', attempt: 1, session: 'S' });
    s.send({ type: 'EMAIL.RESEND' });
    expect(tokens.calls).toHaveLength(1);
    tokens.calls[0]!.ok({ sid: 'SID1' });
    await flush();
    expect(s.snap().value).toBe('waiting');
    expect(s.snap().hasTag('input')).toBe(true);
    expect(s.sent).toEqual([
      { type: 'STAGE.UPDATE', emailSid: 'SID1', emailAttempt: 1, clientSecret: 'cs' },
      { type: 'STAGE.POLL', auth: { type: 'm.login.email.identity', threepid_creds: { sid: 'SID1', client_secret: 'cs' } } },
    ]);
  });
  test('resend increments the attempt', async () => {
    const { s, tokens } = emailStage();
    tokens.calls[0]!.ok({ sid: 'SID1' });
    await flush();
    s.send({ type: 'EMAIL.RESEND' });
    expect(s.snap().value).toBe('requestingToken');
    expect(tokens.calls[1]!.req.attempt).toBe(2);
    tokens.calls[1]!.ok({ sid: 'SID2' });
    await flush();
    expect(s.sent.at(-2)).toEqual({ type: 'STAGE.UPDATE', emailSid: 'SID2', emailAttempt: 2, clientSecret: 'cs' });
  });
  test('EMAIL.CHECK submits the creds; M_UNAUTHORIZED is "not validated yet", other errors are shown', async () => {
    const { s, tokens } = emailStage();
    tokens.calls[0]!.ok({ sid: 'SID1' });
    await flush();
    s.send({ type: 'EMAIL.CHECK' });
    expect(s.snap().value).toBe('submitted');
    expect(unsealed(s.sent.at(-1))).toEqual({ type: 'm.login.email.identity', threepid_creds: { sid: 'SID1', client_secret: 'cs' } });
    s.send(rejected('M_UNAUTHORIZED', 'Unable to get validated threepid'));
    expect(s.snap().value).toBe('waiting');
    expect(s.snap().context).toMatchObject({ notValidatedYet: true, error: null });
    s.send({ type: 'EMAIL.CHECK' });
    s.send(rejected('M_FORBIDDEN', 'bad'));
    expect(s.snap().context.notValidatedYet).toBe(false);
    expect((s.snap().context.error as StageError).errcode).toBe('M_FORBIDDEN');
  });
  test('a failed token request keeps the server errcode; a thrown one is a NetworkError; resend retries', async () => {
    const { s, tokens } = emailStage();
    tokens.calls[0]!.fail(Object.assign(new Error('x'), { httpStatus: 400, data: { errcode: 'M_THREEPID_IN_USE', error: 'in use' } }));
    await flush();
    expect(s.snap().value).toBe('tokenFailed');
    expect(s.snap().hasTag('input')).toBe(true);
    expect((s.snap().context.error as StageError).errcode).toBe('M_THREEPID_IN_USE');
    s.send({ type: 'EMAIL.RESEND' });
    tokens.calls[1]!.fail(new TypeError('offline'));
    await flush();
    expect(s.snap().context.error).toBeInstanceOf(NetworkError);
  });
  test('without an address it asks for one; an invalid address is refused', async () => {
    const { s, tokens } = emailStage({ inputs: {} });
    expect(s.snap().value).toBe('needsAddress');
    expect(s.snap().hasTag('input')).toBe(true);
    s.send({ type: 'EMAIL.SET_ADDRESS', email: 'not an address' });
    expect(s.snap().value).toBe('needsAddress');
    s.send({ type: 'EMAIL.SET_ADDRESS', email: 'b@example.org' });
    expect(s.snap().value).toBe('requestingToken');
    expect(tokens.calls[0]!.req.email).toBe('b@example.org');
  });
  test('a known sid (resume) sends no email and polls with it', () => {
    const { s, tokens } = emailStage({ emailSid: 'OLD', emailAttempt: 3 });
    expect(s.snap().value).toBe('waiting');
    expect(tokens.calls).toHaveLength(0);
    expect(s.sent).toEqual([{ type: 'STAGE.POLL', auth: { type: 'm.login.email.identity', threepid_creds: { sid: 'OLD', client_secret: 'cs' } } }]);
    s.send({ type: 'EMAIL.RESEND' });
    expect(tokens.calls[0]!.req.attempt).toBe(4);
  });
  test('leaving the stage aborts the token request in flight', () => {
    const { s, tokens } = emailStage();
    s.actor.stop();
    expect(tokens.calls[0]!.signal.aborted).toBe(true);
  });
});

describe('msisdn', () => {
  function smsStage(over = {}, accept: (i: MsisdnCodeActorInput) => Promise<boolean> = async () => true) {
    const tokens = controllableTokenRequest<MsisdnTokenRequest>();
    const codes: { code: string; submitUrl: string | null }[] = [];
    const logic = msisdnStageMachine.provide({
      actors: {
        requestMsisdnToken: createMsisdnTokenActor(tokens.fn),
        submitMsisdnToken: fromPromise<boolean, MsisdnCodeActorInput>(async ({ input }) => {
          codes.push({ code: input.code.unseal(), submitUrl: input.submitUrl });
          return accept(input);
        }),
      },
    });
    const s = startStage(logic, stageInput({ type: 'm.login.msisdn', inputs: { phoneCountry: 'GB', phoneNumber: '7700900000' }, clientSecret: 'cs', ...over }));
    return { s, tokens, codes };
  }
  const res: RequestTokenResponse = { sid: 'SMS1', submit_url: 'https://is.example/submit', msisdn: '447700900000' };
  test('requests the SMS, waits for the code, submits it to submit_url, then submits threepid_creds', async () => {
    const { s, tokens, codes } = smsStage();
    expect(s.snap().value).toBe('requestingToken');
    expect(s.snap().hasTag('busy')).toBe(true);
    expect(tokens.calls[0]!.req).toEqual({ phoneCountry: 'GB', phoneNumber: '7700900000', clientSecret: 'cs', attempt: 1, session: 'S' });
    tokens.calls[0]!.ok(res);
    await flush();
    expect(s.snap().value).toBe('waitingForCode');
    expect(s.snap().hasTag('input')).toBe(true);
    expect(s.snap().context).toMatchObject({ sid: 'SMS1', submitUrl: 'https://is.example/submit', msisdn: '447700900000' });
    s.send({ type: 'MSISDN.SUBMIT_CODE', code: ' ' });
    expect(s.snap().value).toBe('waitingForCode');
    s.send({ type: 'MSISDN.SUBMIT_CODE', code: ' 123456 ' });
    expect(s.snap().value).toBe('submittingCode');
    expect(s.snap().hasTag('busy')).toBe(true);
    await flush();
    expect(codes).toEqual([{ code: '123456', submitUrl: 'https://is.example/submit' }]);
    expect(s.snap().value).toBe('submitted');
    expect(unsealed(s.sent[0])).toEqual({ type: 'm.login.msisdn', threepid_creds: { sid: 'SMS1', client_secret: 'cs' } });
    expect(JSON.stringify(s.snap().context)).not.toContain('123456');
    s.send(rejected('M_UNAUTHORIZED'));
    expect(s.snap().value).toBe('waitingForCode');
  });
  test('a refused code is shown and can be entered again; resend increments the attempt', async () => {
    const { s, tokens } = smsStage({}, async () => false);
    tokens.calls[0]!.ok(res);
    await flush();
    s.send({ type: 'MSISDN.SUBMIT_CODE', code: '000000' });
    await flush();
    expect(s.snap().value).toBe('waitingForCode');
    expect((s.snap().context.error as StageError).errcode).toBe('M_UNAUTHORIZED');
    expect(s.sent).toHaveLength(0);
    s.send({ type: 'MSISDN.RESEND' });
    expect(tokens.calls[1]!.req.attempt).toBe(2);
  });
  test('a failing code submission is shown on the stage', async () => {
    const { s, tokens } = smsStage({}, async () => {
      throw new TypeError('offline');
    });
    tokens.calls[0]!.ok(res);
    await flush();
    s.send({ type: 'MSISDN.SUBMIT_CODE', code: '1' });
    await flush();
    expect(s.snap().value).toBe('waitingForCode');
    expect(s.snap().context.error).toBeInstanceOf(NetworkError);
  });
  test('a failed SMS request → tokenFailed; no phone → missingPhone', async () => {
    const { s, tokens } = smsStage();
    tokens.calls[0]!.fail(Object.assign(new Error('x'), { httpStatus: 400, data: { errcode: 'M_THREEPID_DENIED' } }));
    await flush();
    expect(s.snap().value).toBe('tokenFailed');
    expect((s.snap().context.error as StageError).errcode).toBe('M_THREEPID_DENIED');
    s.send({ type: 'MSISDN.RESEND' });
    expect(s.snap().value).toBe('requestingToken');
    const none = smsStage({ inputs: {} });
    expect(none.s.snap().value).toBe('missingPhone');
    expect(none.tokens.calls).toHaveLength(0);
  });
});

describe('fallback', () => {
  test('exposes the fallback URL, polls with {} meanwhile, FALLBACK.DONE submits {}', () => {
    const s = startStage(fallbackStageMachine, stageInput({ type: 'm.login.sso', session: 'a b', homeserverUrl: 'https://hs.example.org/base/' }));
    expect(s.snap().value).toBe('waiting');
    expect(s.snap().hasTag('input')).toBe(true);
    expect(s.snap().context.fallbackUrl).toBe('https://hs.example.org/base/_matrix/client/v3/auth/m.login.sso/fallback/web?session=a%20b');
    expect(s.sent).toEqual([{ type: 'STAGE.POLL', auth: {} }]);
    s.send({ type: 'FALLBACK.DONE' });
    expect(s.snap().value).toBe('submitted');
    expect(unsealed(s.sent[1])).toEqual({});
    s.send(rejected());
    expect(s.snap().value).toBe('waiting');
    expect(s.types()).toEqual(['STAGE.POLL', 'STAGE.SUBMIT', 'STAGE.POLL']);
  });
  test('without a homeserver URL or session the stage fails', () => {
    for (const over of [{ homeserverUrl: undefined }, { session: undefined }]) {
      const s = startStage(fallbackStageMachine, stageInput({ type: 'm.login.sso', ...over }));
      expect(s.snap().value).toBe('unavailable');
      expect(s.types()).toEqual(['STAGE.FAIL']);
      expect(s.sent[0]!.error).toBeInstanceOf(ProtocolError);
    }
  });
});

describe('oauth', () => {
  test('exposes params.url, polls, OAUTH.DONE submits {type} (the parent adds the session)', () => {
    const s = startStage(oauthStageMachine, stageInput({ type: 'm.oauth', params: { url: 'https://auth.example/approve?x=1' } }));
    expect(s.snap().value).toBe('waiting');
    expect(s.snap().context.url).toBe('https://auth.example/approve?x=1');
    expect(s.sent).toEqual([{ type: 'STAGE.POLL', auth: { type: 'm.oauth' } }]);
    s.send({ type: 'OAUTH.DONE' });
    expect(s.snap().value).toBe('submitted');
    expect(unsealed(s.sent[1])).toEqual({ type: 'm.oauth' });
    s.send(rejected());
    expect(s.snap().value).toBe('waiting');
  });
  test.each([undefined, 42, 'not a url', 'javascript:alert(1)', 'data:text/html,x'])('url %j fails the stage', (url) => {
    const s = startStage(oauthStageMachine, stageInput({ type: 'org.matrix.cross_signing_reset', params: { url } }));
    expect(s.snap().value).toBe('invalid');
    expect(s.types()).toEqual(['STAGE.FAIL']);
  });
});
