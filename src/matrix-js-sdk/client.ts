/**
 * The part of matrix-js-sdk's `MatrixClient` the adapter uses, typed by shape so matrix-uia never
 * imports matrix-js-sdk at run time: any object with these methods (a real client, a test
 * double, a wrapper) works.
 */

/** What matrix-js-sdk's `requestToken` calls resolve with. */
export interface RequestTokenResult {
  /** Validation sid of the session the email opened. */
  sid: string;
  /** Where to POST an SMS code, when the server gives one. */
  submit_url?: string;
}

/** A matrix-js-sdk `MatrixClient`, as far as the adapter needs it. */
export interface MatrixClientLike {
  /** The homeserver base URL, for fallback pages. */
  getHomeserverUrl(): string;
  /** The logged-in user's id, for the default password identifier. */
  getUserId(): string | null;
  /** A client secret for 3PID validation sessions. */
  generateClientSecret(): string;
  /** The homeserver's fallback page URL for a stage. */
  getFallbackAuthUrl?(loginType: string, authSessionId: string): string;
  /** Sends a validation email for registration. */
  requestRegisterEmailToken?(email: string, clientSecret: string, sendAttempt: number, nextLink?: string): Promise<RequestTokenResult>;
  /** Sends a validation email for adding an address to the account. */
  requestAdd3pidEmailToken?(email: string, clientSecret: string, sendAttempt: number, nextLink?: string): Promise<RequestTokenResult>;
  /** Sends a validation email for a password reset. */
  requestPasswordEmailToken?(email: string, clientSecret: string, sendAttempt: number, nextLink?: string): Promise<RequestTokenResult>;
}

/** Which matrix-js-sdk `requestToken` endpoint an email is for. */
export type EmailTokenPurpose = 'register' | 'add3pid' | 'password';
