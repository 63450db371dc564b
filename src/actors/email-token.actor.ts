/**
 * The email token actor of the `m.login.email.identity` stage and its input: asks the homeserver
 * (through the app's `requestEmailToken`) to send the validation email.
 */
import { fromPromise } from 'xstate';
import type { RequestEmailTokenFn, RequestTokenResponse } from '../types';
import { resolveFn, type FunctionSource } from './function-source';

/** Input of the email token actor. */
export interface EmailTokenActorInput {
  /** Address to send the validation email to. */
  email: string;
  /** Client secret of this 3PID validation. */
  clientSecret: string;
  /** `send_attempt` of this request, starting at 1. */
  attempt: number;
  /** UIA session id, if the server gave one. */
  session: string | undefined;
}

/** The email token actor. */
export function createEmailTokenActor(source: FunctionSource<RequestEmailTokenFn> | undefined) {
  return fromPromise<RequestTokenResponse, EmailTokenActorInput>(async ({ input, signal, system }) => {
    const fn = resolveFn(source, system);
    if (!fn) throw new Error('requestEmailToken was not provided');
    return fn({ ...input, signal });
  });
}
