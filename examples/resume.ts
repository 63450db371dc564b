/**
 * Guide: resume after a reload or from an email link (docs/guides/resume.md).
 *
 * A persisted snapshot of the chart holds no secret (passwords, tokens and results are sealed
 * and serialise as "[sealed]"), so it may go to sessionStorage. Restored, it continues in the
 * same stage of the same session; an email stage goes on polling with its creds. What comes back
 * from storage is checked first (`checkUiaSnapshot`): `createUiaActor` restores nothing else.
 */
import { checkUiaSnapshot, createUiaActor, stageMachines, type UiaActor } from 'matrix-uia';
import { createMatrixClient, endpointFunctions, registerCall, type RegisterParams } from 'matrix-uia/fetch';

/** Where snapshots are kept (sessionStorage in a browser). */
export interface SnapshotStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

const KEY = 'example-app:registration';

/** Starts a registration, or resumes the one saved in `store`; keeps the saved copy current. */
export function startOrResumeRegistration(homeserverUrl: string, params: RegisterParams, email: string, store: SnapshotStore): UiaActor {
  const client = createMatrixClient({ baseUrl: homeserverUrl });
  const saved = store.getItem(KEY);
  const actor = createUiaActor({
    stages: stageMachines,
    ...endpointFunctions(client, registerCall(params)),
    homeserverUrl,
    inputs: { emailAddress: email },
    polling: { intervalMs: 1000 },
    // Stored JSON is untrusted: checked (InvalidOptionsError / ProtocolError if tampered) before restoring.
    ...(saved ? { snapshot: checkUiaSnapshot(JSON.parse(saved)) } : {}),
  });
  actor.subscribe((snapshot) => {
    if (snapshot.status === 'done') store.removeItem(KEY);
    else store.setItem(KEY, JSON.stringify(actor.getPersistedSnapshot()));
  });
  actor.start();
  // A restored actor is already past START.
  if (!saved) actor.send({ type: 'START' });
  return actor;
}
