/**
 * Regression (issue 14, item 5): redaction stopped at `Error` objects. A 400 that echoes the
 * `auth` dict put the password into the persisted snapshot, the inspection stream and the thrown
 * error; a transport error holding the request body (as axios errors do: `config.data` is the
 * body as JSON text) put the password and `new_password` into inspection through
 * `NetworkError.cause`. Now an answer's body is copied where it enters (bounded, plain, redacted
 * by key, JSON text redacted inside), and the inspection sanitizer descends into errors, their
 * causes and JSON text. A transport error that holds more than its description is kept as a plain
 * copy of that description (src/secrets/transport-fault.ts), so printing the thrown error shows
 * no secret either.
 */
import { inspect } from 'node:util';
import type { InspectionEvent } from 'xstate';
import { stageMachines } from '../../machines/stages';
import { createUiaActor } from '../../src/api/create-uia-machine';
import { redactSecrets, sanitizedInspector } from '../../src/secrets/sanitize';
import { runUia } from '../../src/api/run-uia';
import type { AuthDict } from '../../src/types';
import { safeStringify } from '../helpers/fuzz-driver';
import { HttpError } from '../helpers/http-error';
import { routed, waitForSnapshot } from '../helpers/wait';

const PASSWORD = 'hunter2-Pw-5x';
const NEW_PASSWORD = 'n3w-Pw-shiny';


const challenge = { session: 'S', flows: [{ stages: ['m.login.password'] }] };

/** A change-password request whose second call fails as `fail(auth)` says. */
function requestFailingWith(fail: (auth: AuthDict) => unknown) {
  return async (auth: AuthDict | null) => {
    if (!auth) throw new HttpError(401, challenge);
    throw fail(auth);
  };
}

const echo400 = (auth: AuthDict) =>
  new HttpError(400, { errcode: 'M_BAD_JSON', error: `could not use ${JSON.stringify(auth)}`, echoed: { auth, new_password: NEW_PASSWORD } });

/** An axios-like error: the request body as JSON text in `config.data`, the dict in a nested cause. */
const axiosLike = (auth: AuthDict) => {
  const body = JSON.stringify({ auth, new_password: NEW_PASSWORD, logout_devices: false });
  return Object.assign(new Error('socket hang up'), {
    code: 'ECONNRESET',
    config: { method: 'post', url: 'https://hs.example/_matrix/client/v3/account/password', data: body, headers: { Authorization: 'Bearer syt_abc' } },
    cause: Object.assign(new Error(`wrapped: ${body}`), { body: { auth } }),
  });
};

function leaks(text: string): string[] {
  return [PASSWORD, NEW_PASSWORD, 'syt_abc'].filter((s) => text.includes(s));
}

test.each([
  ['a 400 echoing the auth dict', echo400, 'ENDPOINT'],
  ['a transport error holding the request body (axios-like)', axiosLike, 'NETWORK'],
] as const)('%s: no secret in the thrown error, the persisted snapshot or inspection', async (_, fail, code) => {
  const events: InspectionEvent[] = [];
  const snapshots: string[] = [];
  const run = runUia({
    request: requestFailingWith(fail),
    userId: '@a:hs',
    inspect: sanitizedInspector((e) => void events.push(e)),
    handlers: { password: (p) => (p.attempt > 1 ? Promise.reject(new Error('stop')) : PASSWORD) },
    onActor: (actor) => actor.subscribe((s) => void snapshots.push(JSON.stringify(actor.getPersistedSnapshot()) + s.status)),
  });
  const error = await run.then(
    () => null,
    (e: unknown) => e as Error,
  );
  expect(error).not.toBeNull();
  if (code === 'ENDPOINT') expect(error).toMatchObject({ code });
  const texts = [
    error!.message,
    JSON.stringify(error),
    // What `console.error(error)` prints: the cause chain included.
    inspect(error, { depth: 20 }),
    ...snapshots,
    ...events.map((e) => safeStringify(e)),
  ];
  expect(texts.flatMap(leaks)).toEqual([]);
  // The stage showed the transport's fault, its description kept for diagnosis.
  if (code === 'NETWORK') {
    const shown = events.map((e) => safeStringify(e)).join('\n');
    expect(shown).toContain('socket hang up');
  }
});

test('redactSecrets descends into errors and their causes, keeping prototypes', () => {
  const inner = Object.assign(new TypeError('inner'), { password: PASSWORD });
  const outer = new Error('outer', { cause: inner });
  Object.assign(outer, { config: { data: JSON.stringify({ new_password: NEW_PASSWORD }) } });
  const copy = redactSecrets({ error: outer });
  expect(copy.error).toBeInstanceOf(Error);
  expect((copy.error as Error & { cause: Error }).cause).toBeInstanceOf(TypeError);
  expect(leaks(safeStringify(copy) + inspect(copy, { depth: 10 }))).toEqual([]);
  expect(outer.cause).toBe(inner); // the original is not touched
});

test('createUiaActor: the stage error after a network fault holds no secret in the persisted snapshot', async () => {
  const actor = createUiaActor({ stages: stageMachines, request: requestFailingWith(axiosLike), userId: '@a:hs' });
  actor.start();
  actor.send({ type: 'START' });
  await routed(actor);
  actor.send({ type: 'PASSWORD.SUBMIT', password: PASSWORD });
  // The submission's fault is in: the chart is out of `submitting` (back at the stage, or ended).
  const s = await waitForSnapshot(actor, (snap) => snap.status !== 'active' || !snap.matches('submitting'));
  expect(s.context.stageError?.code).toBe('NETWORK');
  expect(leaks(JSON.stringify(actor.getPersistedSnapshot()))).toEqual([]);
  actor.stop();
});
