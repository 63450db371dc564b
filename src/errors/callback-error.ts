/**
 * `CallbackError`: an app callback threw (or handed back a value that cannot be read), so the
 * negotiation ended. In its own module: only the entry points that call app callbacks bundle it.
 */
import { UiaError } from './errors';

/** An app callback threw; `callback` names it and `cause` is what it threw, untouched. */
export class CallbackError extends UiaError {
  /** Always `'CallbackError'`: its errors' `name`, stable across bundles and minification. */
  static override readonly errorName: string = 'CallbackError';
  /** The callback that threw, e.g. `'stateUpdated'`, `'busyChanged'`, `'doRequest'`. */
  declare readonly callback: string;
  /** Builds the error for the callback named `callback`, keeping what it threw as `cause`. */
  constructor(callback: string, cause: unknown, detail = 'threw') {
    super('CALLBACK', `The app's ${callback} callback ${detail}; the negotiation was stopped`, { cause });
    this.callback = callback;
  }
}
