/**
 * The fallback page a chart fed by `chartInputFromClient(client)` exposes is the page a real
 * matrix-js-sdk MatrixClient would open (`client.getFallbackAuthUrl(stage, session)`), and
 * `fallbackUrlFor(client)` gives that page to `InteractiveAuth` apps, which open it themselves
 * from `stateUpdated`. The client talks to the homeserver simulator over HTTP on 127.0.0.1.
 */
import { stageMachines } from '../../machines/stages';
import { createUiaActor, type UiaActor } from '../../src/api/create-uia-machine';
import { InteractiveAuth } from '../../src/api/interactive-auth';
import { chartInputFromClient, fallbackUrlFor, requestFromMatrixCall, type MatrixClientLike } from '../../src/matrix-js-sdk';
import { selectExternalUrl, selectSessionId, selectStage } from '../../src/api/selectors';
import { startHomeserver, type StartedHomeserver } from '../../src/testing';
import { loadSdk, type SdkClient } from './load-sdk';

const SSO = 'm.login.sso';
/** A stage type the chart has no machine for: it is done on the fallback page too. */
const CUSTOM = 'org.example.custom_captcha';

let hs: StartedHomeserver;

beforeAll(async () => {
  loadSdk();
  hs = await startHomeserver({ serverName: 'localhost' });
});

afterAll(async () => {
  await hs.close();
});

/** A fresh user with two devices, and a real client logged in on the first. */
function login(localpart: string): { client: SdkClient; userId: string } {
  const userId = `@${localpart}:localhost`;
  hs.server.addUser(userId, 'pw', [`${localpart}1`, `${localpart}2`]);
  const accessToken = hs.server.createAccessToken(userId, `${localpart}1`);
  return { client: loadSdk().createClient({ baseUrl: hs.url, accessToken, userId, deviceId: `${localpart}1` }), userId };
}

/** The client's methods the adapter reads, without `getFallbackAuthUrl` unless asked. */
function clientLike(client: SdkClient, withFallbackBuilder: boolean): MatrixClientLike {
  return {
    getHomeserverUrl: () => client.getHomeserverUrl(),
    getUserId: () => client.getUserId(),
    generateClientSecret: () => client.generateClientSecret(),
    ...(withFallbackBuilder ? { getFallbackAuthUrl: (t: string, s: string) => client.getFallbackAuthUrl(t, s) } : {}),
  };
}

/**
 * Resolves once the actor's snapshot satisfies `check`; rejects if the negotiation ends first (no
 * timers: it waits for the chart's own updates).
 */
function until(actor: UiaActor, check: () => boolean): Promise<void> {
  return new Promise((resolve, reject) => {
    if (check()) return resolve();
    const sub = actor.subscribe((s) => {
      if (check()) {
        sub.unsubscribe();
        resolve();
      } else if (s.status !== 'active') {
        sub.unsubscribe();
        const out = s.output;
        reject(new Error(`the negotiation ended (${out?.status}${out && 'error' in out ? `: ${out.error.message}` : ''}) before the awaited state`));
      }
    });
  });
}

describe.each([SSO, CUSTOM])('the chart fed by chartInputFromClient, on a %s stage', (stageType) => {
  test('exposes client.getFallbackAuthUrl(stage, session), and the page completes the stage', async () => {
    const localpart = stageType === SSO ? 'fbsso' : 'fbcustom';
    const { client, userId } = login(localpart);
    hs.server.config.endpoints.deleteDevice.flows = [[stageType]];
    try {
      const actor = createUiaActor<unknown>({
        ...chartInputFromClient(clientLike(client, false)),
        stages: stageMachines,
        request: requestFromMatrixCall((auth) => client.deleteDevice(`${localpart}2`, auth ?? undefined)),
        polling: { intervalMs: 60_000 },
      });
      actor.start();
      actor.send({ type: 'START' });
      await until(actor, () => selectStage(actor.getSnapshot())?.kind === 'fallback');

      const snapshot = actor.getSnapshot();
      const session = selectSessionId(snapshot)!;
      expect(selectStage(snapshot)?.type).toBe(stageType);
      expect(selectExternalUrl(snapshot)).toBe(client.getFallbackAuthUrl(stageType, session));
      expect(new URL(selectExternalUrl(snapshot)!).origin).toBe(new URL(hs.url).origin);

      // The URL is the simulator's real fallback page: completing it ends the negotiation.
      hs.server.completeByUrl(selectExternalUrl(snapshot)!);
      actor.send({ type: 'FALLBACK.DONE' });
      await until(actor, () => actor.getSnapshot().status === 'done');
      expect(actor.getSnapshot().output?.status).toBe('done');
      expect([...hs.server.getUser(userId)!.devices.keys()]).toEqual([`${localpart}1`]);
    } finally {
      hs.server.config.endpoints.deleteDevice.flows = [['m.login.password']];
      client.stopClient();
    }
  });
});

test('a homeserver URL with a path prefix and a trailing slash gives the same page as the client', () => {
  const client = loadSdk().createClient({ baseUrl: 'https://matrix.example.org/hs/' });
  const session = 'xYzAbC123sessionId';
  const actor = createUiaActor<unknown>({
    ...chartInputFromClient(clientLike(client, false)),
    stages: stageMachines,
    request: async () => ({}),
    // The 401 is in hand: no request goes out, the stage opens from it.
    authData: { session, flows: [{ stages: [SSO] }], params: {} },
  });
  actor.start();
  actor.send({ type: 'START' });
  expect(selectStage(actor.getSnapshot())?.kind).toBe('fallback');
  expect(selectExternalUrl(actor.getSnapshot())).toBe(client.getFallbackAuthUrl(SSO, session));
  expect(selectExternalUrl(actor.getSnapshot())).toBe(`https://matrix.example.org/hs/_matrix/client/v3/auth/${SSO}/fallback/web?session=${session}`);
  actor.stop();
  client.stopClient();
});

test('a session id with reserved characters: the same page and session, though the client escapes it differently', () => {
  // matrix-js-sdk builds the query with URLSearchParams (space as "+"), the chart with
  // encodeURIComponent (space as "%20"): the strings differ, the page and the session do not.
  const client = loadSdk().createClient({ baseUrl: 'https://matrix.example.org' });
  const session = 'a b&c=d/e?f#g';
  const actor = createUiaActor<unknown>({
    ...chartInputFromClient(clientLike(client, false)),
    stages: stageMachines,
    request: async () => ({}),
    authData: { session, flows: [{ stages: [CUSTOM] }], params: {} },
  });
  actor.start();
  actor.send({ type: 'START' });
  const ours = new URL(selectExternalUrl(actor.getSnapshot())!);
  const theirs = new URL(client.getFallbackAuthUrl(CUSTOM, session));
  expect(ours.origin + ours.pathname).toBe(theirs.origin + theirs.pathname);
  expect(ours.searchParams.get('session')).toBe(session);
  expect(theirs.searchParams.get('session')).toBe(session);
  expect([...ours.searchParams.keys()]).toEqual(['session']);
  actor.stop();
  client.stopClient();
});

describe('fallbackUrlFor, for InteractiveAuth apps that open the page from stateUpdated', () => {
  test.each([
    ['a client with getFallbackAuthUrl', true, 'poll'],
    ['a client-like object without it', false, 'poll'],
    ['a client, continued as Element does on authDone', true, 'submitAuthDict'],
  ] as const)('%s: the page of the stage stateUpdated names; completing it ends attemptAuth', async (label, withBuilder, resume) => {
    const localpart = `ia${label.length}`;
    const { client, userId } = login(localpart);
    hs.server.config.endpoints.deleteDevice.flows = [[SSO]];
    try {
      const urlOf = fallbackUrlFor(clientLike(client, withBuilder));
      const opened: string[] = [];
      let ia!: InteractiveAuth<unknown>;
      ia = new InteractiveAuth<unknown>({
        matrixClient: client,
        doRequest: (auth) => client.deleteDevice(`${localpart}2`, auth ?? undefined),
        // Element's way: an unknown or SSO stage shows a button opening the fallback page.
        stateUpdated: (stage) => {
          const url = urlOf(stage, ia.getSessionId()!);
          opened.push(url);
          hs.server.completeByUrl(url); // the user finishes on the page
          void (resume === 'poll' ? ia.poll() : ia.submitAuthDict({}));
        },
      });
      await ia.attemptAuth();
      expect(opened).toEqual([client.getFallbackAuthUrl(SSO, ia.getSessionId()!)]);
      expect([...hs.server.getUser(userId)!.devices.keys()]).toEqual([`${localpart}1`]);
    } finally {
      hs.server.config.endpoints.deleteDevice.flows = [['m.login.password']];
      client.stopClient();
    }
  });
});
