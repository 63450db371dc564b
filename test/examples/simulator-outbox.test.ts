/**
 * Runs examples/simulator-outbox.ts (docs/testing.md's outbox example) and checks that the doc
 * includes its current text; checks `next()`'s documented limit: it does not see a message sent
 * before the call.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createHomeserver } from 'matrix-uia/testing';
import { registerWithAResentEmail } from '../../examples/simulator-outbox';
import { includedExamples, renderGuide } from '../../scripts/include-examples';

test('docs/testing.md includes the current text of the outbox example', () => {
  const doc = readFileSync(path.join(__dirname, '../../docs/testing.md'), 'utf8');
  expect(includedExamples(doc)).toContain('examples/simulator-outbox.ts');
  expect(renderGuide(doc)).toBe(doc);
});

test('simulator-outbox: waitFor finds the email already sent, next() the resent one, whose link registers', async () => {
  const { account, subjects } = await registerWithAResentEmail();
  expect(account.user_id).toBe('@bob:localhost');
  expect(subjects).toHaveLength(2);
});

test('next() only sees messages sent after the call; waitFor() and latest() see the one already sent', async () => {
  const hs = createHomeserver();
  const sent = await hs.handle({ method: 'POST', path: '/_matrix/client/v3/register/email/requestToken', body: { email: 'x@example.org', client_secret: 'cs', send_attempt: 1 } });
  expect(sent.status).toBe(200);
  expect(hs.outbox.latest('x@example.org')?.id).toBe(1);
  await expect(hs.outbox.waitFor('x@example.org')).resolves.toMatchObject({ id: 1 });
  await expect(hs.outbox.next('x@example.org', { timeoutMs: 30 })).rejects.toThrow('No message to x@example.org within 30 ms');
});
