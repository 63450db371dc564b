/**
 * The outbox: every email and SMS the simulator "sends", so a test can read the link or code a
 * user would receive. Messages are kept in order; {@link Outbox.next} waits for one still to
 * come, which is how a test notices that the client asked for a (re)send.
 */

/** One sent message. */
export interface OutboxMessage {
  /** 1, 2, 3… in sending order. */
  id: number;
  /** Whether it was an email or an SMS. */
  medium: 'email' | 'msisdn';
  /** The email address, or the phone number in digits. */
  address: string;
  /** What the token is for. */
  purpose: 'register' | 'password' | '3pid';
  /** Validation sid the message belongs to. */
  sid: string;
  /** Client secret of that validation session. */
  client_secret: string;
  /** The validation token (emails) or the 6-digit code (SMS). */
  code: string;
  /** The validation link a user clicks (emails; SMS messages carry it too, for convenience). */
  link: string;
  /** Where a client POSTs `{sid, client_secret, token}` (the requestToken `submit_url`). */
  submitUrl: string;
  /** Email subject line by purpose; `SMS` for text messages. */
  subject: string;
  /** Full message text, including the link or code. */
  text: string;
  /** Milliseconds since the epoch (the server's clock). */
  sentAt: number;
}

/** Which messages to wait for: an address, a sid, or a predicate. */
export type OutboxFilter = string | ((message: OutboxMessage) => boolean);

interface Waiter {
  match: (m: OutboxMessage) => boolean;
  resolve: (m: OutboxMessage) => void;
}

function matcher(filter: OutboxFilter | undefined): (m: OutboxMessage) => boolean {
  if (filter === undefined) return () => true;
  if (typeof filter === 'function') return filter;
  const f = filter.toLowerCase();
  return (m) => m.address.toLowerCase() === f || m.sid === filter || m.address === f.replace(/[^0-9]/g, '');
}

/** The sent messages of one simulated homeserver. */
export class Outbox {
  private readonly sent: OutboxMessage[] = [];
  private waiters: Waiter[] = [];
  private counter = 0;

  /** Every message, oldest first. */
  get messages(): readonly OutboxMessage[] {
    return this.sent;
  }

  /** Records a message and wakes whoever waits for it. */
  push(message: Omit<OutboxMessage, 'id'>): OutboxMessage {
    const full = { ...message, id: ++this.counter };
    this.sent.push(full);
    const still: Waiter[] = [];
    for (const w of this.waiters) (w.match(full) ? w.resolve(full) : still.push(w));
    this.waiters = still;
    return full;
  }

  /** The last message to an address (or with a sid), if any. */
  latest(filter?: OutboxFilter): OutboxMessage | undefined {
    const match = matcher(filter);
    for (let i = this.sent.length - 1; i >= 0; i--) if (match(this.sent[i]!)) return this.sent[i];
    return undefined;
  }

  /** Messages matching a filter, oldest first. */
  filter(filter?: OutboxFilter): OutboxMessage[] {
    return this.sent.filter(matcher(filter));
  }

  /**
   * The next message sent after this call that matches. Rejects after `timeoutMs` (default 5 s)
   * so a test fails with a message instead of hanging.
   */
  next(filter?: OutboxFilter, options: { timeoutMs?: number } = {}): Promise<OutboxMessage> {
    const timeoutMs = options.timeoutMs ?? 5000;
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        match: matcher(filter),
        resolve: (m) => {
          clearTimeout(timer);
          resolve(m);
        },
      };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new Error(`No message${typeof filter === 'string' ? ` to ${filter}` : ''} within ${timeoutMs} ms`));
      }, timeoutMs);
      timer.unref?.();
      this.waiters.push(waiter);
    });
  }

  /** The latest matching message if there is one, else the next one. */
  waitFor(filter?: OutboxFilter, options: { timeoutMs?: number } = {}): Promise<OutboxMessage> {
    const have = this.latest(filter);
    return have ? Promise.resolve(have) : this.next(filter, options);
  }

  /** Forgets every message (waiters keep waiting). */
  clear(): void {
    this.sent.length = 0;
  }
}
