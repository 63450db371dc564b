/**
 * Error identity across copies of the package: an app that imports matrix-uia while a dependency
 * requires it loads the ESM and the CJS build, two copies of every class. Here two copies of
 * src/errors/errors.ts (jest.isolateModules); scripts/check-package.mjs does the same with the two
 * built copies from the installed tarball (test/consumer/dual-copy.mjs).
 */
type Errors = typeof import('../../src/errors/errors');

function loadCopy(): Errors {
  let copy: Errors | undefined;
  jest.isolateModules(() => {
    copy = jest.requireActual<Errors>('../../src/errors/errors');
  });
  return copy!;
}

const CLASSES = ['UiaError', 'NoAuthFlowFoundError', 'StageError', 'EndpointError', 'NetworkError', 'RateLimitedError', 'AbortedError', 'ProtocolError', 'SessionMismatchError', 'InvalidOptionsError', 'TimeoutError'] as const;
type ClassName = (typeof CLASSES)[number];

function make(lib: Errors): Record<ClassName, Error> {
  return {
    UiaError: new lib.UiaError('PROTOCOL', 'x'),
    NoAuthFlowFoundError: new lib.NoAuthFlowFoundError('x', ['m.login.email.identity'], []),
    StageError: new lib.StageError('m.login.password', 'M_FORBIDDEN', 'Invalid password'),
    EndpointError: new lib.EndpointError(403, { errcode: 'M_FORBIDDEN', error: 'no' }),
    NetworkError: new lib.NetworkError(new TypeError('fetch failed')),
    RateLimitedError: new lib.RateLimitedError(1000, 5),
    AbortedError: new lib.AbortedError(),
    ProtocolError: new lib.ProtocolError('x'),
    SessionMismatchError: new lib.SessionMismatchError(),
    InvalidOptionsError: new lib.InvalidOptionsError('x'),
    TimeoutError: new lib.TimeoutError(),
  };
}

const a = loadCopy();
const b = loadCopy();

test('two copies really are two sets of classes', () => {
  expect(a.UiaError).not.toBe(b.UiaError);
  expect(Object.getPrototypeOf(new a.StageError(null, undefined, undefined))).not.toBe(b.StageError.prototype);
});

test.each([
  ['a', 'b'],
  ['b', 'a'],
] as const)('errors of copy %s: isUiaError and every instanceof of copy %s', (from, to) => {
  const libs = { a, b };
  const errors = make(libs[from]);
  const target = libs[to];
  for (const made of CLASSES) {
    const error = errors[made];
    expect(target.isUiaError(error)).toBe(true);
    expect(error.name).toBe(made);
    for (const cls of CLASSES) expect([made, cls, error instanceof target[cls]]).toEqual([made, cls, cls === made || cls === 'UiaError']);
  }
});

test('other values are not matrix-uia errors in either copy', () => {
  for (const lib of [a, b]) {
    for (const v of [new Error('x'), new TypeError('x'), { name: 'StageError', code: 'STAGE' }, null, undefined, 'StageError', 42, Object.create(null)]) {
      expect(lib.isUiaError(v)).toBe(false);
      expect(v instanceof lib.UiaError).toBe(false);
      expect(v instanceof lib.StageError).toBe(false);
    }
  }
});

test("an app's own subclass: its instances are the base class's in both copies, the base's are not the subclass's", () => {
  class WrongPassword extends a.StageError {}
  const mine = new WrongPassword('m.login.password', 'M_FORBIDDEN', 'no');
  expect(mine instanceof WrongPassword).toBe(true);
  expect(mine instanceof b.StageError && mine instanceof b.UiaError && b.isUiaError(mine)).toBe(true);
  expect(mine instanceof b.EndpointError).toBe(false);
  expect(new a.StageError(null, undefined, undefined) instanceof WrongPassword).toBe(false);
  expect(new b.StageError(null, undefined, undefined) instanceof WrongPassword).toBe(false);
});

test('the brand changes no visible shape: same own enumerable keys, same JSON', () => {
  const e = new a.StageError('m.login.password', 'M_FORBIDDEN', 'Invalid password');
  expect(Object.keys(e)).toEqual(['code', 'name', 'stage', 'errcode', 'serverError']);
  expect(JSON.parse(JSON.stringify(e))).toEqual({ code: 'STAGE', name: 'StageError', stage: 'm.login.password', errcode: 'M_FORBIDDEN', serverError: 'Invalid password' });
  expect({ ...e }).not.toHaveProperty([Symbol.for('matrix-uia.error')]);
  const endpoint = new a.EndpointError(500, 'not json');
  expect([endpoint.errcode, endpoint.message]).toEqual([undefined, '500: request failed']);
});

test('every error class exported by the core declares its own errorName (else instanceof misses other copies)', () => {
  const core = jest.requireActual<Record<string, unknown>>('../../src/index');
  const classes = Object.entries(core).filter((e): e is [string, typeof a.UiaError] => typeof e[1] === 'function' && (e[1] === a.UiaError || (e[1] as { prototype?: unknown }).prototype instanceof Error) && 'errorName' in (e[1] as object));
  expect(classes.map(([n]) => n)).toEqual(expect.arrayContaining([...CLASSES]));
  for (const [exported, cls] of classes) expect([exported, Object.hasOwn(cls, 'errorName') && cls.errorName]).toEqual([exported, exported]);
});
