/**
 * Wire types of User-Interactive Authentication and the options the library takes.
 *
 * Names follow the Matrix Client-Server spec ("User-Interactive Authentication API") and
 * matrix-js-sdk's `interactive-auth.ts`, so code ported from either reads the same.
 */
import type { AuthType } from './auth-type';

/** One way through the negotiation: the stages to complete, in order. */
export interface UIAFlow {
  /** Stage types (e.g. `m.login.password`) to complete, in the order the server expects them. */
  stages: string[];
}

/** The body of a 401 answer that asks for (more) authentication. */
export interface IAuthData {
  /** Session id the server assigned; echo it in every later `auth` dict. */
  session?: string;
  /** The flows the server accepts; completing any one of them authorises the request. */
  flows?: UIAFlow[];
  /** Stage types already completed in this session. */
  completed?: string[];
  /** Per-stage parameters keyed by stage type (e.g. terms policies, recaptcha public key). */
  params?: Record<string, Record<string, unknown>>;
  /** Matrix error code of the last attempt (e.g. `M_FORBIDDEN`), absent on a first challenge. */
  errcode?: string;
  /** Human-readable message accompanying `errcode`. */
  error?: string;
}

/** A validated 401 body: every field present and of the right type. */
export interface AuthChallenge {
  /** Session id the server assigned; absent if the server has not opened one. */
  session?: string;
  /** The flows the server accepts; `[]` when the 401 listed none. */
  flows: UIAFlow[];
  /** Stage types already completed in this session; `[]` when none. */
  completed: string[];
  /** Per-stage parameters keyed by stage type; `{}` when the server sent none. */
  params: Record<string, Record<string, unknown>>;
  /** Matrix error code of the last attempt (e.g. `M_FORBIDDEN`). */
  errcode?: string;
  /** Human-readable message accompanying `errcode`. */
  error?: string;
}

/** Credentials proving control of a third-party identifier (email or phone). */
export interface ThreepidCreds {
  /** Validation session id returned by the `requestToken` call. */
  sid: string;
  /** Client-generated secret that was sent with the `requestToken` call. */
  client_secret: string;
  /** Only for identity-server validated sessions (deprecated in the spec). */
  id_server?: string;
  /** Access token for the identity server named by `id_server` (deprecated flow only). */
  id_access_token?: string;
}

/** How the user is identified in an `m.login.password` dict. */
export type UserIdentifier =
  | {
      /** Identify by Matrix user id or localpart. */
      type: 'm.id.user';
      /** The user id (`@alice:example.org`) or bare localpart. */
      user: string;
    }
  | {
      /** Identify by a bound third-party id. */
      type: 'm.id.thirdparty';
      /** Medium of the third-party id, e.g. `email`. */
      medium: string;
      /** The third-party address, canonicalised (lower-case email). */
      address: string;
    }
  | {
      /** Identify by a phone number not yet in international form. */
      type: 'm.id.phone';
      /** ISO 3166-1 alpha-2 country code the number is dialled from. */
      country: string;
      /** The phone number as the user typed it. */
      phone: string;
    };

/** `auth` dict for `m.login.password`. */
export interface PasswordAuthDict {
  /** Always `m.login.password`. */
  type: typeof AuthType.Password;
  /** Which account the password belongs to. */
  identifier: UserIdentifier;
  /** The account password, in clear (sent over TLS only). */
  password: string;
  /** UIA session id; added by the chart when the server gave one. */
  session?: string;
}
/** `auth` dict for `m.login.recaptcha`. */
export interface RecaptchaAuthDict {
  /** Always `m.login.recaptcha`. */
  type: typeof AuthType.Recaptcha;
  /** The token the reCAPTCHA widget produced for the user's answer. */
  response: string;
  /** UIA session id; added by the chart when the server gave one. */
  session?: string;
}
/** `auth` dict for `m.login.terms`. */
export interface TermsAuthDict {
  /** Always `m.login.terms`; sending it means every policy was accepted. */
  type: typeof AuthType.Terms;
  /** UIA session id; added by the chart when the server gave one. */
  session?: string;
}
/** `auth` dict for `m.login.dummy`. */
export interface DummyAuthDict {
  /** Always `m.login.dummy`. */
  type: typeof AuthType.Dummy;
  /** UIA session id; added by the chart when the server gave one. */
  session?: string;
}
/** `auth` dict for `m.login.email.identity`. */
export interface EmailAuthDict {
  /** Always `m.login.email.identity`. */
  type: typeof AuthType.Email;
  /** The validation session the user completed by following the email link. */
  threepid_creds: ThreepidCreds;
  /** Legacy spelling still read by some servers. */
  threepidCreds?: ThreepidCreds;
  /** UIA session id; added by the chart when the server gave one. */
  session?: string;
}
/** `auth` dict for `m.login.msisdn`. */
export interface MsisdnAuthDict {
  /** Always `m.login.msisdn`. */
  type: typeof AuthType.Msisdn;
  /** The validation session the user completed by submitting the SMS code. */
  threepid_creds: ThreepidCreds;
  /** UIA session id; added by the chart when the server gave one. */
  session?: string;
}
/** `auth` dict for `m.login.registration_token` (or its unstable name). */
export interface RegistrationTokenAuthDict {
  /** `m.login.registration_token`, or the unstable `org.matrix.msc3231` name the server advertised. */
  type: typeof AuthType.RegistrationToken | typeof AuthType.UnstableRegistrationToken;
  /** The registration token the user (or the app) supplied. */
  token: string;
  /** UIA session id; added by the chart when the server gave one. */
  session?: string;
}
/** `auth` dict sent after a fallback page, SSO or m.oauth approval: just the session. */
export interface SessionOnlyAuthDict {
  /** Absent: the server checks the session's completed stages only. */
  type?: undefined;
  /** UIA session id whose stage was completed out of band. */
  session: string;
}
/** Any other stage's dict, for custom stages driven by hand. */
export interface GenericAuthDict {
  /** The custom stage's type; absent for a bare session resubmission. */
  type?: string;
  /** UIA session id; added by the chart when the server gave one. */
  session?: string;
  [key: string]: unknown;
}

/** The `auth` object sent with a request; `null` on the first request. */
export type AuthDict =
  | PasswordAuthDict
  | RecaptchaAuthDict
  | TermsAuthDict
  | DummyAuthDict
  | EmailAuthDict
  | MsisdnAuthDict
  | RegistrationTokenAuthDict
  | SessionOnlyAuthDict
  | GenericAuthDict;

/** Extra options for a request made by the statechart. */
export interface RequestOptions {
  /** Aborted when the chart no longer wants the answer (cancel, a newer request, done). */
  signal: AbortSignal;
  /** True for background polls: the UI should not show a spinner for them. */
  background: boolean;
}

/**
 * Makes the request being authorised, with `auth` added to its body.
 *
 * Resolve with the endpoint's result. Reject with an error carrying `httpStatus` and the parsed
 * JSON body as `data` for any non-2xx answer (matrix-js-sdk's `MatrixError` has this shape, as has
 * this package's `MatrixHttpError`); `retryAfterMs` may carry a Retry-After header. Any other
 * rejection is treated as a network fault.
 */
export type UiaRequestFn<T> = (auth: AuthDict | null, options: RequestOptions) => Promise<T>;

/** What the homeserver answers to a `requestToken` call. */
export interface RequestTokenResponse {
  /** Validation session id; goes into `threepid_creds.sid`. */
  sid: string;
  /** Where to POST the SMS code instead of the homeserver's default endpoint, when given. */
  submit_url?: string;
  /** The phone number the SMS was sent to, in international form. */
  msisdn?: string;
  /** That number formatted for display in international style. */
  intl_fmt?: string;
}

/** Arguments of an email token request. */
export interface EmailTokenRequest {
  /** Address to send the validation email to. */
  email: string;
  /** Client secret identifying this validation; reuse it for every attempt. */
  clientSecret: string;
  /** `send_attempt`, starting at 1; the server sends a new email only when it increases. */
  attempt: number;
  /** The UIA session, for servers that bind the validation to it; `undefined` before one exists. */
  session: string | undefined;
  /** Aborted when the stage no longer wants the answer. */
  signal: AbortSignal;
}
/** Arguments of an SMS token request. */
export interface MsisdnTokenRequest {
  /** ISO 3166-1 alpha-2 country code the number is dialled from. */
  phoneCountry: string;
  /** Phone number to send the SMS to, as the user typed it. */
  phoneNumber: string;
  /** Client secret identifying this validation; reuse it for every attempt. */
  clientSecret: string;
  /** `send_attempt`, starting at 1; the server sends a new SMS only when it increases. */
  attempt: number;
  /** The UIA session, for servers that bind the validation to it; `undefined` before one exists. */
  session: string | undefined;
  /** Aborted when the stage no longer wants the answer. */
  signal: AbortSignal;
}
/** Arguments of an SMS code submission. */
export interface MsisdnSubmitRequest {
  /** Validation session id from the SMS token request. */
  sid: string;
  /** Client secret sent with that token request. */
  clientSecret: string;
  /** The code the user received by SMS. */
  token: string;
  /** Given by the server's requestToken answer: POST the code there when present. */
  submitUrl?: string;
  /** Aborted when the stage no longer wants the answer. */
  signal: AbortSignal;
}

/** Requests the validation email for `m.login.email.identity`. */
export type RequestEmailTokenFn = (req: EmailTokenRequest) => Promise<RequestTokenResponse>;
/** Requests the SMS for `m.login.msisdn`. */
export type RequestMsisdnTokenFn = (req: MsisdnTokenRequest) => Promise<RequestTokenResponse>;
/** Submits the SMS code; resolves `true` when the server accepted it. */
export type SubmitMsisdnTokenFn = (req: MsisdnSubmitRequest) => Promise<boolean>;
/** Asks the server whether a registration token is valid before spending a UIA round trip. */
export type CheckRegistrationTokenFn = (token: string, options: { signal: AbortSignal }) => Promise<boolean>;

/** Values the flow choice and the stages need from the app. */
export interface UiaInputs {
  /** An email address to validate: flows with `m.login.email.identity` become acceptable. */
  emailAddress?: string;
  /** ISO country code of {@link UiaInputs.phoneNumber}. */
  phoneCountry?: string;
  /** A phone number to validate: flows with `m.login.msisdn` become acceptable. */
  phoneNumber?: string;
  /** A registration token known in advance (submitted without asking when its stage comes). */
  registrationToken?: string;
}

/** Timing of background polls for out-of-band stages. */
export interface PollingOptions {
  /** First delay between polls, in ms. Default 2000. */
  intervalMs?: number;
  /** Each unchanged answer multiplies the delay by this. Default 1.5. */
  backoffFactor?: number;
  /** Longest delay between polls, in ms. Default 15000. */
  maxIntervalMs?: number;
  /** Stop polling (the stage stays open for a manual check) after this long, in ms. Default 30 minutes. */
  giveUpAfterMs?: number;
}

/** How HTTP 429 answers are waited out. */
export interface RateLimitOptions {
  /** Longest single wait, in ms; longer `retry_after_ms` values are cut to this. Default 30000. */
  maxWaitMs?: number;
  /** Wait used when the server gives no `retry_after_ms`, in ms. Default 2000. */
  defaultWaitMs?: number;
  /** Retries of one request before failing with `RateLimitedError`. Default 5. */
  maxRetries?: number;
}
