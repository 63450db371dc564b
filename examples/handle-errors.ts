/**
 * Guide: handle errors (docs/guides/errors.md).
 *
 * Every failure is a typed `UiaError` with a stable `code`; switch on it to tell the user what
 * happened and what they can do.
 */
import { isUiaError, type UiaError } from 'matrix-uia';

export function messageFor(error: unknown): string {
  if (!isUiaError(error)) return 'Something went wrong.';
  const e: UiaError = error;
  switch (e.code) {
    case 'NO_AUTH_FLOW':
      return 'This server asks for a way of signing in this app does not support.';
    case 'STAGE':
      return `That did not work: ${e.message}`;
    case 'ENDPOINT':
      return `The server refused: ${e.message}`;
    case 'NETWORK':
      return 'Could not reach the server. Check your connection and try again.';
    case 'RATE_LIMITED':
      return 'Too many attempts. Wait a minute and try again.';
    case 'ABORTED':
      return 'Cancelled.';
    case 'PROTOCOL':
      return 'The server answered in a way this app does not understand.';
    case 'SESSION_MISMATCH':
      return 'This authentication belongs to another action. Start again.';
    case 'INVALID_OPTIONS':
      return 'The app is misconfigured.';
    case 'TIMEOUT':
      return 'We stopped waiting. Try again when you have completed the step.';
    case 'ACCOUNT_MANAGEMENT_REQUIRED':
      return 'This server manages accounts on its own page: continue there.';
    case 'OAUTH_REGISTRATION_REQUIRED':
      return 'Sign up on this server through its sign-in page.';
  }
}
