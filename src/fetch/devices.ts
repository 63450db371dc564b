/**
 * `deleteDevice` (`DELETE /devices/{deviceId}`) and `deleteDevices` (`POST /delete_devices`), with UIA.
 */
import type { MatrixClient } from './client';
import { runEndpoint, type EndpointCall, type UiaHelperOptions } from './endpoint';
import { segment, V3 } from './paths';

/** The call `deleteDevice` authorises. */
export function deleteDeviceCall(deviceId: string): EndpointCall<Record<string, never>> {
  // DELETE with a JSON body: the spec puts `auth` there.
  return { method: 'DELETE', path: `${V3}/devices/${segment(deviceId)}`, body: {}, tokenEndpoint: 'password' };
}

/** The call `deleteDevices` authorises. */
export function deleteDevicesCall(deviceIds: readonly string[]): EndpointCall<Record<string, never>> {
  return { method: 'POST', path: `${V3}/delete_devices`, body: { devices: [...deviceIds] }, tokenEndpoint: 'password' };
}

/** Deletes (logs out) one device of the account. Resolves with `{}`. */
export function deleteDevice(client: MatrixClient, deviceId: string, uia: UiaHelperOptions<Record<string, never>> = {}): Promise<Record<string, never>> {
  return runEndpoint(client, deleteDeviceCall(deviceId), uia);
}

/** Deletes several devices in one request (one negotiation). Resolves with `{}`. */
export function deleteDevices(client: MatrixClient, deviceIds: readonly string[], uia: UiaHelperOptions<Record<string, never>> = {}): Promise<Record<string, never>> {
  return runEndpoint(client, deleteDevicesCall(deviceIds), uia);
}
