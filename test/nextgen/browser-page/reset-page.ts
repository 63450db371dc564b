/**
 * The page of redirect-fallback.browser.test.ts: a cross-signing reset on a server that delegates
 * auth, run the way a matrix-js-sdk-style app does it (no oauth machine: the stage is done on its
 * fallback page, which on Synapse only redirects to the approval page and never posts authDone).
 * Query: `hs` (homeserver URL), `token`; the keys come in `window.RESET_KEYS`.
 */
import { createUiaActor, dummyStageMachine, fallbackStageMachine, passwordStageMachine } from 'matrix-uia';
import { connectUiaToPage, openAuthWindow } from 'matrix-uia/browser';
import { createMatrixClient, endpointFunctions, uploadCrossSigningKeysCall, type CrossSigningKeys } from 'matrix-uia/fetch';

const STAGES = { dummy: dummyStageMachine, password: passwordStageMachine, fallback: fallbackStageMachine } as const;
const q = new URLSearchParams(location.search);
const hs = q.get('hs')!;
const client = createMatrixClient({ baseUrl: hs, accessToken: q.get('token')! });
const keys = (window as unknown as { RESET_KEYS: CrossSigningKeys }).RESET_KEYS;
// Polls only when told to (focus, popup closed): the test shows those complete the stage.
const actor = createUiaActor<unknown>({ stages: STAGES, ...endpointFunctions(client, uploadCrossSigningKeysCall(keys)), homeserverUrl: hs, polling: { intervalMs: 3_600_000 } });
const status = document.getElementById('status')!;
const events = document.getElementById('events')!;
actor.subscribe((s) => {
  status.textContent = s.status === 'done' ? `finished: ${s.output?.status}` : `stage: ${s.context.stage ?? '-'} (${s.context.stageKind ?? '-'})`;
});
actor.start();
connectUiaToPage(actor);
actor.send({ type: 'START' });
document.getElementById('open')!.addEventListener('click', () => {
  const handle = openAuthWindow(actor, { onEvent: (e) => (events.textContent += `${e.type} `) });
  events.textContent += `[${handle.status} ${handle.url}] `;
});
