/**
 * Options of a negotiation: the chart's serialisable input plus the app's functions.
 */
import type { UiaMachineInput } from '../machines/uia.types';
import type {
  CheckRegistrationTokenFn,
  RequestEmailTokenFn,
  RequestMsisdnTokenFn,
  SubmitMsisdnTokenFn,
  UiaRequestFn,
} from './types';

/** The app's side of a negotiation. */
export interface UiaFunctions<T> {
  /** Makes the request being authorised with `auth` in its body. See {@link UiaRequestFn}. */
  request: UiaRequestFn<T>;
  /** Requests the validation email (needed for `m.login.email.identity`). */
  requestEmailToken?: RequestEmailTokenFn;
  /** Requests the SMS (needed for `m.login.msisdn`). */
  requestMsisdnToken?: RequestMsisdnTokenFn;
  /** Submits the SMS code; default: POST to the server's `submit_url`. */
  submitMsisdnToken?: SubmitMsisdnTokenFn;
  /** Checks a registration token before submitting it; default: no check. */
  checkRegistrationToken?: CheckRegistrationTokenFn;
}

/** Everything `createUiaMachine`, `createUiaActor` and `runUia` take. */
export interface UiaOptions<T> extends UiaMachineInput, UiaFunctions<T> {}
