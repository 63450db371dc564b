/**
 * The demo server behind `npm start`: starts two simulated homeservers — a legacy one that
 * answers UIA, and one that delegates auth to an OAuth 2.0 server as Synapse with
 * matrix-authentication-service does (`delegatedConfig()`) — and serves the demo page, all on
 * 127.0.0.1 on their own ports (other origins than the page, as a real app and its homeserver).
 *
 *   tsx demo/serve.ts [--port 8080]
 *
 * Besides the page it answers `GET /demo/config.json` (where the homeservers are, the seeded
 * accounts), `GET /demo/state.json?server=legacy|delegated` (the accounts as they are now on that
 * server: the Demo data box reads it, so it is never stale) and `POST /demo/reset?server=…`
 * (the accounts back as seeded).
 *
 * At startup the page is bundled with esbuild into a temporary directory (removed on close), so
 * it always runs the sources in this checkout. `startDemo` is also what the browser tests use.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { delegatedConfig, startHomeserver, type StartedHomeserver } from '../src/testing';
import { buildDemo } from './build';
import type { DemoConfig, DemoServerId } from './app/demo-config';
import { DEMO_DATA, demoHomeserverConfig, demoState, resetDemoAccounts } from './homeserver-config';

/** Options of {@link startDemo}. */
export interface DemoOptions {
  /** The page's port; 0 picks a free one. Default 0. */
  port?: number;
  /** The legacy homeserver's port; 0 picks a free one. Default 0. */
  homeserverPort?: number;
  /** The delegated homeserver's port; 0 picks a free one. Default 0. */
  delegatedHomeserverPort?: number;
}

/** A running demo. */
export interface DemoServer {
  /** The page, e.g. `http://127.0.0.1:8080/`. */
  url: string;
  /** The simulated legacy (UIA) homeserver. */
  homeserverUrl: string;
  /** The simulated homeserver that delegates auth (OAuth 2.0 API, MAS-style). */
  delegatedHomeserverUrl: string;
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
  const started: StartedHomeserver[] = [];
  const closeAll = () => Promise.all(started.map((h) => h.close()));
  let homeserver: StartedHomeserver;
  let delegated: StartedHomeserver;
  try {
    homeserver = await startHomeserver(demoHomeserverConfig(), options.homeserverPort ?? 0);
    started.push(homeserver);
    // The same accounts on a server that delegates auth: device deletion, deactivation and
    // password changes happen on its account page; a cross-signing reset is approved there.
    delegated = await startHomeserver(delegatedConfig({ users: demoHomeserverConfig().users ?? [] }), options.delegatedHomeserverPort ?? 0);
    started.push(delegated);
  } catch (e) {
    await closeAll();
    await rm(dir, { recursive: true, force: true });
    throw e;
  }
  const homeserverUrl = homeserver.url.replace(/\/+$/, '');
  const delegatedHomeserverUrl = delegated.url.replace(/\/+$/, '');
  const servers: Record<DemoServerId, StartedHomeserver> = { legacy: homeserver, delegated };
  const config: DemoConfig = {
    homeserverUrl,
    demoUser: { ...DEMO_DATA.demoUser },
    leavingUser: { ...DEMO_DATA.leavingUser },
    registrationToken: DEMO_DATA.registrationToken,
    outboxUrl: `${homeserverUrl}/_simulator/outbox`,
    servers: [
      {
        id: 'legacy',
        label: 'Legacy server (UIA)',
        description: 'Answers User-Interactive Authentication: the app asks for the password and the other steps.',
        homeserverUrl,
        outboxUrl: `${homeserverUrl}/_simulator/outbox`,
      },
      {
        id: 'delegated',
        label: 'Next-generation server (OAuth 2.0)',
        description: 'Delegates auth to an OAuth 2.0 server, as matrix.org does with matrix-authentication-service: account changes happen on its account page.',
        homeserverUrl: delegatedHomeserverUrl,
        outboxUrl: `${delegatedHomeserverUrl}/_simulator/outbox`,
      },
    ],
  };
  const serverOf = (req: IncomingMessage): StartedHomeserver | undefined => {
    const id = new URL(req.url ?? '/', 'http://x').searchParams.get('server') ?? 'legacy';
    return id === 'legacy' || id === 'delegated' ? servers[id] : undefined;
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
      const hs = serverOf(req);
      if (!hs) {
        res.writeHead(404).end();
        return;
      }
      resetDemoAccounts(hs.server);
      sendJson(demoState(hs.server));
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
      const hs = serverOf(req);
      if (!hs) {
        res.writeHead(404).end();
        return;
      }
      sendJson(demoState(hs.server));
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
    await closeAll();
    await rm(dir, { recursive: true, force: true });
    throw e;
  }

  return {
    url: `http://${HOST}:${port}/`,
    homeserverUrl,
    delegatedHomeserverUrl,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await closeAll();
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
  console.log(`legacy homeserver:     ${demo.homeserverUrl}`);
  console.log(`delegated homeserver:  ${demo.delegatedHomeserverUrl}`);
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
