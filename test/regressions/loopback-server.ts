/**
 * A hand-written hostile HTTP server on 127.0.0.1 for the fetch client's regression tests: each
 * test says how to answer each request, and every request (method, path, body) is recorded.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One recorded request. */
export interface Seen {
  method: string;
  path: string;
  body: string;
}

/** A listening server and what it was sent. */
export interface LoopbackServer {
  url: string;
  seen: Seen[];
  close(): Promise<void>;
}

/** Listens on 127.0.0.1:0 and answers each request with `answer`. */
export function listen(answer: (req: Seen, res: ServerResponse, index: number) => void): Promise<LoopbackServer> {
  const seen: Seen[] = [];
  const server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const entry = { method: req.method ?? 'GET', path: req.url ?? '/', body: Buffer.concat(chunks).toString('utf8') };
      seen.push(entry);
      answer(entry, res, seen.length - 1);
    });
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        url: `http://127.0.0.1:${port}`,
        seen,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}

/** Writes a JSON answer. */
export function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(text)), ...headers });
  res.end(text);
}

/** The password challenge Synapse sends for `POST /account/password`. */
export const PASSWORD_401 = { session: 'S1', flows: [{ stages: ['m.login.password'] }], params: {} };
