/**
 * matrix-uia/browser: the pieces a web page needs around the chart.
 *
 * - {@link openAuthWindow}: the fallback / SSO / m.oauth window, opened from the user's click,
 *   with blocked-popup detection and a strict `authDone` message check.
 * - {@link watchPageVisibility}: polling paused while the page is hidden, re-checked on return.
 * - {@link persistUiaSession} / {@link loadUiaSnapshot}: the negotiation kept across reloads in
 *   `sessionStorage`.
 * - {@link sessionPersistence}: the same as one value, for `useInteractiveAuth({ persist })`.
 * - {@link connectUiaToPage} / {@link startUiaInPage}: all of the above in one call.
 */
export { openAuthWindow } from './auth-window';
export type { AuthWindowEvent, AuthWindowEndReason, AuthWindowHandle, OpenAuthWindowOptions } from './auth-window';
export { isAuthDoneMessage, AUTH_DONE_MESSAGE } from './auth-message';
export type { AuthDoneSender } from './auth-message';
export { watchPageVisibility } from './page-visibility';
export type { WatchPageVisibilityOptions } from './page-visibility';
export { loadUiaSnapshot, clearUiaSnapshot, persistUiaSession, isResumable } from './session-persistence';
export type { UiaPersistenceOptions, PersistableUiaActor } from './session-persistence';
export { sessionPersistence } from './session-store';
export type { UiaSessionPersistence } from './session-store';
export { connectUiaToPage, startUiaInPage } from './connect-page';
export type { ConnectUiaToPageOptions, StartUiaInPageOptions, UiaInPage } from './connect-page';
export { onActorEnd } from './uia-actor-like';
export type { UiaActorLike } from './uia-actor-like';
