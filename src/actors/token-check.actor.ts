/**
 * The validity check actor of the `m.login.registration_token` stage, with its input and output.
 */
import { fromPromise } from 'xstate';
import { Sealed } from '../secrets/secret';
import type { CheckRegistrationTokenFn } from '../types';
import { interruptedByRestore, resolveFn, type FunctionSource } from './function-source';

/** Input and output of the validity check actor. */
export interface TokenCheck {
  /** The token to check for validity, sealed. */
  token: Sealed<string>;
}
/** `valid: null` means the check could not be made (no checker, or it failed): the server decides. */
export interface TokenCheckResult {
  /** The token that was checked, sealed. */
  token: Sealed<string>;
  /** Whether the server deems it valid; `null` when the check could not be made. */
  valid: boolean | null;
}

/**
 * The registration token validity actor; a failed check answers "unknown" and lets the server
 * decide, as does the absence of a checker.
 */
export function createTokenCheckActor(source: FunctionSource<CheckRegistrationTokenFn> | undefined) {
  return fromPromise<TokenCheckResult, TokenCheck>(async ({ input, signal, system }) => {
    // Restored from a persisted snapshot, the sealed token is only a marker: reported as
    // interrupted (the stage asks again) rather than submitted as "[sealed]".
    if (!(input.token instanceof Sealed)) throw interruptedByRestore();
    const fn = resolveFn(source, system);
    if (!fn) return { token: input.token, valid: null };
    try {
      return { token: input.token, valid: await fn(input.token.unseal(), { signal }) };
    } catch {
      if (signal.aborted) throw new Error('aborted');
      return { token: input.token, valid: null };
    }
  });
}
