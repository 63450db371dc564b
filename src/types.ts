/**
 * Wire types of User-Interactive Authentication and the options the library takes.
 *
 * Names follow the Matrix Client-Server spec ("User-Interactive Authentication API") and
 * matrix-js-sdk's `interactive-auth.ts`, so code ported from either reads the same.
 */
import type { AuthType } from './auth-type';

/** One way through the negotiation: the stages to complete, in order. */
export interface UIAFlow {
  stages: string[];
}

/** The body of a 401 answer that asks for (more) authentication. */
export interface IAuthData {
  session?: string;
  flows?: UIAFlow[];
  completed?: string[];
  params?: Record<string, Record<string, unknown>>;
  errcode?: string;
  error?: string;
}

/** A validated 401 body: every field present and of the right type. */
export interface AuthChallenge {
  session?: string;
  flows: UIAFlow[];
  completed: string[];
  params: Record<string, Record<string, unknown>>;
  errcode?: string;
  error?: string;
}

/** Credentials proving control of a third-party identifier (email or phone). */
export interface ThreepidCreds {
  sid: string;
  client_secret: string;
  /** Only for identity-server validated sessions (deprecated in the spec). */
  id_server?: string;
  id_access_token?: string;
}

/** How the user is identified in an `m.login.password` dict. */
export type UserIdentifier =
  | { type: 'm.id.user'; user: string }
  | { type: 'm.id.thirdparty'; medium: string; address: string }
  | { type: 'm.id.phone'; country: string; phone: string };

/** `auth` dict for `m.login.password`. */
export interface PasswordAuthDict {
  type: typeof AuthType.Password;
  identifier: UserIdentifier;
  password: string;
  session?: string;
}
/** `auth` dict for `m.login.recaptcha`. */
export interface RecaptchaAuthDict {
  type: typeof AuthType.Recaptcha;
  response: string;
  session?: string;
}
/** `auth` dict for `m.login.terms`. */
export interface TermsAuthDict {
  type: typeof AuthType.Terms;
  session?: string;
}
/** `auth` dict for `m.login.dummy`. */
export interface DummyAuthDict {
  type: typeof AuthType.Dummy;
  session?: string;
}
/** `auth` dict for `m.login.email.identity`. */
export interface EmailAuthDict {
  type: typeof AuthType.Email;
  threepid_creds: ThreepidCreds;
  /** Legacy spelling still read by some servers. */
  threepidCreds?: ThreepidCreds;
  session?: string;
}
/** `auth` dict for `m.login.msisdn`. */
export interface MsisdnAuthDict {
  type: typeof AuthType.Msisdn;
  threepid_creds: ThreepidCreds;
  session?: string;
}
/** `auth` dict for `m.login.registration_token` (or its unstable name). */
export interface RegistrationTokenAuthDict {
  type: typeof AuthType.RegistrationToken | typeof AuthType.UnstableRegistrationToken;
  token: string;
  session?: string;
}
/** `auth` dict sent after a fallback page, SSO or m.oauth approval: just the session. */
export interface SessionOnlyAuthDict {
  type?: undefined;
  session: string;
}
/** Any other stage's dict, for custom stages driven by hand. */
export interface GenericAuthDict {
  type?: string;
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
  sid: string;
  submit_url?: string;
  msisdn?: string;
  intl_fmt?: string;
}

/** Arguments of an email token request. */
export interface EmailTokenRequest {
  email: string;
  clientSecret: string;
  attempt: number;
  session: string | undefined;
  signal: AbortSignal;
}
/** Arguments of an SMS token request. */
export interface MsisdnTokenRequest {
  phoneCountry: string;
  phoneNumber: string;
  clientSecret: string;
  attempt: number;
  session: string | undefined;
  signal: AbortSignal;
}
/** Arguments of an SMS code submission. */
export interface MsisdnSubmitRequest {
  sid: string;
  clientSecret: string;
  token: string;
  /** Given by the server's requestToken answer: POST the code there when present. */
  submitUrl?: string;
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
