/**
 * The two actors of the `m.login.msisdn` stage and their inputs: the SMS token request, and the
 * submission of the code the user typed (to the app's function or the server's `submit_url`).
 */
import { fromPromise } from 'xstate';
import { InvalidOptionsError } from '../errors/errors';
import { Sealed } from '../secrets/secret';
import type { RequestMsisdnTokenFn, RequestTokenResponse, SubmitMsisdnTokenFn } from '../types';
import { interruptedByRestore, resolveFn, type FunctionSource } from './function-source';

/** Input of the SMS token actor. */
export interface MsisdnTokenActorInput {
  /** ISO country code of the number. */
  phoneCountry: string;
  /** Number to send the SMS to. */
  phoneNumber: string;
  /** Client secret of this 3PID validation. */
  clientSecret: string;
  /** `send_attempt` of this request, starting at 1. */
  attempt: number;
  /** UIA session id, if the server gave one. */
  session: string | undefined;
}
/** Input of the SMS code actor. */
export interface MsisdnCodeActorInput {
  /** Validation sid from the token request. */
  sid: string;
  /** Client secret of this 3PID validation. */
  clientSecret: string;
  /** The SMS code the user typed, sealed. */
  code: Sealed<string>;
  /** Server-given URL to POST the code to; `null` for the homeserver default. */
  submitUrl: string | null;
}

/** The SMS token actor. */
export function createMsisdnTokenActor(source: FunctionSource<RequestMsisdnTokenFn> | undefined) {
  return fromPromise<RequestTokenResponse, MsisdnTokenActorInput>(async ({ input, signal, system }) => {
    const fn = resolveFn(source, system);
    if (!fn) throw new Error('requestMsisdnToken was not provided');
    return fn({ ...input, signal });
  });
}

/**
 * The SMS code actor. Without an app function, a server-given `submit_url` is POSTed to with the
 * global `fetch` (the spec's shape: `{sid, client_secret, token}` answering `{success}`). With
 * neither, it fails with an `InvalidOptionsError`: no other code could fare better, so the stage
 * ends the negotiation with it.
 */
export function createMsisdnSubmitActor(source: FunctionSource<SubmitMsisdnTokenFn> | undefined) {
  return fromPromise<boolean, MsisdnCodeActorInput>(async ({ input, signal, system }) => {
    // Restored from a persisted snapshot, the sealed code is only a marker: the user types it again.
    if (!(input.code instanceof Sealed)) throw interruptedByRestore();
    const fn = resolveFn(source, system);
    const token = input.code.unseal();
    if (fn) {
      const req = { sid: input.sid, clientSecret: input.clientSecret, token, signal } as Parameters<SubmitMsisdnTokenFn>[0];
      if (input.submitUrl) req.submitUrl = input.submitUrl;
      return fn(req);
    }
    if (!input.submitUrl) throw new InvalidOptionsError('m.login.msisdn: no submitMsisdnToken function and the server gave no submit_url');
    const res = await fetch(input.submitUrl, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ sid: input.sid, client_secret: input.clientSecret, token }),
      signal,
    });
    if (!res.ok) return false;
    const body = (await res.json().catch(() => ({}))) as { success?: unknown };
    return body.success === true;
  });
}
