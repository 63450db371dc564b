/**
 * Registration tokens (`m.login.registration_token`), counted the way Synapse counts them: a
 * token used by a completed UIA stage is *pending* until that registration finishes, then
 * *completed*; a token is valid while `pending + completed < uses_allowed` (recordings #44–#45:
 * a second session is refused a one-use token already pending for another).
 */

/** A token and its counters, in the shape of Synapse's admin API. */
export interface RegistrationTokenInfo {
  /** The token string users submit. */
  token: string;
  /** How many registrations may use it; `null` for unlimited. */
  uses_allowed: number | null;
  /** Uses reserved by UIA sessions that have not registered yet. */
  pending: number;
  /** Registrations that used it. */
  completed: number;
  /** Expiry in ms since the epoch; `null` for never. */
  expiry_time: number | null;
}

/** The registration tokens of one simulated homeserver. */
export class RegistrationTokens {
  private readonly tokens = new Map<string, RegistrationTokenInfo>();

  /** Creates an empty store; `now` is the clock (ms) expiry is checked against. */
  constructor(private readonly now: () => number) {}

  /** Adds (or replaces) a token. */
  add(token: string, usesAllowed: number | null = null, expiryTime: number | null = null): RegistrationTokenInfo {
    const info = { token, uses_allowed: usesAllowed, pending: 0, completed: 0, expiry_time: expiryTime };
    this.tokens.set(token, info);
    return info;
  }

  /** A token's counters (a live object). */
  get(token: string): RegistrationTokenInfo | undefined {
    return this.tokens.get(token);
  }

  /** Every token. */
  list(): RegistrationTokenInfo[] {
    return [...this.tokens.values()];
  }

  /** Removes a token. */
  remove(token: string): boolean {
    return this.tokens.delete(token);
  }

  /** Known, not expired, uses left. */
  isValid(token: string): boolean {
    const t = this.tokens.get(token);
    if (!t) return false;
    if (t.expiry_time !== null && t.expiry_time <= this.now()) return false;
    return t.uses_allowed === null || t.pending + t.completed < t.uses_allowed;
  }

  /** A UIA stage accepted the token. */
  reserve(token: string): void {
    const t = this.tokens.get(token);
    if (t) t.pending++;
  }

  /** The session expired before registering. */
  release(token: string): void {
    const t = this.tokens.get(token);
    if (t && t.pending > 0) t.pending--;
  }

  /** The registration the token was used for succeeded. */
  complete(token: string): void {
    const t = this.tokens.get(token);
    if (!t) return;
    if (t.pending > 0) t.pending--;
    t.completed++;
  }
}
