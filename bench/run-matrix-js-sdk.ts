/**
 * Plays a benchmark scenario with matrix-js-sdk's `InteractiveAuth`, as an app does: answers
 * each `stateUpdated` with `submitAuthDict` (the user's input, a tick later), and polls an
 * email stage with `poll()` on a timer, which is the app's job with this class.
 *
 * The module is imported directly (`lib/interactive-auth.js`): the package root would load the
 * whole client and its crypto. Its logger is silenced: it writes to the console on every stage,
 * and console output is not what is being compared (this only makes matrix-js-sdk faster).
 */
import { InteractiveAuth, type AuthDict, type IAuthData } from 'matrix-js-sdk/lib/interactive-auth.js';
import { logger } from 'matrix-js-sdk/lib/logger.js';
import type { MatrixClient } from 'matrix-js-sdk/lib/client.js';
import { secureRandomString } from 'matrix-js-sdk/lib/randomstring.js';
import { FAST_POLLING } from './run-matrix-uia';
import { USER_ID, type Scenario } from './scenarios';
import type { UiaEndpoint } from './uia-endpoint';

// loglevel's logger (typed by matrix-js-sdk without its level controls).
(logger as unknown as { disableAll(): void }).disableAll();

/** The two client methods `InteractiveAuth` calls, the secret made as `MatrixClient` makes it. */
export const sdkClient = {
  generateClientSecret: () => secureRandomString(32),
  getIdentityServerUrl: () => undefined,
} as unknown as MatrixClient;

/** The dict the user's answer to `stage` becomes, or null when the stage needs no answer. */
function dictFor(s: Scenario, stage: string, attempt: number): AuthDict | null {
  switch (stage) {
    case 'm.login.password':
      return { type: stage, identifier: { type: 'm.id.user', user: USER_ID }, password: s.passwords?.[attempt - 1] ?? '' } as AuthDict;
    case 'm.login.registration_token':
      return { type: stage, token: s.registrationToken ?? '' };
    case 'm.login.terms':
      return { type: stage };
    default:
      return null;
  }
}

/** Runs one negotiation of `s` against `endpoint`; resolves when it is done. */
export function runWithMatrixJsSdk(s: Scenario, endpoint: UiaEndpoint, pollEveryMs: number = FAST_POLLING.intervalMs!): Promise<unknown> {
  const attempts = new Map<string, number>();
  let pollTimer: ReturnType<typeof setInterval> | null = null;
  const ia: InteractiveAuth<unknown> = new InteractiveAuth<unknown>({
    matrixClient: sdkClient,
    requestEmailToken: () => endpoint.requestEmailToken(),
    doRequest: (auth) => endpoint.request(auth as Record<string, unknown> | null),
    inputs: s.emailAddress ? { emailAddress: s.emailAddress } : {},
    ...(s.sessionId ? { sessionId: s.sessionId } : {}),
    ...(s.authData ? { authData: structuredClone(s.authData) as IAuthData } : {}),
    stateUpdated: (stage) => {
      if (stage === 'm.login.email.identity') {
        pollTimer ??= setInterval(() => void ia.poll(), pollEveryMs);
        return;
      }
      const attempt = (attempts.get(stage) ?? 0) + 1;
      attempts.set(stage, attempt);
      const dict = dictFor(s, stage, attempt);
      // The user answers after the UI has rendered, never inside the callback.
      if (dict) queueMicrotask(() => void ia.submitAuthDict(dict));
    },
  });
  return ia.attemptAuth().finally(() => {
    if (pollTimer) clearInterval(pollTimer);
  });
}
