/**
 * One call that wires a UIA actor into a web page: polling paused while the page is hidden, and
 * the negotiation kept across reloads in `sessionStorage`.
 *
 * `startUiaInPage` is the whole thing for apps without a UI framework binding: it restores a saved
 * negotiation or starts a new one. The React hook (`matrix-uia/react`) does the same with
 * `@xstate/react`.
 */
import { createUiaActor, type CreateUiaActorExtras, type UiaActor } from '../api/create-uia-machine';
import type { UiaOptions } from '../api/options';
import { watchPageVisibility } from './page-visibility';
import { loadUiaSnapshot, persistUiaSession, type PersistableUiaActor, type UiaPersistenceOptions } from './session-persistence';

/** Options of {@link connectUiaToPage}. */
export interface ConnectUiaToPageOptions {
  /** Keep the negotiation across reloads under this key (and storage). Default: not kept. */
  persist?: UiaPersistenceOptions;
  /** Pause polling while the page is hidden and re-check on return. Default `true`. */
  pausePollingWhenHidden?: boolean;
  /** The window to watch. Default `globalThis.window`. */
  window?: Window;
}

/** Connects a started actor to the page; returns the disposer (idempotent). */
export function connectUiaToPage(actor: PersistableUiaActor, options: ConnectUiaToPageOptions = {}): () => void {
  const disposers: Array<() => void> = [];
  if (options.pausePollingWhenHidden ?? true) disposers.push(watchPageVisibility(actor, options.window ? { window: options.window } : {}));
  if (options.persist) disposers.push(persistUiaSession(actor, options.persist));
  return () => {
    for (const d of disposers.splice(0)) d();
  };
}

/** Options of {@link startUiaInPage}: the negotiation's, the actor extras, and the page wiring. */
export type StartUiaInPageOptions<T> = UiaOptions<T> & Omit<CreateUiaActorExtras, 'snapshot'> & ConnectUiaToPageOptions;

/** What {@link startUiaInPage} made. */
export interface UiaInPage {
  /** The running actor. */
  actor: UiaActor;
  /** True when a saved negotiation was restored (and re-checked at once) instead of started. */
  resumed: boolean;
  /** Disconnects from the page and stops the actor; a saved negotiation is kept for a reload. */
  dispose(): void;
}

/**
 * Restores the negotiation saved under `options.persist.key`, or starts a new one, and connects
 * it to the page. A restored negotiation is re-checked at once (`POLL`): the email link may have
 * been clicked while the page was away.
 */
export function startUiaInPage<T>(options: StartUiaInPageOptions<T>): UiaInPage {
  const { persist, pausePollingWhenHidden, window: win, ...rest } = options;
  const snapshot = persist ? loadUiaSnapshot(persist) : undefined;
  const actor = createUiaActor<T>({ ...rest, ...(snapshot ? { snapshot } : {}) });
  actor.start();
  const disconnect = connectUiaToPage(actor, {
    ...(persist ? { persist } : {}),
    ...(pausePollingWhenHidden !== undefined ? { pausePollingWhenHidden } : {}),
    ...(win ? { window: win } : {}),
  });
  actor.send(snapshot ? { type: 'POLL' } : { type: 'START' });
  return {
    actor,
    resumed: Boolean(snapshot),
    dispose() {
      disconnect();
      actor.stop();
    },
  };
}
