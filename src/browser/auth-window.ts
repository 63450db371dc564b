/**
 * The window for an out-of-band stage: a fallback page (m.login.sso, recaptcha without a native
 * widget, any unsupported stage type) or the m.oauth approval page.
 *
 * `openAuthWindow` opens the page in a popup, synchronously, so it must be called from the user's
 * click handler: browsers block `window.open` outside a user gesture. It then
 *
 * - reports a blocked popup (`window.open` returned `null`, or a window that is already closed),
 *   so the UI can offer a plain link instead;
 * - accepts the page's `authDone` message only from that popup, or, without one, only from the
 *   homeserver's origin (see {@link isAuthDoneMessage}), and then continues the chart with
 *   `FALLBACK.DONE` / `OAUTH.DONE`;
 * - notices the popup being closed and re-checks at once (`POLL`): the user may have finished
 *   and closed it before the message arrived, or given up;
 * - re-checks when this tab regains focus or becomes visible;
 * - removes every listener and timer once done, when the popup closes, when the stage changes or
 *   the negotiation ends, or when the returned handle is disposed.
 */
import type { StageKind } from '../decisions/stage-kind';
import { selectExternalUrl, selectStage, selectStageRef } from '../api/selectors';
import { isAuthDoneMessage } from './auth-message';
import { onActorEnd, type UiaActorLike } from './uia-actor-like';

/** What the window reports to the UI. */
export type AuthWindowEvent =
  /** The popup is open: tell the user to finish there. */
  | {
      /** The popup opened. */
      type: 'opened';
      /** URL of the page in the popup. */
      url: string;
    }
  /** The browser blocked the popup: offer `url` as a link (`target="_blank" rel="opener"`). */
  | {
      /** The popup was blocked. */
      type: 'blocked';
      /** The page to offer as a link. */
      url: string;
    }
  /** The open stage has no page to open (not a fallback or m.oauth stage, or no URL known). */
  | {
      /** The open stage has no page to open. */
      type: 'unavailable';
    }
  /** The page said the stage is done; the chart was told. */
  | {
      /** The page reported the stage done. */
      type: 'done';
    }
  /** The user closed the popup before the page said done; the chart re-checks at once. */
  | {
      /** The user closed the popup before the page said done. */
      type: 'closed';
    }
  /** The handle stopped listening (after any of the above that ends it, or `dispose()`). */
  | {
      /** The handle stopped listening. */
      type: 'disposed';
      /** Why it stopped listening. */
      reason: AuthWindowEndReason;
    };

/** Why an auth window handle stopped listening. */
export type AuthWindowEndReason = 'done' | 'closed' | 'stage-changed' | 'actor-ended' | 'disposed' | 'unavailable';

/** Options of {@link openAuthWindow}. */
export interface OpenAuthWindowOptions {
  /** Receives the window's events (opened, blocked, done, closed, disposed). */
  onEvent?: (event: AuthWindowEvent) => void;
  /**
   * Origin whose `authDone` messages count when there is no popup. Default: the page URL's
   * origin (the homeserver's, for a fallback page).
   */
  origin?: string;
  /** `window.open` target name. Default `matrix-uia-auth` (one auth window at a time). */
  name?: string;
  /**
   * `window.open` features. Default `popup,width=520,height=680`. Never add `noopener`: the page
   * reaches us through `window.opener`, and with `noopener` `window.open` returns `null`.
   */
  features?: string;
  /** Close the popup once the page says done. Default `true`. */
  closeOnDone?: boolean;
  /** How often to look at `popup.closed`, in ms (browsers fire no event for it). Default 500. */
  closedCheckIntervalMs?: number;
  /** The window to open from and listen on. Default `globalThis.window`. */
  window?: Window;
}

/** A live auth window. */
export interface AuthWindowHandle {
  /** What happened when opening: `open`, `blocked` (show `url` as a link) or `unavailable`. */
  readonly status: 'open' | 'blocked' | 'unavailable';
  /** The page, or `null` when unavailable. */
  readonly url: string | null;
  /** The popup, while `status` is `open`. */
  readonly popup: Window | null;
  /** True once the handle stopped listening. */
  readonly disposed: boolean;
  /** Brings the popup to the front again (e.g. a "Show the window" button). */
  focus(): void;
  /** Stops listening and closes the popup if it is still open. Safe to call twice. */
  dispose(): void;
}

const DEFAULT_FEATURES = 'popup,width=520,height=680';

function isActor(target: unknown): target is UiaActorLike {
  return typeof target === 'object' && target !== null && typeof (target as UiaActorLike).getSnapshot === 'function';
}

function originOf(url: string): string | null {
  try {
    return new URL(url).origin;
  } catch {
    return null;
  }
}

/** The event that tells the open stage its page reported done. */
function doneEventFor(kind: StageKind | undefined): { type: 'FALLBACK.DONE' } | { type: 'OAUTH.DONE' } | null {
  if (kind === 'fallback') return { type: 'FALLBACK.DONE' };
  if (kind === 'oauth') return { type: 'OAUTH.DONE' };
  return null;
}

/**
 * Opens the auth page for the open stage of `target` (a UIA actor), or the page at `target` (a
 * URL; then only `onEvent` hears about completion). Call it synchronously in a click handler.
 */
export function openAuthWindow(target: UiaActorLike | string | URL, options: OpenAuthWindowOptions = {}): AuthWindowHandle {
  const win = options.window ?? globalThis.window;
  const actor = isActor(target) ? target : null;
  const emit = (event: AuthWindowEvent) => options.onEvent?.(event);

  const url = actor ? selectExternalUrl(actor.getSnapshot()) : String(target);
  const stageKind = actor ? selectStage(actor.getSnapshot())?.kind : undefined;
  const stageRef = actor ? selectStageRef(actor.getSnapshot()) : undefined;
  if (!url || (actor && !doneEventFor(stageKind)) || (actor && actor.getSnapshot().status !== 'active')) {
    emit({ type: 'unavailable' });
    emit({ type: 'disposed', reason: 'unavailable' });
    return { status: 'unavailable', url: null, popup: null, disposed: true, focus() {}, dispose() {} };
  }

  // First, before anything else: the user gesture that allows a popup does not survive an await.
  let popup: Window | null = null;
  try {
    popup = win.open(url, options.name ?? 'matrix-uia-auth', options.features ?? DEFAULT_FEATURES);
  } catch {
    popup = null;
  }
  const blocked = popup === null || popup.closed;
  if (blocked) popup = null;
  const origin = options.origin ?? originOf(url);

  const cleanups: Array<() => void> = [];
  let disposed = false;
  const dispose = (reason: AuthWindowEndReason, closePopup: boolean) => {
    if (disposed) return;
    disposed = true;
    for (const c of cleanups.splice(0)) c();
    if (closePopup && popup && !popup.closed) popup.close();
    emit({ type: 'disposed', reason });
  };
  const recheck = () => {
    if (!disposed && actor && actor.getSnapshot().status === 'active') actor.send({ type: 'POLL' });
  };

  const onMessage = (event: MessageEvent) => {
    if (disposed || !isAuthDoneMessage(event, { popup, origin })) return;
    const done = doneEventFor(stageKind);
    if (actor && done) actor.send(done);
    emit({ type: 'done' });
    dispose('done', options.closeOnDone ?? true);
  };
  win.addEventListener('message', onMessage);
  cleanups.push(() => win.removeEventListener('message', onMessage));

  const onFocus = () => recheck();
  const onVisibility = () => {
    if (win.document.visibilityState === 'visible') recheck();
  };
  win.addEventListener('focus', onFocus);
  win.document.addEventListener('visibilitychange', onVisibility);
  cleanups.push(() => {
    win.removeEventListener('focus', onFocus);
    win.document.removeEventListener('visibilitychange', onVisibility);
  });

  if (popup) {
    const opened = popup;
    const timer = win.setInterval(() => {
      if (!opened.closed) return;
      emit({ type: 'closed' });
      recheck();
      dispose('closed', false);
    }, options.closedCheckIntervalMs ?? 500);
    cleanups.push(() => win.clearInterval(timer));
  }

  if (actor) {
    // The page belongs to this stage: once another stage opens (the poll noticed completion) or
    // the negotiation ends (done, failed, cancelled), the window has nothing left to do.
    const sub = actor.subscribe({
      next: (s) => {
        if (s.status === 'active' && selectStageRef(s) !== stageRef) dispose('stage-changed', true);
      },
    });
    cleanups.push(() => sub.unsubscribe());
    const stopEndWatch = onActorEnd(actor, () => dispose('actor-ended', true));
    cleanups.push(stopEndWatch);
  }

  emit(popup ? { type: 'opened', url } : { type: 'blocked', url });

  return {
    status: popup ? 'open' : 'blocked',
    url,
    get popup() {
      return disposed ? null : popup;
    },
    get disposed() {
      return disposed;
    },
    focus() {
      if (!disposed && popup && !popup.closed) popup.focus();
    },
    dispose() {
      dispose('disposed', true);
    },
  };
}
