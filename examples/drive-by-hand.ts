/**
 * Guide: drive a flow by hand (docs/guides/drive-by-hand.md).
 *
 * A UI that renders each stage itself owns an actor of the chart, reads what to show with the
 * selectors, and sends the user's events. Nothing is stored twice: busy, the open stage, its error
 * and whether the form may be submitted are all read from the snapshot.
 */
import { createUiaActor, passwordStageMachine, selectBusy, selectCanSend, selectResult, selectStage, selectStageError, type UiaActor, type UiaSnapshot } from 'matrix-uia';
import { changePasswordCall, createMatrixClient, endpointFunctions } from 'matrix-uia/fetch';

/** The stage machines this dialog runs: a module constant, so every negotiation shares one chart. */
const PASSWORD_ONLY = { password: passwordStageMachine };

/** What a password dialog shows, derived from one snapshot. */
export interface DialogView {
  stage: string | null;
  busy: boolean;
  error: string | null;
  canSubmit: boolean;
  finished: 'done' | 'failed' | 'cancelled' | null;
}

export function viewOf(snapshot: UiaSnapshot): DialogView {
  const out = snapshot.output;
  return {
    stage: selectStage(snapshot)?.type ?? null,
    busy: selectBusy(snapshot),
    error: selectStageError(snapshot)?.message ?? null,
    canSubmit: selectCanSend(snapshot, { type: 'PASSWORD.SUBMIT', password: 'x' }),
    finished: snapshot.status === 'done' ? (out?.status ?? null) : null,
  };
}

/** Starts a password change whose password dialog is rendered by `render`. */
export function startPasswordChange(
  session: { homeserverUrl: string; accessToken: string; userId: string },
  newPassword: string,
  render: (view: DialogView) => void,
): { actor: UiaActor; submitPassword(password: string): void; cancel(): void; result(): unknown } {
  const client = createMatrixClient({ baseUrl: session.homeserverUrl, accessToken: session.accessToken });
  const actor = createUiaActor({
    // A password dialog needs only the password stage; any other stage opens the fallback page.
    stages: PASSWORD_ONLY,
    ...endpointFunctions(client, changePasswordCall({ newPassword })),
    userId: session.userId,
    homeserverUrl: session.homeserverUrl,
  });
  actor.subscribe((snapshot) => render(viewOf(snapshot)));
  actor.start();
  actor.send({ type: 'START' });
  return {
    actor,
    // The password goes from the form straight into the event; the chart never stores it.
    submitPassword: (password) => actor.send({ type: 'PASSWORD.SUBMIT', password }),
    cancel: () => actor.send({ type: 'CANCEL' }),
    result: () => selectResult(actor.getSnapshot()),
  };
}
