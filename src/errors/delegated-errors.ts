/**
 * The typed errors of servers that delegate auth (OAuth 2.0 API). In their own module, not in
 * errors.ts: that module's classes are all kept by a bundler (their static brands), and an app
 * that never meets such a server (a password dialog) must not carry these.
 */
import { UiaError } from './errors';

/**
 * The server delegates authentication to an OAuth 2.0 server (the Client-Server API's "OAuth 2.0
 * API", e.g. Synapse with matrix-authentication-service): this operation is done on the account
 * management page, not through the API. Send the user to `url`; nothing was asked or sent.
 */
export class AccountManagementRequiredError extends UiaError {
  /** This class's brand: its errors' `name` is always `'AccountManagementRequiredError'`, stable across bundles and minification. */
  static override readonly errorName: string = 'AccountManagementRequiredError';
  /** The account management URL to open, with `action` (and `device_id`) when an action applies. */
  declare readonly url: string;
  /** The `action` parameter in `url` (e.g. `org.matrix.device_delete`), or `null` when it has none. */
  declare readonly action: string | null;
  /** Builds the error for the page at `url`; `cause` keeps the server's refusal, if there was one. */
  constructor(url: string, action: string | null, options?: { cause?: unknown }) {
    super('ACCOUNT_MANAGEMENT_REQUIRED', `This server manages accounts on its own page: continue at ${url}`, options);
    this.url = url;
    this.action = action;
  }
}

/**
 * Registration on a server that delegates authentication goes through its OAuth 2.0 server
 * (`issuer`), not `POST /register`: register there (OAuth 2.0 authorization with
 * `prompt=create`). Nothing was sent to `/register`.
 */
export class OAuthRegistrationRequiredError extends UiaError {
  /** This class's brand: its errors' `name` is always `'OAuthRegistrationRequiredError'`, stable across bundles and minification. */
  static override readonly errorName: string = 'OAuthRegistrationRequiredError';
  /** The OAuth 2.0 server's issuer identifier (from the homeserver's auth metadata). */
  declare readonly issuer: string;
  /** Builds the error naming the OAuth 2.0 issuer; `cause` keeps the server's refusal, if any. */
  constructor(issuer: string, options?: { cause?: unknown }) {
    super('OAUTH_REGISTRATION_REQUIRED', `Registration on this server goes through its OAuth 2.0 server ${issuer}`, options);
    this.issuer = issuer;
  }
}
