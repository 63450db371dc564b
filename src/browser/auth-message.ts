/**
 * Recognising the homeserver's "stage done" message.
 *
 * A fallback page (Synapse's `auth_success.html`, and this package's simulator) ends with
 * `window.opener.postMessage("authDone", "*")`. Any page can post that string to us, so a message
 * counts only when it comes from the window we opened, or, when we have no such window (blocked
 * popup, page opened by the user from a link), from the homeserver's origin.
 */

/** The message a fallback page posts when its stage is complete. */
export const AUTH_DONE_MESSAGE = 'authDone';

/** Who may send the message. */
export interface AuthDoneSender {
  /** The popup we opened; when set, only messages whose `source` is this window count. */
  popup: Window | null;
  /** The homeserver's origin (`https://matrix.example.org`); used only when there is no popup. */
  origin: string | null;
}

/**
 * True when `event` is the fallback page's `authDone` from an accepted sender.
 *
 * Without a popup and without an origin nothing is accepted: a message from an unknown sender
 * must not complete a stage.
 */
export function isAuthDoneMessage(event: Pick<MessageEvent, 'data' | 'origin' | 'source'>, sender: AuthDoneSender): boolean {
  if (event.data !== AUTH_DONE_MESSAGE) return false;
  if (sender.popup) return event.source === sender.popup;
  return sender.origin !== null && event.origin === sender.origin;
}
