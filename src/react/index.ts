/**
 * matrix-uia/react: the React binding. `react` and `@xstate/react` are peer dependencies of this
 * entry only; the core entry never imports them.
 */
export { useInteractiveAuth } from './use-interactive-auth';
export type {
  UseInteractiveAuthOptions,
  InteractiveAuth,
  InteractiveAuthStatus,
  AuthWindowState,
  PolicyView,
} from './use-interactive-auth';
// The persistence value `persist` takes, here too so a React app needs one import.
export { sessionPersistence } from '../browser/session-store';
export type { UiaSessionPersistence } from '../browser/session-store';
