/**
 * README, "Bring your own HTTP": runUia with the app's own request function.
 *
 * `request(auth)` sends the request being authorised, with `auth` added to its body. A non-2xx
 * answer must reject with an error carrying `httpStatus` and `data` (matrix-js-sdk's MatrixError
 * has that shape, and so has MatrixHttpError from 'matrix-uia/fetch', which does all this for
 * you); runUia reads the 401s, picks a flow and asks the handlers for each stage.
 */
import { runUia, NoAuthFlowFoundError, type AuthDict } from 'matrix-uia';

export async function changePasswordOverFetch(
  session: { baseUrl: string; accessToken: string; userId: string },
  newPassword: string,
  askPassword: (problem: string | undefined) => Promise<string>,
): Promise<void> {
  async function request(auth: AuthDict | null, { signal }: { signal: AbortSignal }) {
    const res = await fetch(`${session.baseUrl}/_matrix/client/v3/account/password`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${session.accessToken}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ new_password: newPassword, logout_devices: false, ...(auth ? { auth } : {}) }),
      signal,
    });
    const data = await res.json().catch(() => undefined);
    if (!res.ok) throw Object.assign(new Error(`HTTP ${res.status}`), { httpStatus: res.status, data });
    return data;
  }

  try {
    await runUia({
      request,
      userId: session.userId,
      homeserverUrl: session.baseUrl,
      handlers: {
        // Asked again, with p.error set, after a wrong password.
        password: (p) => askPassword(p.error?.message),
      },
    });
  } catch (e) {
    if (e instanceof NoAuthFlowFoundError) throw new Error(`The server needs a stage this app cannot do: ${JSON.stringify(e.flows)}`);
    throw e;
  }
}
