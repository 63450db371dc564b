/**
 * Runs examples/register-with-phone.ts against the homeserver simulator over HTTP on 127.0.0.1
 * (the user reads the code from the simulator's SMS outbox), and checks that the msisdn guide
 * includes its current text.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { demoConfig, startHomeserver, type Homeserver } from 'matrix-uia/testing';
import { registerWithPhone } from '../../examples/register-with-phone';
import { includedExamples, renderGuide } from '../../scripts/include-examples';

let hs: { url: string; server: Homeserver; close(): Promise<void> };

beforeEach(async () => {
  hs = await startHomeserver(demoConfig());
});
afterEach(async () => {
  await hs.close();
});

test('docs/guides/email-and-msisdn.md includes the current text of the example', () => {
  const guide = readFileSync(path.join(__dirname, '../../docs/guides/email-and-msisdn.md'), 'utf8');
  expect(includedExamples(guide)).toContain('examples/register-with-phone.ts');
  expect(renderGuide(guide)).toBe(guide);
});

test('register-with-phone: a mistyped code is asked for again, then the texted code registers the number', async () => {
  hs.server.config.endpoints.register.flows = [['m.login.msisdn']];
  const asked: [string, string | undefined][] = [];
  const account = await registerWithPhone(
    hs.url,
    { username: 'pat', password: 'pat-pass-1' },
    { country: 'GB', number: '07700 900123' },
    {
      askSmsCode: async (msisdn, problem) => {
        asked.push([msisdn, problem]);
        const sms = hs.server.outbox.latest((m) => m.medium === 'msisdn');
        if (!sms) throw new Error('no SMS was sent before the code was asked for');
        // The user mistypes the first code.
        return asked.length === 1 ? (sms.code === '000000' ? '111111' : '000000') : sms.code;
      },
    },
  );
  expect(account.user_id).toBe('@pat:localhost');
  expect(asked).toHaveLength(2);
  expect(['07700 900123', '447700900123', '+447700900123']).toContain(asked[0]![0]);
  expect(asked[0]![1]).toBeUndefined();
  expect(asked[1]![1]).toEqual(expect.any(String));
  // One SMS, to the number in international form, and the number is now on the account.
  expect(hs.server.outbox.filter((m) => m.medium === 'msisdn').map((m) => m.address)).toEqual(['447700900123']);
  expect(hs.server.getUser('@pat:localhost')?.threepids.map((t) => [t.medium, t.address])).toEqual([['msisdn', '447700900123']]);
  // The code went to the submit_url the server gave, twice; never into the UIA request itself.
  const paths = hs.server.requests.map((r) => `${r.method} ${r.path.split('?')[0]} ${r.status}`);
  expect(paths.filter((p) => p.startsWith('POST /_simulator/3pid/submit_token'))).toHaveLength(2);
  expect(paths.filter((p) => p.startsWith('POST /_matrix/client/v3/register/msisdn/requestToken'))).toEqual(['POST /_matrix/client/v3/register/msisdn/requestToken 200']);
  const code = hs.server.outbox.latest((m) => m.medium === 'msisdn')!.code;
  const registerBodies = hs.server.requests.filter((r) => r.path.startsWith('/_matrix/client/v3/register?') || r.path === '/_matrix/client/v3/register');
  expect(registerBodies.length).toBeGreaterThan(1);
  for (const r of registerBodies) expect(JSON.stringify(r.body)).not.toContain(code);
});
