/**
 * `deleteDevice` (`DELETE /devices/{deviceId}`) and `deleteDevices` (`POST /delete_devices`), with UIA.
 */
import type { MatrixClient } from './client';
import type { DelegatedHandling } from './delegated';
import { runEndpoint, type EndpointCall, type UiaHelperOptions } from './endpoint';
import { segment, V3 } from './paths';

/** The call `deleteDevice` authorises. */
export function deleteDeviceCall(deviceId: string): EndpointCall<Record<string, never>> {
  // DELETE with a JSON body: the spec puts `auth` there.
  return { method: 'DELETE', path: `${V3}/devices/${segment(deviceId)}`, body: {}, tokenEndpoint: 'password', delegated: { kind: 'accountManagement', action: 'org.matrix.device_delete', deviceId } };
}

/** The call `deleteDevices` authorises. */
export function deleteDevicesCall(deviceIds: readonly string[]): EndpointCall<Record<string, never>> {
  // On a delegated server each device is signed out on its own page; for several, the list.
  const delegated: DelegatedHandling =
    deviceIds.length === 1 ? { kind: 'accountManagement', action: 'org.matrix.device_delete', deviceId: deviceIds[0]! } : { kind: 'accountManagement', action: 'org.matrix.devices_list' };
  return { method: 'POST', path: `${V3}/delete_devices`, body: { devices: [...deviceIds] }, tokenEndpoint: 'password', delegated };
}

/**
 * Deletes (logs out) one device of the account. Resolves with `{}`. On a server that delegates
 * auth, rejects with `AccountManagementRequiredError` (`action=org.matrix.device_delete&device_id=…`)
 * before any request to the endpoint.
 */
export function deleteDevice(client: MatrixClient, deviceId: string, uia: UiaHelperOptions<Record<string, never>> = {}): Promise<Record<string, never>> {
  return runEndpoint(client, deleteDeviceCall(deviceId), uia);
}

/**
 * Deletes several devices in one request (one negotiation). Resolves with `{}`. On a server that
 * delegates auth, rejects with `AccountManagementRequiredError`: the device's page for one
 * device, the devices list for several.
 */
export function deleteDevices(client: MatrixClient, deviceIds: readonly string[], uia: UiaHelperOptions<Record<string, never>> = {}): Promise<Record<string, never>> {
  return runEndpoint(client, deleteDevicesCall(deviceIds), uia);
}
