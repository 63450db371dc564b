/**
 * Ties the chart's background polling to the page's visibility.
 *
 * While the page is hidden nobody is looking at it, and an email link or an SSO page is being
 * completed elsewhere: polling on a timer then only costs requests (and browsers throttle hidden
 * timers anyway). So the chart is parked with `PAUSE_POLLING` whenever it waits between polls in
 * a hidden page, and when the user comes back (the page becomes visible, the window regains
 * focus, or the page is restored from the back/forward cache) it checks at once with
 * `RESUME_POLLING` / `POLL` instead of waiting for the next tick.
 */
import { onActorEnd, type UiaActorLike } from './uia-actor-like';

/** Options of {@link watchPageVisibility}. */
export interface WatchPageVisibilityOptions {
  /** The window to watch. Default `globalThis.window`. */
  window?: Window;
  /**
   * Focus and visibility usually change together; a re-check asked for within this many ms of
   * the previous one is skipped. Default 1000.
   */
  minRecheckIntervalMs?: number;
}

/**
 * Starts watching; returns the disposer. Also disposes itself when the actor ends or stops
 * (but `@xstate/react` mutes observers on unmount: dispose in your effect cleanup too).
 */
export function watchPageVisibility(actor: UiaActorLike, options: WatchPageVisibilityOptions = {}): () => void {
  const win = options.window ?? globalThis.window;
  const doc = win.document;
  const minGap = options.minRecheckIntervalMs ?? 1000;
  let lastRecheck = -Infinity;
  let disposed = false;

  const hidden = () => doc.visibilityState === 'hidden';
  const live = () => !disposed && actor.getSnapshot().status === 'active';
  const pauseIfHidden = () => {
    const s = actor.getSnapshot();
    if (live() && hidden() && s.matches({ polling: 'waiting' })) actor.send({ type: 'PAUSE_POLLING' });
  };
  const recheck = () => {
    if (!live() || hidden()) return;
    const now = Date.now();
    if (now - lastRecheck < minGap) return;
    lastRecheck = now;
    // RESUME_POLLING leaves `paused` with a check; otherwise POLL asks for one (both are
    // ignored by states that do not poll).
    if (actor.getSnapshot().matches({ polling: 'paused' })) actor.send({ type: 'RESUME_POLLING' });
    else actor.send({ type: 'POLL' });
  };

  const onVisibility = () => (hidden() ? pauseIfHidden() : recheck());
  const onFocus = () => recheck();
  const onPageShow = (e: PageTransitionEvent) => {
    if (e.persisted) recheck();
  };
  doc.addEventListener('visibilitychange', onVisibility);
  win.addEventListener('focus', onFocus);
  win.addEventListener('pageshow', onPageShow);
  // The chart may start polling (or come back to `waiting` after a check) while hidden.
  const sub = actor.subscribe({ next: () => pauseIfHidden() });
  pauseIfHidden();

  let stopEndWatch: () => void = () => {};
  const dispose = () => {
    if (disposed) return;
    disposed = true;
    doc.removeEventListener('visibilitychange', onVisibility);
    win.removeEventListener('focus', onFocus);
    win.removeEventListener('pageshow', onPageShow);
    sub.unsubscribe();
    stopEndWatch();
  };
  stopEndWatch = onActorEnd(actor, dispose);
  return dispose;
}
