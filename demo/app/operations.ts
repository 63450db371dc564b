/**
 * The UIA-protected operations the demo page runs, each described once: its form fields, the
 * request it authorises (an `EndpointCall` from matrix-uia/fetch), and the negotiation options.
 *
 * Field values marked `secret` (passwords) are never saved: after a reload in the middle of a
 * negotiation the page asks for them again, because the request body must be sent unchanged.
 */
import { createMatrixClient, deactivateAccountCall, deleteDeviceCall, changePasswordCall, registerCall, uploadCrossSigningKeysCall, type EndpointCall } from 'matrix-uia/fetch';
import type { DemoConfig, DemoState } from './demo-config';

/** One form field of an operation. */
export interface OperationField {
  name: string;
  label: string;
  type: 'text' | 'password' | 'email' | 'select';
  secret?: boolean;
  /** The operation cannot start without it. */
  required?: boolean;
  autoComplete?: string;
  /** For selects: where the options come from. */
  options?: 'devices';
  initial?: (config: DemoConfig) => string;
}

/** What one run needs: the client, the call, and the negotiation options. */
export interface OperationRun {
  baseUrl: string;
  accessToken: string | undefined;
  call: EndpointCall<unknown>;
  supportedStages?: string[];
  userId?: string;
  inputs?: { emailAddress?: string };
}

/** One operation of the demo. */
export interface Operation {
  id: 'change-password' | 'delete-device' | 'register' | 'deactivate' | 'reset-cross-signing';
  title: string;
  description: string;
  fields: OperationField[];
  button: string;
  /**
   * Why the operation cannot work now (the account it acts on is gone, no device is left), or
   * `null`. The page does not offer it then, and says why.
   */
  unavailable?(state: DemoState): string | null;
  /** Values made when the run starts (kept with the others, so a resumed run sends the same body). */
  prepare?(config: DemoConfig): Record<string, string>;
  run(values: Record<string, string>, config: DemoConfig): OperationRun;
  /** What to say when it worked. */
  done(values: Record<string, string>, result: unknown): string;
  /** On a server that delegates auth: why the account page, in one sentence. */
  elsewhere?: string;
  /**
   * On a server that delegates auth: whether what the user set out to do happened on the
   * account page, read from the demo data (`null`: the page cannot tell).
   */
  doneElsewhere?(values: Record<string, string>, state: DemoState): { done: boolean; text: string } | null;
}

/** Random public keys for the cross-signing demo (the simulator does not verify signatures). */
function demoKey(userId: string, usage: string) {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  const key = btoa(String.fromCharCode(...bytes)).replace(/=+$/, '');
  return { user_id: userId, usage: [usage], keys: { [`ed25519:${key}`]: key } };
}

/** The operations, in the order the page lists them. */
export const OPERATIONS: Operation[] = [
  {
    id: 'change-password',
    title: 'Change password',
    description: 'POST /account/password — the server asks for the current password (m.login.password).',
    fields: [{ name: 'newPassword', label: 'New password', type: 'password', secret: true, required: true, autoComplete: 'new-password' }],
    button: 'Change password',
    run: (v, c) => ({
      baseUrl: c.homeserverUrl,
      accessToken: c.demoUser.accessToken,
      userId: c.demoUser.userId,
      call: changePasswordCall({ newPassword: v.newPassword ?? '', logoutDevices: false }),
    }),
    done: () => 'Your password was changed. Use the new one from now on.',
    elsewhere: 'This server manages passwords on your account page, not in apps.',
  },
  {
    id: 'delete-device',
    title: 'Delete a device',
    description: 'DELETE /devices/{deviceId} — signs another session out; needs the password.',
    fields: [{ name: 'deviceId', label: 'Device to delete', type: 'select', options: 'devices', required: true }],
    button: 'Delete device',
    unavailable: (s) => (otherDevices(s).length === 0 ? 'No other device is left to delete.' : null),
    run: (v, c) => ({ baseUrl: c.homeserverUrl, accessToken: c.demoUser.accessToken, userId: c.demoUser.userId, call: deleteDeviceCall(v.deviceId ?? '') }),
    done: (v) => `Device ${v.deviceId} was deleted.`,
    elsewhere: 'This server signs devices out on your account page, not in apps.',
    doneElsewhere: (v, s) =>
      s.demoUser.devices.some((d) => d.deviceId === v.deviceId)
        ? { done: false, text: `Device ${v.deviceId} is still signed in. Sign it out on the account page; this page notices.` }
        : { done: true, text: `Device ${v.deviceId} is signed out. The device list is up to date.` },
  },
  {
    id: 'register',
    title: 'Register',
    description:
      'POST /register — one flow of four stages: registration token, terms, recaptcha (on the server’s fallback page, in a popup), and email validation.',
    fields: [
      { name: 'username', label: 'Username', type: 'text', required: true, autoComplete: 'username', initial: () => `user${Math.floor(Math.random() * 90000 + 10000)}` },
      { name: 'password', label: 'Password', type: 'password', secret: true, required: true, autoComplete: 'new-password' },
      // The server's only registration flow validates an email address.
      { name: 'email', label: 'Email address', type: 'email', required: true, autoComplete: 'email' },
    ],
    button: 'Create account',
    run: (v, c) => ({
      baseUrl: c.homeserverUrl,
      accessToken: undefined,
      call: registerCall({ username: v.username ?? '', password: v.password ?? '', initialDeviceDisplayName: 'matrix-uia demo', inhibitLogin: true }),
      // Recaptcha is left to the homeserver's fallback page, as an app without Google's widget would.
      supportedStages: ['m.login.registration_token', 'm.login.terms', 'm.login.email.identity', 'm.login.dummy'],
      ...(v.email ? { inputs: { emailAddress: v.email } } : {}),
    }),
    done: (_v, r) => `Account ${(r as { user_id?: string }).user_id ?? ''} created.`,
    elsewhere: 'New accounts on this server are created on the sign-in page of its OAuth 2.0 server.',
  },
  {
    id: 'deactivate',
    title: 'Deactivate an account',
    description: 'POST /account/deactivate — permanently closes the “leaving” account, which signs in with single sign-on (m.login.sso, on the server’s page in a popup).',
    fields: [],
    button: 'Deactivate @leaving',
    unavailable: (s) => (s.leavingUser.deactivated ? `${s.leavingUser.userId} is already deactivated.` : null),
    run: (_v, c) => ({ baseUrl: c.homeserverUrl, accessToken: c.leavingUser.accessToken, userId: c.leavingUser.userId, call: deactivateAccountCall({}) }),
    done: () => 'The account was deactivated.',
    elsewhere: 'This server closes accounts on its account page, not in apps.',
    doneElsewhere: (_v, s) =>
      s.leavingUser.deactivated
        ? { done: true, text: `${s.leavingUser.userId} is deactivated.` }
        : { done: false, text: `${s.leavingUser.userId} is still active. Deactivate it on the account page; this page notices.` },
  },
  {
    id: 'reset-cross-signing',
    title: 'Reset cross-signing',
    description: 'POST /keys/device_signing/upload — replacing existing keys must be approved on the account page (m.oauth).',
    fields: [],
    button: 'Reset cross-signing keys',
    prepare: (c) => {
      const u = c.demoUser.userId;
      return { keys: JSON.stringify({ master_key: demoKey(u, 'master'), self_signing_key: demoKey(u, 'self_signing'), user_signing_key: demoKey(u, 'user_signing') }) };
    },
    run: (v, c) => ({
      baseUrl: c.homeserverUrl,
      accessToken: c.demoUser.accessToken,
      userId: c.demoUser.userId,
      call: uploadCrossSigningKeysCall(JSON.parse(v.keys ?? '{}')),
    }),
    done: () => 'New cross-signing keys were uploaded.',
  },
];

/** The demo account's devices but the page's own (the ones "Delete a device" offers). */
export function otherDevices(state: DemoState): DemoState['demoUser']['devices'] {
  return state.demoUser.devices.filter((d) => d.deviceId !== state.demoUser.deviceId);
}

/** A client for a run. */
export function clientFor(run: OperationRun) {
  return createMatrixClient({ baseUrl: run.baseUrl, ...(run.accessToken ? { accessToken: run.accessToken } : {}) });
}
