/**
 * Plays a benchmark scenario with an `InteractiveAuth` class, as an app does: answers each
 * `stateUpdated` with `submitAuthDict` (the user's input, a tick later), and polls an email
 * stage with `poll()` on a timer, which is the app's job with this class. Three classes take
 * this path: matrix-js-sdk 37.5.0 (the current one), matrix-js-sdk 43.0.0 (untranspiled ES2022;
 * it needs `Promise.withResolvers`, polyfilled by bench/polyfills.ts on Node 20) and matrix-uia's
 * drop-in (`src/api/interactive-auth.ts`).
 *
 * matrix-js-sdk's module is imported directly (`lib/interactive-auth.js`): the package root would
 * load the whole client and its crypto. Its logger is silenced: it writes to the console on every
 * stage, and console output is not what is being compared (this only makes matrix-js-sdk faster).
 */
import './polyfills';
import { InteractiveAuth } from 'matrix-js-sdk/lib/interactive-auth.js';
import { logger } from 'matrix-js-sdk/lib/logger.js';
import type { MatrixClient } from 'matrix-js-sdk/lib/client.js';
import { secureRandomString } from 'matrix-js-sdk/lib/randomstring.js';
import { InteractiveAuth as InteractiveAuth43 } from 'matrix-js-sdk-43/lib/interactive-auth.js';
import { logger as logger43 } from 'matrix-js-sdk-43/lib/logger.js';
import { MatrixError as MatrixError43 } from 'matrix-js-sdk-43/lib/http-api/errors.js';
import { secureRandomString as secureRandomString43 } from 'matrix-js-sdk-43/lib/randomstring.js';
import { InteractiveAuth as DropIn } from '../src/api/interactive-auth';
import { FAST_POLLING } from './run-matrix-uia';
import type { Runner } from './runner';
import { PASSWORD, USER_ID, type Scenario } from './scenarios';
import type { HttpErrorClass, UiaEndpoint } from './uia-endpoint';

// loglevel's loggers (typed by matrix-js-sdk without their level controls).
(logger as unknown as { disableAll(): void }).disableAll();
(logger43 as unknown as { disableAll(): void }).disableAll();

/** The two client methods `InteractiveAuth` calls, the secret made as `MatrixClient` makes it. */
export const sdkClient = {
  generateClientSecret: () => secureRandomString(32),
  getIdentityServerUrl: () => undefined,
} as unknown as MatrixClient;

/** The same for matrix-js-sdk 43, with its own random string. */
export const sdk43Client = {
  generateClientSecret: () => secureRandomString43(32),
  getIdentityServerUrl: () => undefined,
} as unknown as MatrixClient;

/** matrix-js-sdk 43's `MatrixError`: version 43 recognises its own class only. */
export const SDK43_ERROR = MatrixError43 as unknown as HttpErrorClass;

/** What the three classes have in common, as the bench drives them. */
interface InteractiveAuthLike {
  attemptAuth(): Promise<unknown>;
  submitAuthDict(dict: Record<string, unknown>): Promise<void>;
  poll(): Promise<void>;
}
/** Their constructor, with the options the bench gives. */
type InteractiveAuthClass = new (opts: {
  matrixClient: unknown;
  requestEmailToken: () => Promise<{ sid: string }>;
  doRequest: (auth: unknown) => Promise<unknown>;
  inputs?: Record<string, unknown>;
  sessionId?: string;
  authData?: unknown;
  stateUpdated: (stage: string, status: unknown) => void;
}) => InteractiveAuthLike;

/** The dict the user's answer to `stage` becomes, or null when the stage needs no answer. */
function dictFor(s: Scenario, stage: string, attempt: number): Record<string, unknown> | null {
  switch (stage) {
    case 'm.login.password':
      return { type: stage, identifier: { type: 'm.id.user', user: USER_ID }, password: s.passwords?.[attempt - 1] ?? '' };
    case 'm.login.registration_token':
      return { type: stage, token: s.registrationToken ?? '' };
    case 'm.login.terms':
      return { type: stage };
    default:
      return null;
  }
}

/** A runner playing scenarios with `Class`, whose `generateClientSecret` comes from `client`. */
function interactiveAuthRunner(Class: InteractiveAuthClass, client: unknown): (s: Scenario, endpoint: UiaEndpoint, pollEveryMs?: number) => Promise<unknown> {
  return (s, endpoint, pollEveryMs = FAST_POLLING.intervalMs!) => {
    const attempts = new Map<string, number>();
    let pollTimer: ReturnType<typeof setInterval> | null = null;
    const ia: InteractiveAuthLike = new Class({
      matrixClient: client,
      requestEmailToken: () => endpoint.requestEmailToken(),
      doRequest: (auth) => endpoint.request(auth as Record<string, unknown> | null),
      inputs: s.emailAddress ? { emailAddress: s.emailAddress } : {},
      ...(s.sessionId ? { sessionId: s.sessionId } : {}),
      ...(s.authData ? { authData: structuredClone(s.authData) } : {}),
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
  };
}

/** Runs one negotiation of `s` with matrix-js-sdk 37.5.0; resolves when it is done. */
export const runWithMatrixJsSdk = interactiveAuthRunner(InteractiveAuth as unknown as InteractiveAuthClass, sdkClient);
/** The same with matrix-js-sdk 43.0.0 (give it an endpoint rejecting with {@link SDK43_ERROR}). */
export const runWithMatrixJsSdk43: Runner = interactiveAuthRunner(InteractiveAuth43 as unknown as InteractiveAuthClass, sdk43Client);
/** The same with matrix-uia's drop-in `InteractiveAuth` (matrix-uia's client secret). */
export const runWithDropIn: Runner = interactiveAuthRunner(DropIn as unknown as InteractiveAuthClass, undefined);

/** A started session waiting at the password; `finish` answers it and resolves when it is done. */
export interface Waiting {
  finish(): Promise<unknown>;
}

/** An `InteractiveAuth` of `Class` whose `stateUpdated` fired for the password stage. */
export function interactiveAuthSession(Class: InteractiveAuthClass, client: unknown, endpoint: UiaEndpoint): Promise<Waiting> {
  return new Promise((ready) => {
    const ia: InteractiveAuthLike = new Class({
      matrixClient: client,
      requestEmailToken: () => endpoint.requestEmailToken(),
      doRequest: (auth) => endpoint.request(auth as Record<string, unknown> | null),
      stateUpdated: () =>
        ready({
          finish: () => {
            void ia.submitAuthDict({ type: 'm.login.password', identifier: { type: 'm.id.user', user: USER_ID }, password: PASSWORD });
            return result;
          },
        }),
    });
    const result = ia.attemptAuth();
  });
}

/** The classes, for the memory bench. */
export const CLASSES = {
  sdk: [InteractiveAuth as unknown as InteractiveAuthClass, sdkClient],
  sdk43: [InteractiveAuth43 as unknown as InteractiveAuthClass, sdk43Client],
  dropIn: [DropIn as unknown as InteractiveAuthClass, undefined],
} as const;
