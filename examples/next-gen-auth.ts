/**
 * Guide: servers with OAuth 2.0 (docs/guides/next-gen-auth.md).
 *
 * The same code for a homeserver that serves UIA and one that delegates auth to an OAuth 2.0
 * server (Synapse with matrix-authentication-service, as matrix.org): on the first the user
 * types their password; on the second nothing is asked or sent, and the user continues on the
 * account page. The cross-signing reset completes on both.
 */
import { AccountManagementRequiredError } from 'matrix-uia';
import { createMatrixClient, deleteDevice, uploadCrossSigningKeys, type CrossSigningKeys } from 'matrix-uia/fetch';

/** What the app shows: a password prompt, a link to the account page, an approval step. */
export interface AccountUi {
  askPassword: () => Promise<string>;
  /** "Continue on your account page": open or show `url`. */
  continueOnAccountPage: (url: string) => void;
  /** Open the approval page; resolve when the user says they approved (polling also notices). */
  approveOnAccountPage: (url: string, message: string | null) => Promise<void>;
}

type Session = { homeserverUrl: string; accessToken: string; userId: string };

/** Signs out another device: `'done'`, or `'account-page'` when the server manages it there. */
export async function signOutDevice(session: Session, deviceId: string, ui: AccountUi): Promise<'done' | 'account-page'> {
  const client = createMatrixClient({ baseUrl: session.homeserverUrl, accessToken: session.accessToken });
  try {
    await deleteDevice(client, deviceId, { userId: session.userId, handlers: { password: ui.askPassword } });
    return 'done';
  } catch (e) {
    if (!(e instanceof AccountManagementRequiredError)) throw e;
    // e.url ends in ?action=org.matrix.device_delete&device_id=<deviceId> when the server supports it.
    ui.continueOnAccountPage(e.url);
    return 'account-page';
  }
}

/** Replaces the cross-signing keys: a password on a UIA server, an approval (m.oauth) on the other. */
export async function resetCrossSigning(session: Session, keys: CrossSigningKeys, ui: AccountUi): Promise<void> {
  const client = createMatrixClient({ baseUrl: session.homeserverUrl, accessToken: session.accessToken });
  await uploadCrossSigningKeys(client, keys, {
    userId: session.userId,
    handlers: {
      password: ui.askPassword,
      // p.error holds the server's explanation once a check found it not approved yet.
      external: (p) => ui.approveOnAccountPage(p.url, p.error?.message ?? null),
    },
  });
}
