/**
 * The real HTTP server: Node's `http` on 127.0.0.1, feeding the in-process handler. Closing it
 * also drops keep-alive connections, so `afterAll(() => close())` never leaves Jest waiting.
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serializeBody, type SimRequest, type SimResponse } from './http-types';

/** A listening server. */
export interface ListeningServer {
  /** `http://127.0.0.1:<port>` (no trailing slash). */
  url: string;
  /** The loopback port listened on (picked by the OS when 0 was asked). */
  port: number;
  /** Stops listening and closes open connections. */
  close(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** Listens on 127.0.0.1:`port` (0 for any free port) and answers with `handle`. */
export function listenHttp(handle: (req: SimRequest) => Promise<SimResponse>, port = 0, host = '127.0.0.1'): Promise<ListeningServer> {
  const server = createServer((req, res) => {
    readBody(req)
      .then((body) => handle({ method: req.method ?? 'GET', path: req.url ?? '/', headers: req.headers, body }))
      .then((answer) => {
        const text = req.method === 'HEAD' ? '' : serializeBody(answer);
        res.writeHead(answer.status, { ...answer.headers, 'Content-Length': String(Buffer.byteLength(text)) });
        res.end(text);
      })
      .catch((err: unknown) => {
        res.writeHead(500, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ errcode: 'M_UNKNOWN', error: String(err) }));
      });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      const { port: actual } = server.address() as AddressInfo;
      resolve({
        url: `http://${host}:${actual}`,
        port: actual,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}
