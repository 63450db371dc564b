/**
 * Guide: upload cross-signing keys (docs/guides/cross-signing.md).
 *
 * The first upload for an account usually needs no UIA: the first request carries no `auth` and
 * succeeds. A reset (keys already there) needs the password, or, on a server using OAuth 2.0
 * (MAS), approval on the account page (m.oauth): the URL is handed to the app, and polling notices
 * the approval.
 */
import { createMatrixClient, uploadCrossSigningKeys, type CrossSigningKeys } from 'matrix-uia/fetch';

export function publishCrossSigningKeys(
  session: { homeserverUrl: string; accessToken: string; userId: string },
  keys: CrossSigningKeys,
  ui: { askPassword(): Promise<string>; openAccountPage(url: string): void },
): Promise<unknown> {
  const client = createMatrixClient({ baseUrl: session.homeserverUrl, accessToken: session.accessToken });
  return uploadCrossSigningKeys(client, keys, {
    userId: session.userId,
    polling: { intervalMs: 1000 },
    handlers: {
      password: () => ui.askPassword(),
      // Never resolves: the chart's polling notices the approval.
      external: ({ url }) => {
        ui.openAccountPage(url);
        return new Promise<void>(() => {});
      },
    },
  });
}
