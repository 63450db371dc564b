/**
 * Guide: delete devices (docs/guides/delete-devices.md).
 *
 * One device: DELETE /devices/{id}. Several: POST /delete_devices. Both need UIA, usually the
 * password; an SSO account gets the fallback page instead (see the browser guide).
 */
import { createMatrixClient, deleteDevice, deleteDevices } from 'matrix-uia/fetch';

export async function signOutDevices(
  session: { homeserverUrl: string; accessToken: string; userId: string },
  deviceIds: string[],
  askPassword: () => Promise<string>,
): Promise<void> {
  const client = createMatrixClient({ baseUrl: session.homeserverUrl, accessToken: session.accessToken });
  const uia = { userId: session.userId, handlers: { password: askPassword } };
  if (deviceIds.length === 1) await deleteDevice(client, deviceIds[0]!, uia);
  else await deleteDevices(client, deviceIds, uia);
}
