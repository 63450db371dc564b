/**
 * Devices: list, delete one, delete several. Deleting an unknown device succeeds, as Synapse does
 * (#17, #20); the UIA comes first either way, so a client cannot probe device ids unauthenticated.
 */
import { json, matrixError, isResponse } from './http-types';
import { objectBody, requireRequester } from './request-helpers';
import { CLIENT, route, type Route } from './router';
import { authenticate } from './uia';

/** The routes of this file. */
export const deviceRoutes: Route[] = [
  route('GET', '/devices', CLIENT, (ctx) => {
    const who = requireRequester(ctx);
    if (isResponse(who)) return who;
    const user = ctx.state.accounts.getUser(who.userId)!;
    return json(200, {
      devices: [...user.devices.values()].map((d) => ({
        user_id: user.userId,
        device_id: d.deviceId,
        display_name: d.displayName,
        last_seen_ts: d.lastSeenTs,
        last_seen_ip: d.lastSeenIp,
      })),
    });
  }),

  route('GET', '/devices/{deviceId}', CLIENT, (ctx, { deviceId }) => {
    const who = requireRequester(ctx);
    if (isResponse(who)) return who;
    const d = ctx.state.accounts.getUser(who.userId)!.devices.get(deviceId!);
    if (!d) return matrixError(404, 'M_NOT_FOUND', 'Device not found');
    return json(200, { user_id: who.userId, device_id: d.deviceId, display_name: d.displayName, last_seen_ts: d.lastSeenTs, last_seen_ip: d.lastSeenIp });
  }),

  route('DELETE', '/devices/{deviceId}', CLIENT, (ctx, { deviceId }) => {
    const who = requireRequester(ctx);
    if (isResponse(who)) return who;
    const body = objectBody(ctx);
    if (isResponse(body)) return body;
    const uia = authenticate(ctx, 'deleteDevice', who, body);
    if (!uia.ok) return uia.response;
    ctx.state.accounts.removeDevice(who.userId, deviceId!);
    return json(200, {});
  }),

  route('POST', '/delete_devices', CLIENT, (ctx) => {
    const who = requireRequester(ctx);
    if (isResponse(who)) return who;
    const body = objectBody(ctx);
    if (isResponse(body)) return body;
    const uia = authenticate(ctx, 'deleteDevices', who, body);
    if (!uia.ok) return uia.response;
    const devices = uia.body.devices;
    if (!Array.isArray(devices) || !devices.every((d) => typeof d === 'string')) {
      return matrixError(400, 'M_BAD_JSON', 'devices must be a list of device ids');
    }
    for (const d of devices as string[]) ctx.state.accounts.removeDevice(who.userId, d);
    return json(200, {});
  }),
];
