/**
 * Test support for the simulator's tests: the same calls over real HTTP on 127.0.0.1 or through
 * the in-process `fetch`, so each behaviour is checked both ways.
 */
import { createHomeserver, type FetchFunction, type Homeserver, type HomeserverConfig } from '../../src/testing';

/** An answer, with the body parsed as JSON when it is JSON. */
export interface Answer {
  status: number;
  body: any;
  headers: Headers;
  text: string;
}

/** A way to reach a simulator. */
export type TransportName = 'http' | 'in-process';
export const TRANSPORTS: TransportName[] = ['http', 'in-process'];

/** A simulator and a client for it. */
export interface Harness {
  hs: Homeserver;
  base: string;
  fetch: FetchFunction;
  /** A JSON request; `token` adds `Authorization: Bearer`. */
  call(method: string, path: string, body?: unknown, token?: string): Promise<Answer>;
  /** GETs an absolute URL (a link from the outbox, a fallback page). */
  open(url: string, init?: RequestInit): Promise<Answer>;
  close(): Promise<void>;
}

async function answer(res: Response): Promise<Answer> {
  const text = await res.text();
  let body: unknown = text;
  if ((res.headers.get('content-type') ?? '').includes('application/json')) body = JSON.parse(text);
  return { status: res.status, body, headers: res.headers, text };
}

/** Creates a simulator reachable through `transport`. */
export async function harness(transport: TransportName, config: HomeserverConfig = {}): Promise<Harness> {
  const hs = createHomeserver(config);
  let base = 'http://hs.test';
  let fetchFn: FetchFunction = hs.fetch;
  let close = async () => {};
  if (transport === 'http') {
    const listening = await hs.listen(0);
    base = listening.url;
    fetchFn = (input, init) => fetch(input, init);
    close = listening.close;
  }
  const open = async (url: string, init?: RequestInit) => answer(await fetchFn(url, init));
  return {
    hs,
    base,
    fetch: fetchFn,
    open,
    call: (method, path, body, token) =>
      open(base + path, {
        method,
        headers: { ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}), ...(token ? { Authorization: `Bearer ${token}` } : {}) },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      }),
    close,
  };
}

/** `m.login.password` auth for a user. */
export function passwordAuth(user: string, password: string, session?: string) {
  return { type: 'm.login.password', identifier: { type: 'm.id.user', user }, password, ...(session ? { session } : {}) };
}

/** Posts a form like a browser submitting a fallback page. */
export function postForm(h: Harness, url: string, fields: Record<string, string>): Promise<Answer> {
  return h.open(url, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields).toString() });
}

export const V3 = '/_matrix/client/v3';
