/**
 * Accounts: users, their passwords, devices, access tokens, bound 3PIDs and cross-signing keys.
 *
 * Plain in-memory maps. Deleting a device revokes its tokens (as on a real server), so a test
 * that deletes the device it is using sees 401 M_UNKNOWN_TOKEN next, as an app would.
 */
import { newAccessToken, newDeviceId } from './ids';

/** A device of a user. */
export interface DeviceRecord {
  /** The device id. */
  deviceId: string;
  /** Display name shown in `/devices`; `null` for none. */
  displayName: string | null;
  /** Last use of the device, in ms since the epoch (server clock). */
  lastSeenTs: number;
  /** IP address of the last use. */
  lastSeenIp: string;
}

/** A 3PID bound to an account. */
export interface BoundThreepid {
  /** Kind of identifier: an email address or a phone number. */
  medium: 'email' | 'msisdn';
  /** The email address, or the phone number in digits. */
  address: string;
  /** When ownership was validated, in ms since the epoch. */
  validatedAt: number;
  /** When it was bound to the account, in ms since the epoch. */
  addedAt: number;
}

/** Cross-signing keys as uploaded. */
export interface CrossSigningKeys {
  /** The uploaded master key, if any. */
  master?: Record<string, unknown>;
  /** The uploaded self-signing key, if any. */
  selfSigning?: Record<string, unknown>;
  /** The uploaded user-signing key, if any. */
  userSigning?: Record<string, unknown>;
}

/** A user. Mutating it directly is fine in tests (e.g. `getUser(id)!.password = 'x'`). */
export interface UserRecord {
  /** Full Matrix id, e.g. `@alice:localhost`. */
  userId: string;
  /** The part of the id between `@` and `:`. */
  localpart: string;
  /** `undefined` for an account registered without a password. */
  password: string | undefined;
  /** Devices by device id. */
  devices: Map<string, DeviceRecord>;
  /** Emails and phone numbers bound to the account. */
  threepids: BoundThreepid[];
  /** True once the account was deactivated; its tokens no longer work. */
  deactivated: boolean;
  /** May call the `/_synapse/admin` endpoints. */
  admin: boolean;
  /** Cross-signing keys uploaded so far; `{}` for none. */
  crossSigning: CrossSigningKeys;
}

/** Who an access token belongs to. */
export interface Requester {
  /** The user the access token belongs to. */
  userId: string;
  /** The device the access token belongs to. */
  deviceId: string;
  /** The access token the request carried. */
  accessToken: string;
}

/** A device given to {@link Accounts.addUser}: an id, or an id with a display name and a fixed token. */
export type DeviceInput =
  | string
  | {
      /** The device id to create. */
      deviceId: string;
      /** Device display name shown in `/devices`; default none. */
      displayName?: string | null;
      /** Fixed access token for the device; default: a freshly generated one. */
      accessToken?: string;
    };

/** The user directory of one simulated homeserver. */
export class Accounts {
  private readonly users = new Map<string, UserRecord>();
  private readonly tokens = new Map<string, { userId: string; deviceId: string }>();

  /** Creates an empty directory; `serverName` qualifies localparts, `now` stamps records (ms). */
  constructor(
    private readonly serverName: () => string,
    private readonly now: () => number,
  ) {}

  /** `alice` or `@alice:server` → `@alice:server`. */
  qualify(userIdOrLocalpart: string): string {
    return userIdOrLocalpart.startsWith('@') ? userIdOrLocalpart : `@${userIdOrLocalpart}:${this.serverName()}`;
  }

  /** Creates a user (replacing one of the same id) with optional devices. */
  addUser(userId: string, password: string | undefined, devices: DeviceInput[] = []): UserRecord {
    const id = this.qualify(userId);
    const old = this.users.get(id);
    if (old) for (const d of [...old.devices.keys()]) this.removeDevice(id, d);
    const user: UserRecord = {
      userId: id,
      localpart: id.slice(1).split(':')[0] ?? id,
      password,
      devices: new Map(),
      threepids: [],
      deactivated: false,
      admin: false,
      crossSigning: {},
    };
    this.users.set(id, user);
    for (const d of devices) {
      const seed = typeof d === 'string' ? { deviceId: d } : d;
      this.addDevice(id, seed.deviceId, seed.displayName ?? null);
      if (seed.accessToken) this.tokens.set(seed.accessToken, { userId: id, deviceId: seed.deviceId });
    }
    return user;
  }

  /** A user by id or localpart. */
  getUser(userIdOrLocalpart: string): UserRecord | undefined {
    return this.users.get(this.qualify(userIdOrLocalpart));
  }

  /** Every user, in creation order. */
  list(): UserRecord[] {
    return [...this.users.values()];
  }

  /** True when the localpart is taken (deactivated accounts keep their id, as in Synapse). */
  exists(userIdOrLocalpart: string): boolean {
    return this.users.has(this.qualify(userIdOrLocalpart));
  }

  /** Adds (or refreshes) a device. */
  addDevice(userId: string, deviceId: string, displayName: string | null = null, ip = '127.0.0.1'): DeviceRecord {
    const user = this.mustGet(userId);
    const existing = user.devices.get(deviceId);
    if (existing) {
      existing.lastSeenTs = this.now();
      return existing;
    }
    const device: DeviceRecord = { deviceId, displayName, lastSeenTs: this.now(), lastSeenIp: ip };
    user.devices.set(deviceId, device);
    return device;
  }

  /** A new access token for the device (created if missing), as a login would give. */
  createAccessToken(userId: string, deviceId: string = newDeviceId(), displayName: string | null = null): string {
    const user = this.mustGet(userId);
    this.addDevice(user.userId, deviceId, displayName);
    const token = newAccessToken(user.localpart);
    this.tokens.set(token, { userId: user.userId, deviceId });
    return token;
  }

  /** The owner of a token, or `undefined` for an unknown or revoked one. */
  resolveToken(token: string): Requester | undefined {
    const t = this.tokens.get(token);
    if (!t) return undefined;
    const user = this.users.get(t.userId);
    if (!user || user.deactivated || !user.devices.has(t.deviceId)) return undefined;
    user.devices.get(t.deviceId)!.lastSeenTs = this.now();
    return { userId: t.userId, deviceId: t.deviceId, accessToken: token };
  }

  /** Removes a device and revokes its tokens. Unknown devices are ignored (Synapse answers 200). */
  removeDevice(userId: string, deviceId: string): void {
    const user = this.users.get(this.qualify(userId));
    if (!user) return;
    user.devices.delete(deviceId);
    for (const [token, t] of this.tokens) if (t.userId === user.userId && t.deviceId === deviceId) this.tokens.delete(token);
  }

  /** Removes every device but `keepDeviceId` (password change with `logout_devices`). */
  removeOtherDevices(userId: string, keepDeviceId: string | undefined): void {
    const user = this.mustGet(userId);
    for (const d of [...user.devices.keys()]) if (d !== keepDeviceId) this.removeDevice(user.userId, d);
  }

  /** True when `password` is the user's password. */
  checkPassword(userId: string, password: unknown): boolean {
    const user = this.users.get(this.qualify(userId));
    return !!user && typeof password === 'string' && user.password !== undefined && user.password === password;
  }

  /** The user a 3PID is bound to. Emails compare case-insensitively. */
  findByThreepid(medium: string, address: string): UserRecord | undefined {
    const norm = normalizeAddress(medium, address);
    for (const user of this.users.values()) {
      if (user.threepids.some((t) => t.medium === medium && t.address === norm)) return user;
    }
    return undefined;
  }

  /** Binds a validated 3PID to a user. */
  bindThreepid(userId: string, medium: 'email' | 'msisdn', address: string, validatedAt: number): void {
    const user = this.mustGet(userId);
    const norm = normalizeAddress(medium, address);
    if (user.threepids.some((t) => t.medium === medium && t.address === norm)) return;
    user.threepids.push({ medium, address: norm, validatedAt, addedAt: this.now() });
  }

  /** Deactivates: revokes every token, drops devices and 3PIDs; the user id stays taken. */
  deactivate(userId: string): void {
    const user = this.mustGet(userId);
    for (const d of [...user.devices.keys()]) this.removeDevice(user.userId, d);
    user.threepids = [];
    user.deactivated = true;
  }

  private mustGet(userId: string): UserRecord {
    const user = this.users.get(this.qualify(userId));
    if (!user) throw new Error(`No such user: ${userId}`);
    return user;
  }
}

/** Emails are matched lower-cased, phone numbers by their digits. */
export function normalizeAddress(medium: string, address: string): string {
  return medium === 'email' ? address.trim().toLowerCase() : address.replace(/[^0-9]/g, '');
}
