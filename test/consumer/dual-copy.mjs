// The ESM and the CommonJS build in one process (an app that imports matrix-uia while a
// dependency requires it): two copies of every class, one identity for their errors.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import * as esm from 'matrix-uia';
import * as esmFetch from 'matrix-uia/fetch';

const cjs = createRequire(import.meta.url)('matrix-uia');
assert.notEqual(esm.UiaError, cjs.UiaError, 'two copies are loaded');
assert.equal(esmFetch.changePassword.length >= 2, true);

const make = (lib) => [
  new lib.UiaError('PROTOCOL', 'x'),
  new lib.NoAuthFlowFoundError('x', [], []),
  new lib.StageError('m.login.password', 'M_FORBIDDEN', 'Invalid password'),
  new lib.EndpointError(403, { errcode: 'M_FORBIDDEN', error: 'no' }),
  new lib.NetworkError(new Error('down')),
  new lib.RateLimitedError(1000, 5),
  new lib.AbortedError(),
  new lib.ProtocolError('x'),
  new lib.SessionMismatchError(),
  new lib.InvalidOptionsError('x'),
  new lib.TimeoutError(),
];
const classes = ['UiaError', 'NoAuthFlowFoundError', 'StageError', 'EndpointError', 'NetworkError', 'RateLimitedError', 'AbortedError', 'ProtocolError', 'SessionMismatchError', 'InvalidOptionsError', 'TimeoutError'];
let checks = 0;
for (const [from, to] of [[esm, cjs], [cjs, esm]]) {
  const errors = make(from);
  errors.forEach((error, i) => {
    assert.ok(to.isUiaError(error), `isUiaError across copies: ${classes[i]}`);
    assert.ok(error instanceof to.UiaError, `instanceof UiaError across copies: ${classes[i]}`);
    assert.equal(error.name, classes[i]);
    classes.forEach((name, j) => {
      assert.equal(error instanceof to[name], i === j || j === 0, `${classes[i]} instanceof ${name} (other copy)`);
      checks++;
    });
  });
  assert.ok(!to.isUiaError(new Error('plain')) && !(new Error('plain') instanceof to.StageError), 'plain errors are not matrix-uia errors');
  assert.ok(!to.isUiaError(null) && !to.isUiaError('StageError') && !(null instanceof to.UiaError));
}
// One copy across entries: matrix-uia/fetch's errors are the core's classes.
assert.equal(Object.getPrototypeOf(esm.StageError), esm.UiaError);
console.log(`dual-copy: ${checks} instanceof checks across the ESM and CJS copies hold`);
