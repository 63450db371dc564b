/**
 * The cross-signing reset on a server that delegates auth, over real HTTP against the
 * `delegated` preset: the 401 Synapse sends (session "dummy", both flows, msg, no errcode, no
 * completed), approval on the account page, completion by the handler ("I approved") or by
 * polling, a strict server that requires type and session, a give-up with TimeoutError, and
 * checks at least 500 ms apart.
 */
import { runUia, TimeoutError, type StagePrompt } from '../../src';
import { createMatrixClient, endpointFunctions, uploadCrossSigningKeys, uploadCrossSigningKeysCall, type MatrixClient } from '../../src/fetch';
import { generateCrossSigningKeys } from '../../src/cli/cross-signing-keys';
import { DEMO_ACCOUNT, delegatedConfig, startHomeserver, type DelegatedAuthConfig, type StartedHomeserver } from '../../src/testing';

const UPLOAD = '/_matrix/client/v3/keys/device_signing/upload';
let running: StartedHomeserver[] = [];
afterEach(async () => {
  await Promise.all(running.map((s) => s.close()));
  running = [];
});

async function serve(delegatedAuth: DelegatedAuthConfig = {}): Promise<StartedHomeserver> {
  const s = await startHomeserver(delegatedConfig({ delegatedAuth }));
  running.push(s);
  return s;
}

const alice = (s: StartedHomeserver): MatrixClient => createMatrixClient({ baseUrl: s.url, accessToken: DEMO_ACCOUNT.accessToken });

/** What the user does on the approval page: press "Allow the reset" (a form POST). */
async function approve(url: string): Promise<void> {
  const u = new URL(url);
  const page = await fetch(url);
  expect(await page.text()).toContain('Allow the reset');
  const res = await fetch(`${u.origin}${u.pathname}`, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: u.searchParams.toString() });
  expect(res.status).toBe(200);
}

const uploads = (s: StartedHomeserver) => s.server.requests.filter((r) => r.path.startsWith(UPLOAD));

describe('regression: cross-signing reset with session "dummy" and msg (bots saw "password needed")', () => {
  test('the handler opens the url, the user approves, the handler resolves: the keys are replaced', async () => {
    const s = await serve();
    const keys = generateCrossSigningKeys(DEMO_ACCOUNT.userId).keys;
    const prompts: StagePrompt[] = [];
    const password = jest.fn(() => 'never');
    await uploadCrossSigningKeys(alice(s), keys, {
      handlers: {
        password,
        external: async (p) => {
          prompts.push(p);
          await approve(p.url);
        },
      },
    });
    expect(password).not.toHaveBeenCalled();
    expect(s.server.getUser(DEMO_ACCOUNT.userId)!.crossSigning.master).toEqual(keys.master_key);
    // The stable stage was followed, with the url Synapse builds.
    expect(prompts[0]).toMatchObject({ type: 'm.oauth', kind: 'oauth', url: `${s.url}/_simulator/account?action=org.matrix.cross_signing_reset` });
    const sent = uploads(s).map((r) => (r.body as { auth?: unknown }).auth);
    expect(sent[0]).toBeUndefined();
    // "dummy" kept and sent back, with the stage type a strict server needs.
    expect(sent.at(-1)).toEqual({ type: 'm.oauth', session: 'dummy' });
    expect(uploads(s).at(-1)!.status).toBe(200);
  });

  test('a repeated 401 (not approved yet) shows the msg as the stage error, then polling sees the approval', async () => {
    const s = await serve();
    const keys = generateCrossSigningKeys(DEMO_ACCOUNT.userId).keys;
    const prompts: StagePrompt[] = [];
    let approvedAt = 0;
    await uploadCrossSigningKeys(alice(s), keys, {
      polling: { intervalMs: 100, backoffFactor: 1, maxIntervalMs: 100 },
      handlers: {
        external: async (p) => {
          prompts.push(p);
          // First answer: "I approved" without approving. Second: approve, and wait for polling.
          if (prompts.length === 2) {
            await approve(p.url);
            approvedAt = Date.now();
            await new Promise<void>((resolve) => p.signal.addEventListener('abort', () => resolve()));
          }
        },
      },
    });
    expect(prompts).toHaveLength(2);
    expect(prompts[1]!.error?.message).toBe(
      `To reset your end-to-end encryption cross-signing identity, you first need to approve it at ${s.url}/_simulator/account?action=org.matrix.cross_signing_reset and then try again.`,
    );
    expect(approvedAt).toBeGreaterThan(0);
    expect(s.server.getUser(DEMO_ACCOUNT.userId)!.crossSigning.master).toEqual(keys.master_key);
  });

  test('completion by polling alone (no handler resolves), checks at least 500 ms apart', async () => {
    const s = await serve();
    const keys = generateCrossSigningKeys(DEMO_ACCOUNT.userId).keys;
    let polls = 0;
    const stop = s.server.onRequest((entry) => {
      if (entry.path.startsWith(UPLOAD) && entry.status === 401 && ++polls === 3) void approve(`${s.url}/_simulator/account?action=org.matrix.cross_signing_reset`);
    });
    // When each upload leaves the client (the server's log time also holds its answer's latency).
    const starts: number[] = [];
    const client = createMatrixClient({
      baseUrl: s.url,
      accessToken: DEMO_ACCOUNT.accessToken,
      fetch: (input, init) => {
        if (input.includes(UPLOAD)) starts.push(Date.now());
        return fetch(input, init);
      },
    });
    // Polling asked every 50 ms: the wrapper spaces the checks anyway.
    await uploadCrossSigningKeys(client, keys, { polling: { intervalMs: 50, backoffFactor: 1, maxIntervalMs: 50 } });
    stop();
    expect(starts.length).toBeGreaterThanOrEqual(4);
    // Polled every 50 ms, the checks still go far apart. The wrapper keeps 500 ms between its
    // own starts (exactly: test/unit/oauth-request-spacing.test.ts, on an injected clock); a
    // request leaves the client a little after that, later on a busy machine, so the gaps seen
    // here may be a few ms shorter. 400 ms tells spaced checks from 50 ms polls either way.
    for (let i = 1; i < starts.length; i++) expect(starts[i]! - starts[i - 1]!).toBeGreaterThanOrEqual(400);
  });

  test('a strict server (type and session required, errcode while not approved) completes too', async () => {
    const s = await serve({ requireType: true, requireSession: true, notApprovedErrcode: 'M_FORBIDDEN', resetSession: 'sess-42' });
    const keys = generateCrossSigningKeys(DEMO_ACCOUNT.userId).keys;
    await uploadCrossSigningKeys(alice(s), keys, { handlers: { external: (p) => approve(p.url) } });
    expect(uploads(s).at(-1)).toMatchObject({ status: 200, body: { auth: { type: 'm.oauth', session: 'sess-42' } } });
  });

  test('"I approved" too early on a server that sends an errcode while not approved: asked again, then done', async () => {
    const s = await serve({ notApprovedErrcode: 'M_FORBIDDEN', requireType: true });
    const keys = generateCrossSigningKeys(DEMO_ACCOUNT.userId).keys;
    const prompts: StagePrompt[] = [];
    await uploadCrossSigningKeys(alice(s), keys, {
      polling: { intervalMs: 3_600_000 },
      handlers: {
        external: async (p) => {
          prompts.push(p);
          if (prompts.length === 2) await approve(p.url);
        },
      },
    });
    expect(prompts.map((p) => [p.attempt, p.error?.message ?? null])).toEqual([
      [1, null],
      [2, 'The reset has not been approved yet'],
    ]);
    expect(uploads(s).map((r) => r.status)).toEqual([401, 401, 200]);
  });

  test('a server listing the unstable flow first: m.oauth is still followed', async () => {
    const s = await serve({ resetFlows: 'unstable-first', requireType: true });
    const keys = generateCrossSigningKeys(DEMO_ACCOUNT.userId).keys;
    const types: string[] = [];
    await uploadCrossSigningKeys(alice(s), keys, {
      handlers: {
        external: async (p) => {
          types.push(p.type);
          await approve(p.url);
        },
      },
    });
    expect(types).toEqual(['m.oauth']);
  });

  test('only the unstable stage offered: org.matrix.cross_signing_reset with its own type', async () => {
    const s = await serve({ resetFlows: 'unstable', requireType: true });
    const keys = generateCrossSigningKeys(DEMO_ACCOUNT.userId).keys;
    await uploadCrossSigningKeys(alice(s), keys, { handlers: { external: (p) => approve(p.url) } });
    expect(uploads(s).at(-1)).toMatchObject({ status: 200, body: { auth: { type: 'org.matrix.cross_signing_reset', session: 'dummy' } } });
  });

  test('never approved: gives up with TimeoutError', async () => {
    const s = await serve();
    const keys = generateCrossSigningKeys(DEMO_ACCOUNT.userId).keys;
    const e = await uploadCrossSigningKeys(alice(s), keys, { polling: { intervalMs: 100, backoffFactor: 1, maxIntervalMs: 100, giveUpAfterMs: 1000 } }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(TimeoutError);
    expect(s.server.getUser(DEMO_ACCOUNT.userId)!.crossSigning.master).not.toEqual(keys.master_key);
  });

  test('an app driving runUia with endpointFunctions gets the same (wrapped request)', async () => {
    const s = await serve({ requireType: true });
    const keys = generateCrossSigningKeys(DEMO_ACCOUNT.userId).keys;
    await runUia({ ...endpointFunctions(alice(s), uploadCrossSigningKeysCall(keys)), handlers: { external: (p) => approve(p.url) } });
    expect(uploads(s).at(-1)!.status).toBe(200);
  });

  test('a first upload (no keys yet) needs no approval', async () => {
    const s = await serve();
    s.server.getUser(DEMO_ACCOUNT.userId)!.crossSigning = {};
    await uploadCrossSigningKeys(alice(s), generateCrossSigningKeys(DEMO_ACCOUNT.userId).keys);
    expect(uploads(s).map((r) => r.status)).toEqual([200]);
  });
});
