/**
 * The two forms of the library's diagnostic messages (src/errors/verbose.ts): the full text
 * (development, Node, these tests) and the short form a production browser build gets, where the
 * package's `#verbose` import resolves to `VERBOSE = false` and the long text is dead code. Both
 * copies of the library are loaded side by side here (`jest.isolateModules`, the production one
 * with the flag mocked to `false`); every site that has a short form is driven in both, and must
 * give the same error class, `code` and outcome, with the short message naming the field or
 * option. scripts/check-package.mjs checks the same on the installed tarball: a production
 * browser bundle carries none of the long text, a development bundle and Node carry it.
 */
import { createFuzzServer } from '../helpers/fuzz-server';

type Library = {
  parse: typeof import('../../src/decisions/parse-auth-response');
  context: typeof import('../../machines/uia.context');
  api: typeof import('../../src/api/create-uia-machine');
  selectors: typeof import('../../src/api/selectors');
  stages: typeof import('../../machines/stages');
  xstate: typeof import('xstate');
};

function load(verbose: boolean): Library {
  let lib: Library | undefined;
  jest.isolateModules(() => {
    if (!verbose) jest.doMock('../../src/errors/verbose', () => ({ VERBOSE: false }));
    lib = {
      parse: jest.requireActual('../../src/decisions/parse-auth-response'),
      context: jest.requireActual('../../machines/uia.context'),
      api: jest.requireActual('../../src/api/create-uia-machine'),
      selectors: jest.requireActual('../../src/api/selectors'),
      stages: jest.requireActual('../../machines/stages'),
      xstate: jest.requireActual('xstate'),
    };
  });
  return lib!;
}

const full = load(true);
const short = load(false);

type Failure = { name: string; code: string; message: string };

function described(e: unknown): Failure {
  const { name, code, message } = e as Failure;
  return { name, code, message };
}

/** A 401 body for each check of parseAuthChallenge, with both messages. */
const BAD_401: [string, unknown, string, string][] = [
  ['not an object', [1], 'Homeserver protocol error: 401 body is not a JSON object', 'Homeserver protocol error: bad 401 body'],
  ['no flows', { params: {} }, 'Homeserver protocol error: 401 body has no "flows" list', 'Homeserver protocol error: bad 401 flows'],
  ['too many flows', { flows: Array.from({ length: 65 }, () => ({ stages: ['m.login.dummy'] })) }, 'Homeserver protocol error: 401 body has 65 flows (limit 64)', 'Homeserver protocol error: bad 401 flows'],
  ['a flow without stages', { flows: [{}] }, 'Homeserver protocol error: a flow is not an object with a "stages" list', 'Homeserver protocol error: bad 401 stages'],
  ['too many stages', { flows: [{ stages: Array.from({ length: 33 }, () => 'm.login.dummy') }] }, 'Homeserver protocol error: a flow has 33 stages (limit 32)', 'Homeserver protocol error: bad 401 stages'],
  ['an empty stage', { flows: [{ stages: [''] }] }, 'Homeserver protocol error: a flow has a stage that is not a non-empty string', 'Homeserver protocol error: bad 401 stages'],
  ['an empty session', { flows: [], session: '' }, 'Homeserver protocol error: "session" is not a non-empty string', 'Homeserver protocol error: bad 401 session'],
  ['params a list', { flows: [], params: [] }, 'Homeserver protocol error: "params" is not an object', 'Homeserver protocol error: bad 401 params'],
  ['params with a BigInt', { flows: [], params: { x: { n: BigInt(1) } } }, 'Homeserver protocol error: "params" cannot be serialised', 'Homeserver protocol error: bad 401 params'],
  ['params too large', { flows: [], params: { x: { s: 'x'.repeat(70_000) } } }, 'Homeserver protocol error: "params" is 70014 characters (limit 65536)', 'Homeserver protocol error: bad 401 params'],
  ['completed with a number', { flows: [], completed: [1] }, 'Homeserver protocol error: "completed" is not a list of strings', 'Homeserver protocol error: bad 401 completed'],
  ['completed too long', { flows: [], completed: Array.from({ length: 65 }, () => 'm.login.dummy') }, 'Homeserver protocol error: "completed" has 65 entries (limit 64)', 'Homeserver protocol error: bad 401 completed'],
];

test.each(BAD_401)('a 401 with %s: the same ProtocolError in both forms, the short message naming the field', (_, body, long, brief) => {
  const a = described(full.parse.parseAuthChallenge(body));
  const b = described(short.parse.parseAuthChallenge(body));
  expect(a).toEqual({ name: 'ProtocolError', code: 'PROTOCOL', message: long });
  expect(b).toEqual({ name: 'ProtocolError', code: 'PROTOCOL', message: brief });
});

test('a well-formed 401 parses alike in both forms', () => {
  const body = { flows: [{ stages: ['m.login.password'] }], params: { 'm.login.password': {} }, session: 'S', completed: [] };
  expect(short.parse.parseAuthChallenge(body)).toEqual(full.parse.parseAuthChallenge(body));
});

test.each([
  ['clientSecret', { clientSecret: 'no spaces allowed' }, 'clientSecret must be 1 to 255 characters of [0-9a-zA-Z.=_-]', 'bad clientSecret'],
  ['sessionId', { sessionId: '' }, 'sessionId must be a non-empty string', 'bad sessionId'],
])('an unusable %s: the same InvalidOptionsError in both forms', (_, input, long, brief) => {
  const a = full.context.createInitialContext(input).settings.configError;
  const b = short.context.createInitialContext(input).settings.configError;
  expect(described(a)).toEqual({ name: 'InvalidOptionsError', code: 'INVALID_OPTIONS', message: long });
  expect(described(b)).toEqual({ name: 'InvalidOptionsError', code: 'INVALID_OPTIONS', message: brief });
});

/** What `createUiaActor(options)` throws, in one form of the library. */
function thrownBy(lib: Library, options: (lib: Library) => unknown): Failure {
  try {
    lib.api.createUiaActor(options(lib) as never);
  } catch (e) {
    return described(e);
  }
  throw new Error('createUiaActor did not throw');
}

test.each([
  ['no stages', () => ({ request: async () => ({}) }), 'stages is required (stageMachines, or those your app shows)', 'no stages'],
  ['a raw inspector', (lib: Library) => ({ stages: lib.stages.stageMachines, request: async () => ({}), inspect: () => {} }), 'inspect must be wrapped: sanitizedInspector(observer)', 'inspect not sanitized'],
  ['an unchecked snapshot', (lib: Library) => ({ stages: lib.stages.stageMachines, request: async () => ({}), snapshot: { status: 'active' } }), 'snapshot must be checked: checkUiaSnapshot(saved)', 'snapshot not checked'],
])('createUiaActor with %s: the same InvalidOptionsError in both forms', (_, options, long, brief) => {
  expect(thrownBy(full, options)).toEqual({ name: 'InvalidOptionsError', code: 'INVALID_OPTIONS', message: long });
  expect(thrownBy(short, options)).toEqual({ name: 'InvalidOptionsError', code: 'INVALID_OPTIONS', message: brief });
});

/** Runs one negotiation against `answers` with the password stage only; its final error and request count. */
async function finalError(lib: Library, answers: Parameters<typeof createFuzzServer>[0]['answers']): Promise<Failure & { requests: number }> {
  const server = createFuzzServer({ answers });
  const actor = lib.api.createUiaActor({ stages: { password: lib.stages.passwordStageMachine }, request: server.request, userId: '@a:hs' });
  actor.start();
  actor.send({ type: 'START' });
  const snap = await lib.xstate.waitFor(actor, (s) => s.status === 'done');
  actor.stop();
  return { ...described(lib.selectors.selectFinalError(snap)), requests: server.calls.length };
}

const COMPLETE = { kind: 'http' as const, status: 401, body: { session: 'S1', flows: [{ stages: ['m.login.password'] }], params: {}, completed: ['m.login.password'] } };

test.each([
  [
    'a stage without its machine',
    [{ kind: 'http' as const, status: 401, body: { session: 'S1', flows: [{ stages: ['m.login.dummy'] }], params: {} } }],
    { name: 'InvalidOptionsError', code: 'INVALID_OPTIONS', requests: 1 },
    'no stage machine for m.login.dummy: add dummyStageMachine (or fallbackStageMachine) to stages',
    'no stage machine for m.login.dummy',
  ],
  [
    'a server that asks again with every stage complete',
    [COMPLETE, COMPLETE, COMPLETE],
    { name: 'ProtocolError', code: 'PROTOCOL', requests: 2 },
    'Homeserver protocol error: the server keeps asking for authentication without progress',
    'Homeserver protocol error: no progress',
  ],
])('%s: the same failure in both forms, after as many requests', async (_, answers, failure, long, brief) => {
  expect(await finalError(full, answers)).toEqual({ ...failure, message: long });
  expect(await finalError(short, answers)).toEqual({ ...failure, message: brief });
});

test('server text is never shortened: a refusal shows the server\'s error in both forms', async () => {
  const refusal = { kind: 'http' as const, status: 401, body: { session: 'S1', flows: [{ stages: ['m.login.password'] }], params: {}, errcode: 'M_FORBIDDEN', error: 'Invalid password' } };
  for (const lib of [full, short]) {
    const server = createFuzzServer({ answers: [{ ...refusal, body: { ...refusal.body, errcode: undefined, error: undefined } }, refusal] });
    const actor = lib.api.createUiaActor({ stages: { password: lib.stages.passwordStageMachine }, request: server.request, userId: '@a:hs' });
    actor.start();
    actor.send({ type: 'START' });
    await lib.xstate.waitFor(actor, (s) => s.matches('awaitingStage'));
    actor.send({ type: 'PASSWORD.SUBMIT', password: 'wrong' });
    const snap = await lib.xstate.waitFor(actor, (s) => s.matches('awaitingStage') && lib.selectors.selectStageError(s) !== null);
    expect(described(lib.selectors.selectStageError(snap))).toEqual({ name: 'StageError', code: 'STAGE', message: 'Invalid password' });
    actor.stop();
  }
});
