/**
 * The state one simulated homeserver keeps, and the context a route handler gets: the state, the
 * parsed request, the base URL links are built from, and the time of the request.
 */
import type { Accounts } from './accounts';
import type { ResolvedConfig } from './config';
import type { ParsedRequest } from './http-types';
import type { Outbox } from './outbox';
import type { RateLimiter } from './rate-limits';
import type { RegistrationTokens } from './registration-tokens';
import type { ThreepidValidations } from './threepid-validations';
import type { UiaSessions } from './uia-sessions';

/** Everything the server knows. */
export interface ServerState {
  config: ResolvedConfig;
  accounts: Accounts;
  sessions: UiaSessions;
  threepids: ThreepidValidations;
  outbox: Outbox;
  registrationTokens: RegistrationTokens;
  rateLimiter: RateLimiter;
}

/** What a route handler works with. */
export interface RequestContext {
  state: ServerState;
  req: ParsedRequest;
  /** `http://host:port` without a trailing slash. */
  baseUrl: string;
}
