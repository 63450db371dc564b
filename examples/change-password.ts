/**
 * Guide: change a password (docs/guides/change-password.md).
 *
 * The server asks for the current password (m.login.password). The handler is asked again,
 * with the server's complaint, after a wrong password.
 */
import { changePassword, createMatrixClient } from 'matrix-uia/fetch';

export interface ChangePasswordUi {
  /** Shows a password prompt; `problem` is set after a wrong password. */
  askCurrentPassword(problem: string | undefined): Promise<string>;
}

export async function changeMyPassword(
  session: { homeserverUrl: string; accessToken: string; userId: string },
  newPassword: string,
  ui: ChangePasswordUi,
): Promise<void> {
  const client = createMatrixClient({ baseUrl: session.homeserverUrl, accessToken: session.accessToken });
  await changePassword(
    client,
    { newPassword, logoutDevices: false },
    {
      userId: session.userId,
      handlers: { password: (stage) => ui.askCurrentPassword(stage.error?.message) },
    },
  );
}
