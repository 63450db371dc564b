/**
 * A ready `UIAuthCallback<T>` for matrix-js-sdk calls that take one, such as
 * `crypto.bootstrapCrossSigning({ authUploadDeviceSigningKeys })`: it runs the chart with the
 * app's password prompt (and any other stage handlers) and resolves with the call's result.
 */
import { oauthAwareRequest } from '../api/oauth-request';
import { runUia, type PasswordAnswer, type RunUiaOptions, type StageHandlers, type StagePrompt } from '../api/run-uia';
import { chartInputFromClient, requestFromMatrixCall } from './callbacks';
import type { MatrixClientLike } from './client';
import type { UIAuthCallback } from './types';

/** Options of {@link createUIAuthCallback}. */
export interface UIAuthCallbackOptions {
  /** The client: gives the user id (password identifier), homeserver URL and client secret. */
  client?: MatrixClientLike;
  /** Asks the user for their password (`prompt.error` says why when asked again). */
  password: (prompt: StagePrompt) => PasswordAnswer | Promise<PasswordAnswer>;
  /** Handlers for other stages (e.g. `external` to open the m.oauth approval page of a cross-signing reset). */
  handlers?: Omit<StageHandlers, 'password'>;
  /** Anything else `runUia` takes (polling, rate limits, signal, inspect…). */
  options?: Omit<RunUiaOptions<unknown>, 'request' | 'handlers'>;
}

/**
 * Builds a `UIAuthCallback<T>` driven by matrix-uia's chart.
 *
 * @example
 * await client.getCrypto()!.bootstrapCrossSigning({
 *   authUploadDeviceSigningKeys: createUIAuthCallback({ client, password: () => askPassword() }),
 * });
 */
export function createUIAuthCallback<T = void>(opts: UIAuthCallbackOptions): UIAuthCallback<T> {
  return (makeRequest) =>
    runUia<T>({
      ...(opts.client ? chartInputFromClient(opts.client) : {}),
      ...(opts.options as Omit<RunUiaOptions<T>, 'request' | 'handlers'> | undefined),
      // A cross-signing reset on a server that delegates auth meets m.oauth (MAS): stable flow
      // first, its msg shown, checks at least 500 ms apart; other challenges pass untouched.
      request: oauthAwareRequest(requestFromMatrixCall(makeRequest)),
      handlers: { ...opts.handlers, password: opts.password },
    });
}
