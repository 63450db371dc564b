/**
 * 3PID validation sessions: what `…/requestToken` creates and the email link (or the SMS code
 * posted to `submit_url`) validates. A UIA `m.login.email.identity` / `m.login.msisdn` stage and
 * `/account/3pid/add` then refer to one by `{sid, client_secret}`.
 *
 * As in Synapse, asking again with the same client secret and address reuses the sid; a higher
 * `send_attempt` sends the message again, the same one does not.
 */
import { newEmailToken, newSid, newSmsCode } from './ids';
import { normalizeAddress } from './accounts';

/** One validation session. */
export interface ThreepidValidation {
  sid: string;
  medium: 'email' | 'msisdn';
  /** Normalised address (lower-cased email, digits of a phone number). */
  address: string;
  clientSecret: string;
  token: string;
  sendAttempt: number;
  purpose: 'register' | 'password' | '3pid';
  createdAt: number;
  /** Set when the link was clicked or the code submitted. */
  validatedAt?: number;
}

/** Result of a token submission. */
export type SubmitResult = 'validated' | 'unknown-session' | 'wrong-token';

/** The validation sessions of one simulated homeserver. */
export class ThreepidValidations {
  private readonly bySid = new Map<string, ThreepidValidation>();

  constructor(private readonly now: () => number) {}

  /**
   * Finds or creates the session for this secret, medium and address. `send` says whether a
   * message must go out (a new session, or a higher `send_attempt`).
   */
  request(input: {
    medium: 'email' | 'msisdn';
    address: string;
    clientSecret: string;
    sendAttempt: number;
    purpose: ThreepidValidation['purpose'];
  }): { validation: ThreepidValidation; send: boolean } {
    const address = normalizeAddress(input.medium, input.address);
    for (const v of this.bySid.values()) {
      if (v.clientSecret === input.clientSecret && v.medium === input.medium && v.address === address && v.purpose === input.purpose) {
        const send = input.sendAttempt > v.sendAttempt;
        if (send) v.sendAttempt = input.sendAttempt;
        return { validation: v, send };
      }
    }
    const validation: ThreepidValidation = {
      sid: newSid(),
      medium: input.medium,
      address,
      clientSecret: input.clientSecret,
      token: input.medium === 'email' ? newEmailToken() : newSmsCode(),
      sendAttempt: input.sendAttempt,
      purpose: input.purpose,
      createdAt: this.now(),
    };
    this.bySid.set(validation.sid, validation);
    return { validation, send: true };
  }

  /** The session with this sid. */
  get(sid: string): ThreepidValidation | undefined {
    return this.bySid.get(sid);
  }

  /** The session only when `clientSecret` matches (what UIA and 3pid/add check). */
  find(sid: string, clientSecret: string): ThreepidValidation | undefined {
    const v = this.bySid.get(sid);
    return v && v.clientSecret === clientSecret ? v : undefined;
  }

  /** What the email link and `submit_url` do. */
  submit(sid: string, clientSecret: string, token: string): SubmitResult {
    const v = this.find(sid, clientSecret);
    if (!v) return 'unknown-session';
    if (v.token !== token) return 'wrong-token';
    v.validatedAt ??= this.now();
    return 'validated';
  }

  /** Marks a session validated without a token (test shortcut). */
  markValidated(sid: string): ThreepidValidation {
    const v = this.bySid.get(sid);
    if (!v) throw new Error(`No 3PID validation session with sid ${sid}`);
    v.validatedAt ??= this.now();
    return v;
  }
}
