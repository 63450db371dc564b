/**
 * Guide: test your own UIA screens (docs/guides/testing-your-screens.md).
 *
 * The homeserver simulator plays the server, and the test plays the user: it reads the email
 * the server "sent" and clicks its link. Here the screen under test is the registration flow of
 * examples/register.ts; in your app it is your dialog.
 */
import { startHomeserver } from 'matrix-uia/testing';
import { registerAccount } from './register';

export async function registrationWithEmailWorks(): Promise<{ userId: string; inbox: string[] }> {
  const { url, server, close } = await startHomeserver({
    endpoints: { register: { flows: [['m.login.terms', 'm.login.email.identity']] } },
  });
  const inbox: string[] = [];
  try {
    const account = await registerAccount(
      url,
      { username: 'carol', password: 'carol-pass-1', email: 'carol@example.test' },
      {
        acceptTerms: async () => true,
        openPage: async () => {},
        askRegistrationToken: async () => 'unused',
        // The "user" clicks the link in the email the simulator captured.
        checkYourInbox: (email) => {
          const mail = server.outbox.latest(email ?? '');
          if (!mail) throw new Error('no email was sent');
          inbox.push(mail.subject);
          server.clickEmailLink(mail.link!);
        },
      },
    );
    return { userId: account.user_id, inbox };
  } finally {
    await close();
  }
}
