/**
 * The demo server behind `npm start`: starts the homeserver simulator and serves the demo page,
 * both on 127.0.0.1, on two ports (two origins, as a real app and its homeserver are).
 *
 *   tsx demo/serve.ts [--port 8080]
 *
 * Besides the page it answers `GET /demo/config.json` (where the homeserver is, the seeded
 * accounts), `GET /demo/state.json` (the accounts as they are now: the Demo data box reads it,
 * so it is never stale) and `POST /demo/reset` (the accounts back as seeded).
 *
 * At startup the page is bundled with esbuild into a temporary directory (removed on close), so
 * it always runs the sources in this checkout. `startDemo` is also what the browser tests use.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startHomeserver } from '../src/testing';
import { buildDemo } from './build';
import type { DemoConfig } from './app/demo-config';
import { DEMO_DATA, demoHomeserverConfig, demoState, resetDemoAccounts } from './homeserver-config';

/** Options of {@link startDemo}. */
export interface DemoOptions {
  /** The page's port; 0 picks a free one. Default 0. */
  port?: number;
  /** The homeserver's port; 0 picks a free one. Default 0. */
  homeserverPort?: number;
}

/** A running demo. */
export interface DemoServer {
  /** The page, e.g. `http://127.0.0.1:8080/`. */
  url: string;
  /** The simulated homeserver. */
  homeserverUrl: string;
  /** Stops both servers and removes the bundle. */
  close(): Promise<void>;
}

const HOST = '127.0.0.1';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
};

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, HOST, () => resolve((server.address() as AddressInfo).port));
  });
}

/** Starts the homeserver simulator and the page server. */
export async function startDemo(options: DemoOptions = {}): Promise<DemoServer> {
  const dir = await mkdtemp(path.join(tmpdir(), 'matrix-uia-demo-'));
  try {
    await buildDemo(dir);
  } catch (e) {
    await rm(dir, { recursive: true, force: true });
    throw e;
  }
  const homeserver = await startHomeserver(demoHomeserverConfig(), options.homeserverPort ?? 0);
  const homeserverUrl = homeserver.url.replace(/\/+$/, '');
  const config: DemoConfig = {
    homeserverUrl,
    demoUser: { ...DEMO_DATA.demoUser },
    leavingUser: { ...DEMO_DATA.leavingUser },
    registrationToken: DEMO_DATA.registrationToken,
    outboxUrl: `${homeserverUrl}/_simulator/outbox`,
  };

  const files = new Set(['index.html', 'main.js', 'main.css', 'main.js.map', 'main.css.map']);
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const pathname = new URL(req.url ?? '/', 'http://x').pathname;
    const sendJson = (body: unknown) => res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' }).end(JSON.stringify(body));
    if (pathname === '/demo/reset') {
      // POST only: a reset changes the homeserver's state (a prefetching browser must not).
      if (req.method !== 'POST') {
        res.writeHead(405, { Allow: 'POST' }).end();
        return;
      }
      req.resume();
      resetDemoAccounts(homeserver.server);
      sendJson(demoState(homeserver.server));
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD' }).end();
      return;
    }
    if (pathname === '/demo/config.json') {
      sendJson(config);
      return;
    }
    if (pathname === '/demo/state.json') {
      sendJson(demoState(homeserver.server));
      return;
    }
    if (pathname === '/favicon.ico') {
      res.writeHead(204).end();
      return;
    }
    const name = pathname === '/' ? 'index.html' : pathname.slice(1);
    if (!files.has(name)) {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found');
      return;
    }
    const body = await readFile(path.join(dir, name));
    res.writeHead(200, { 'Content-Type': TYPES[path.extname(name)] ?? 'application/octet-stream', 'Cache-Control': 'no-store' });
    res.end(req.method === 'HEAD' ? undefined : body);
  };
  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  let port: number;
  try {
    port = await listen(server, options.port ?? 0);
  } catch (e) {
    await homeserver.close();
    await rm(dir, { recursive: true, force: true });
    throw e;
  }

  return {
    url: `http://${HOST}:${port}/`,
    homeserverUrl,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await homeserver.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Reads `--port N` / `--port=N`. */
function portArg(argv: readonly string[]): number {
  const i = argv.findIndex((a) => a === '--port' || a.startsWith('--port='));
  if (i < 0) return 8080;
  const raw = argv[i]!.includes('=') ? argv[i]!.split('=')[1] : argv[i + 1];
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be 0 to 65535, got ${String(raw)}`);
  return port;
}

async function main(): Promise<void> {
  const demo = await startDemo({ port: portArg(process.argv.slice(2)) });
  console.log(`matrix-uia demo:       ${demo.url}`);
  console.log(`homeserver simulator:  ${demo.homeserverUrl}`);
  console.log('Press Ctrl+C to stop.');
  const stop = () => {
    demo.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

if (require.main === module) {
  main().catch((e: unknown) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  });
}
