/**
 * The mailbox: the emails and SMS the simulated homeserver has "sent", read from its outbox every
 * second, with their validation links and codes, newest first.
 */
import { useEffect, useState } from 'react';

/** One message as the simulator's `GET /_simulator/outbox` lists it (fields the panel shows). */
export interface MailboxMessage {
  id: number;
  medium: 'email' | 'msisdn';
  address: string;
  subject: string;
  text: string;
  link: string;
  code: string;
  sentAt: number;
}

/** Polls `url` for messages. */
function useOutbox(url: string): MailboxMessage[] {
  const [messages, setMessages] = useState<MailboxMessage[]>([]);
  useEffect(() => {
    const controller = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const load = async () => {
      try {
        const res = await fetch(url, { signal: controller.signal });
        if (res.ok) {
          const list = ((await res.json()) as { messages: MailboxMessage[] }).messages;
          setMessages((old) => (old.length === list.length ? old : list));
        }
      } catch {
        // The next tick tries again; an aborted fetch means the panel is gone.
      }
      if (!controller.signal.aborted) timer = setTimeout(load, 1000);
    };
    void load();
    return () => {
      controller.abort();
      clearTimeout(timer);
    };
  }, [url]);
  return messages;
}

/** The mailbox panel. */
export function MailboxPanel({ url }: { url: string }) {
  const messages = useOutbox(url);
  return (
    <section className="panel mailbox" aria-labelledby="mailbox-title">
      <h2 id="mailbox-title">Mailbox</h2>
      <p className="hint">Everything the simulated server sent. Click a link as the recipient would.</p>
      <div aria-live="polite" aria-relevant="additions" className="sr-only">
        {messages.length > 0 ? `${messages.length} message${messages.length === 1 ? '' : 's'}` : ''}
      </div>
      {messages.length === 0 ? (
        <p className="empty">No messages yet.</p>
      ) : (
        <ol className="messages" reversed>
          {[...messages].reverse().map((m) => (
            <li key={m.id} className={`message ${m.medium}`} data-testid="mail">
              <div className="message-head">
                <span className="chip">{m.medium === 'email' ? 'Email' : 'SMS'}</span> to <strong>{m.address}</strong>
                <time dateTime={new Date(m.sentAt).toISOString()}>{new Date(m.sentAt).toLocaleTimeString()}</time>
              </div>
              <div className="subject">{m.subject}</div>
              {m.medium === 'email' ? (
                <a href={m.link} target="_blank" rel="noreferrer" className="mail-link">
                  Validate this address
                </a>
              ) : (
                <div>
                  Code: <code className="sms-code">{m.code}</code>
                </div>
              )}
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
