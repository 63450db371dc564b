/**
 * Loopback HTTP: `changePassword` from `matrix-uia/fetch` against the homeserver simulator over
 * 127.0.0.1, next to matrix-js-sdk 43.0.0's `InteractiveAuth` with a plain `fetch` request
 * function, the drop-in class with that same request function, and the minimal XState chart
 * (bench/minimal-chart.ts) with it too: the floor an XState design reaches over HTTP.
 *
 * The simulator listens in this process (port 0), so process CPU time covers the client, Node's
 * HTTP stack on both ends and the simulator; the server's share is the same for every client
 * (two requests per negotiation: the first 401, then the password), so the differences are the
 * clients'. Every client knows the user id (no `whoami`). The clients take turns in blocks of
 * 100 negotiations; the figure is the median of the rounds' rates per CPU-second, with wall-clock
 * rates beside it.
 */
import './polyfills';
import { InteractiveAuth as InteractiveAuth43 } from 'matrix-js-sdk-43/lib/interactive-auth.js';
import { MatrixError as MatrixError43 } from 'matrix-js-sdk-43/lib/http-api/errors.js';
import { changePassword, createMatrixClient, type MatrixClient } from '../src/fetch';
import { InteractiveAuth as DropIn } from '../src/api/interactive-auth';
import { startHomeserver, type StartedHomeserver } from '../src/testing';
import { collectBetweenBlocks, median } from './cpu';
import { runWithMinimalChart } from './minimal-chart';
import { sdk43Client } from './run-matrix-js-sdk';
import { PASSWORD, scenario, USER_ID } from './scenarios';
import type { UiaEndpoint } from './uia-endpoint';

const USER = USER_ID;
/** Negotiations per block: the clients take turns at this granularity. */
const BLOCK = 100;

/** Settings of the loopback measurement. */
export interface LoopbackSettings {
  negotiations: number;
  rounds: number;
  warmup: number;
}

/** The default: 2,000 negotiations per client and round, three rounds, 200 warm-up negotiations. */
export const DEFAULT_LOOPBACK: LoopbackSettings = { negotiations: 2_000, rounds: 3, warmup: 200 };

/** One client's loopback figures. */
export interface LoopbackFigure {
  id: 'uia' | 'sdk43' | 'dropIn' | 'minimal';
  name: string;
  /** Median negotiations per CPU-second of this process. */
  cpuRate: number;
  /** Median negotiations per wall-clock second. */
  wallRate: number;
  cpuRounds: number[];
}

type Negotiate = () => Promise<unknown>;

/** The request function an app writes for matrix-js-sdk: `fetch`, JSON, `MatrixError` on non-2xx. */
export function fetchDoRequest(url: string, token: string) {
  return async (auth: unknown): Promise<unknown> => {
    const body: Record<string, unknown> = { new_password: PASSWORD, logout_devices: false };
    if (auth) body.auth = auth;
    const res = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` }, body: JSON.stringify(body) });
    const data = (await res.json()) as Record<string, unknown>;
    if (!res.ok) throw new MatrixError43(data, res.status);
    return data;
  };
}

type IA = new (opts: Record<string, unknown>) => { attemptAuth(): Promise<unknown>; submitAuthDict(d: Record<string, unknown>): Promise<void> };

/** One negotiation with an `InteractiveAuth` class: the password is given when the stage shows. */
function withClass(Class: IA, doRequest: (auth: unknown) => Promise<unknown>, client: unknown): Negotiate {
  return () => {
    const ia = new Class({
      matrixClient: client,
      doRequest,
      stateUpdated: (stage: string) => {
        if (stage === 'm.login.password') queueMicrotask(() => void ia.submitAuthDict({ type: stage, identifier: { type: 'm.id.user', user: USER }, password: PASSWORD }));
      },
    });
    return ia.attemptAuth();
  };
}

/** The minimal chart with the app's fetch as its request function; rejects unless the password changed. */
function minimalOverFetch(doRequest: (auth: unknown) => Promise<unknown>): Negotiate {
  const endpoint = { request: doRequest } as unknown as UiaEndpoint;
  const password = scenario('password');
  return async () => {
    if ((await runWithMinimalChart(password, endpoint)) == null) throw new Error('loopback: the minimal chart did not change the password');
  };
}

/** The clients the loopback section compares, bound to one started simulator. */
export function clients(s: StartedHomeserver): { id: LoopbackFigure['id']; name: string; run: Negotiate }[] {
  const token = s.server.createAccessToken(USER, 'MAIN');
  const client: MatrixClient = createMatrixClient({ baseUrl: s.url, accessToken: token });
  const doRequest = fetchDoRequest(`${s.url}/_matrix/client/v3/account/password`, token);
  return [
    {
      id: 'uia',
      name: 'matrix-uia/fetch changePassword',
      run: () => changePassword(client, { newPassword: PASSWORD, logoutDevices: false }, { userId: USER, handlers: { password: () => PASSWORD } }),
    },
    { id: 'sdk43', name: 'matrix-js-sdk 43.0.0 InteractiveAuth + fetch', run: withClass(InteractiveAuth43 as unknown as IA, doRequest, sdk43Client) },
    { id: 'dropIn', name: 'matrix-uia InteractiveAuth (drop-in) + the same fetch', run: withClass(DropIn as unknown as IA, doRequest, undefined) },
    { id: 'minimal', name: 'minimal XState chart + the same fetch (the floor)', run: minimalOverFetch(doRequest) },
  ];
}

/** `n` negotiations one after another: CPU and wall seconds. */
async function block(run: Negotiate, n: number): Promise<{ cpu: number; wall: number }> {
  collectBetweenBlocks();
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  for (let i = 0; i < n; i++) await run();
  const c = process.cpuUsage(c0);
  return { cpu: (c.user + c.system) / 1e6, wall: (performance.now() - t0) / 1000 };
}

/** Measures every client over loopback HTTP. */
export async function measureLoopback(settings: LoopbackSettings = DEFAULT_LOOPBACK): Promise<LoopbackFigure[]> {
  const s = await startHomeserver({ users: [{ userId: USER, password: PASSWORD, devices: ['MAIN'] }] });
  try {
    const list = clients(s);
    const round = async (n: number) => {
      const used = list.map(() => ({ cpu: 0, wall: 0 }));
      for (let done = 0; done < n; done += BLOCK) {
        for (let i = 0; i < list.length; i++) {
          const t = await block(list[i]!.run, Math.min(BLOCK, n - done));
          used[i]!.cpu += t.cpu;
          used[i]!.wall += t.wall;
        }
      }
      return used.map((u) => ({ cpu: n / u.cpu, wall: n / u.wall }));
    };
    await round(settings.warmup);
    const cpu: number[][] = list.map(() => []);
    const wall: number[][] = list.map(() => []);
    for (let r = 0; r < settings.rounds; r++) {
      (await round(settings.negotiations)).forEach((x, i) => {
        cpu[i]!.push(x.cpu);
        wall[i]!.push(x.wall);
      });
    }
    // Every negotiation really changed the password: two requests each, the last one a 200.
    const passwordPosts = s.server.requests.filter((r) => r.path.startsWith('/_matrix/client/v3/account/password'));
    const expected = list.length * 2 * (settings.warmup + settings.rounds * settings.negotiations);
    if (passwordPosts.length !== expected) throw new Error(`loopback: ${passwordPosts.length} password requests, expected ${expected}`);
    return list.map((c, i) => ({ id: c.id, name: c.name, cpuRate: median(cpu[i]!), wallRate: median(wall[i]!), cpuRounds: cpu[i]! }));
  } finally {
    await s.close();
  }
}
