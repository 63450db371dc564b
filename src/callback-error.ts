/**
 * `CallbackError`: an app callback threw (or handed back a value that cannot be read), so the
 * negotiation ended. In its own module: only the entry points that call app callbacks bundle it.
 */
import { UiaError } from './errors';

/** An app callback threw; `callback` names it and `cause` is what it threw, untouched. */
export class CallbackError extends UiaError {
  /** Always `'CallbackError'`, stable across bundles and minification. */
  override name = 'CallbackError';
  /** Builds the error for the callback named `callback`, keeping what it threw as `cause`. */
  constructor(
    /** The callback that threw, e.g. `'stateUpdated'`, `'busyChanged'`, `'doRequest'`. */
    public readonly callback: string,
    cause: unknown,
    detail = 'threw',
  ) {
    super('CALLBACK', `The app's ${callback} callback ${detail}; the negotiation was stopped`, { cause });
  }
}
