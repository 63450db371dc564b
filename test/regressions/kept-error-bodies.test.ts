/**
 * Regression (issue 14, item 8): error bodies were kept whole. `EndpointError.data` held the
 * server's body as given: one nested 100,000 deep made `JSON.stringify(error)` and of the
 * persisted snapshot throw `RangeError`; a 10 MB 403 gave a 20 MB snapshot (in `context.error`
 * and again in `output.error`); `StageError` text had no length limit (5,000,000 characters
 * reached a handler). Now the request actor keeps a bounded copy (`LIMITS.maxKeptChars`; beyond,
 * `errcode` and `error` alone; too deep to serialise, nothing), `EndpointError.data` is not
 * serialised with the snapshot, and server texts are clipped to `LIMITS.maxErrorTextLength`.
 */
import { runUia } from '../../src/api/run-uia';
import { LIMITS } from '../../src/decisions/limits';
import type { UiaSnapshot } from '../../src/api/selectors';
import type { EndpointError, StageError } from '../../src/errors/errors';
import { HttpError } from '../helpers/http-error';


function nested(depth: number): unknown {
  let v: unknown = { errcode: 'M_DEEP' };
  for (let i = 0; i < depth; i++) v = { v };
  return v;
}

/** A run whose first answer is `status` with `body`; the error and the last persisted snapshot's JSON. */
async function failWith(status: number, body: unknown) {
  let persisted = '';
  let actorRef: { getPersistedSnapshot(): unknown } | undefined;
  const error = await runUia({
    request: async () => {
      throw new HttpError(status, body);
    },
    onActor: (a) => void (actorRef = a),
    onSnapshot: (_s: UiaSnapshot) => void (persisted = JSON.stringify(actorRef!.getPersistedSnapshot())),
  }).then(
    () => null,
    (e: unknown) => e as EndpointError,
  );
  return { error: error!, persisted };
}

test('a body nested 100,000 deep: the error and the persisted snapshot serialise', async () => {
  const { error, persisted } = await failWith(400, nested(100_000));
  expect(error.code).toBe('ENDPOINT');
  expect(() => JSON.stringify(error)).not.toThrow();
  expect(() => JSON.stringify(error.data)).not.toThrow();
  expect(persisted.length).toBeGreaterThan(0);
});

test('a 10 MB 403: a small snapshot, the body kept bounded and once', async () => {
  const big = { errcode: 'M_FORBIDDEN', error: 'No', junk: 'x'.repeat(10 * 1024 * 1024) };
  const { error, persisted } = await failWith(403, big);
  expect(error).toMatchObject({ code: 'ENDPOINT', httpStatus: 403, errcode: 'M_FORBIDDEN' });
  expect(JSON.stringify(error.data).length).toBeLessThanOrEqual(LIMITS.maxKeptChars);
  expect(error.data).toEqual({ errcode: 'M_FORBIDDEN', error: 'No' });
  expect(persisted.length).toBeLessThan(20_000);
  // Not serialised with the error (so not twice in a snapshot), still there for the app.
  expect(Object.keys(error)).not.toContain('data');
});

test('a 5,000,000-character error text reaches no handler whole', async () => {
  const long = 'e'.repeat(5_000_000);
  let seen: StageError | null = null;
  let n = 0;
  const run = runUia({
    request: async (auth) => {
      n++;
      throw new HttpError(401, { session: 'S', flows: [{ stages: ['m.login.password'] }], ...(auth ? { errcode: 'M_FORBIDDEN', error: long } : {}) });
    },
    userId: '@a:hs',
    handlers: {
      password: (p) => {
        if (p.error) seen = p.error as StageError;
        if (n >= 2) throw new Error('stop');
        return 'pw';
      },
    },
  });
  await expect(run).rejects.toBeDefined();
  expect(seen).not.toBeNull();
  expect(seen!.message.length).toBeLessThanOrEqual(LIMITS.maxErrorTextLength);
  expect(seen!.serverError!.length).toBeLessThanOrEqual(LIMITS.maxErrorTextLength);
  // The endpoint error's message too.
  const { error } = await failWith(400, { errcode: 'M_X', error: long });
  expect(error.message.length).toBeLessThan(LIMITS.maxErrorTextLength + 50);
});
