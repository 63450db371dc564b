/**
 * docs/testing.md, "Reading the outbox": a test plays the user who reads the validation email.
 *
 * - `outbox.waitFor(address)` resolves with the latest message already sent there, or else with
 *   the next one: what a test wants almost every time, since the email is usually sent before
 *   the test looks (in an `emailSent` handler, it always is).
 * - `outbox.latest(address)` is the same without waiting (`undefined` when nothing was sent).
 * - `outbox.next(address)` sees only messages sent *after* the call: start it before the action
 *   that sends (here, a resend), then await it. Called once the email is out, it times out.
 */
import { createMatrixClient, register, type RegisterResponse } from 'matrix-uia/fetch';
import { startHomeserver } from 'matrix-uia/testing';

export async function registerWithAResentEmail(): Promise<{ account: RegisterResponse; subjects: string[] }> {
  const { url, server, close } = await startHomeserver({ endpoints: { register: { flows: [['m.login.email.identity']] } } });
  const subjects: string[] = [];
  let resent = false;
  try {
    const account = await register(
      createMatrixClient({ baseUrl: url }),
      { username: 'bob', password: 'bob-pass-1' },
      {
        inputs: { emailAddress: 'bob@example.org' },
        polling: { intervalMs: 200 },
        handlers: {
          emailSent: ({ email, resend, check }) => {
            if (resent) return;
            resent = true;
            void (async () => {
              // Already sent: waitFor() finds it at once (next() would wait for another one).
              const first = await server.outbox.waitFor(email!);
              subjects.push(first.subject);
              // The user asks for the email again: wait for the *next* message, then resend.
              const again = server.outbox.next(email!, { timeoutMs: 5000 });
              resend();
              const second = await again;
              subjects.push(second.subject);
              server.clickEmailLink(second.link); // the user clicks the link in the newest email
              check(); // and comes back to the app, which checks at once
            })();
          },
        },
      },
    );
    return { account, subjects };
  } finally {
    await close();
  }
}
