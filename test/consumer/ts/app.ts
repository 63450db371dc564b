// Type-checked (strict) in scratch projects under `moduleResolution: bundler` (as app.ts) and
// `module: nodenext` (as app.mts and app.cts): the public types of every entry, as apps use them.
import {
  createUiaActor,
  isUiaError,
  passwordStageMachine,
  selectBusy,
  selectCanSend,
  selectStage,
  selectStageError,
  StageError,
  type UiaActor,
  type UiaErrorCode,
  type UiaRequestFn,
} from 'matrix-uia';
import { changePassword, createMatrixClient, type MatrixClient } from 'matrix-uia/fetch';
import { DEMO_ACCOUNT, demoConfig, startHomeserver, type StartedHomeserver } from 'matrix-uia/testing';
import { watchPageVisibility } from 'matrix-uia/browser';
import { createUIAuthCallback, type UIAuthCallback } from 'matrix-uia/matrix-js-sdk';

export const request: UiaRequestFn<{ ok: true }> = async (auth) => {
  void auth;
  return { ok: true };
};

export function dialog(): UiaActor {
  const actor = createUiaActor({ request, stages: { password: passwordStageMachine } });
  actor.subscribe((snapshot) => {
    const stage: string | undefined = selectStage(snapshot)?.type;
    const busy: boolean = selectBusy(snapshot);
    const canSend: boolean = selectCanSend(snapshot, { type: 'PASSWORD.SUBMIT', password: 'x' });
    const error = selectStageError(snapshot);
    if (error instanceof StageError) {
      const errcode: string | undefined = error.errcode;
      void errcode;
    }
    void stage, busy, canSend;
  });
  return actor;
}

export function codeOf(e: unknown): UiaErrorCode | undefined {
  return isUiaError(e) ? e.code : undefined;
}

export async function changeIt(): Promise<void> {
  const hs: StartedHomeserver = await startHomeserver(demoConfig());
  const client: MatrixClient = createMatrixClient({ baseUrl: hs.url, accessToken: DEMO_ACCOUNT.accessToken });
  await changePassword(client, { newPassword: 'n' }, { userId: DEMO_ACCOUNT.userId, handlers: { password: async () => DEMO_ACCOUNT.password } });
  await hs.close();
}

export const callback: UIAuthCallback<void> = createUIAuthCallback({ password: async () => 'x' });
export const visibility: typeof watchPageVisibility = watchPageVisibility;
