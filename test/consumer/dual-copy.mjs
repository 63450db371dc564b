// The ESM and the CommonJS build in one process (an app that imports matrix-uia while a
// dependency requires it): two copies of every class, one identity for their errors.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import * as esm from 'matrix-uia';

const cjs = createRequire(import.meta.url)('matrix-uia');
assert.notEqual(esm.UiaError, cjs.UiaError, 'two copies are loaded');

// Arguments for the classes that need them; any other error class is built without arguments.
const ARGS = {
  UiaError: ['PROTOCOL', 'x'],
  NoAuthFlowFoundError: ['x', [], []],
  StageError: ['m.login.password', 'M_FORBIDDEN', 'Invalid password'],
  EndpointError: [403, { errcode: 'M_FORBIDDEN', error: 'no' }],
  NetworkError: [new Error('down')],
  RateLimitedError: [1000, 5],
};
// Every error class the core exports (new ones included).
const classes = Object.keys(esm).filter((k) => typeof esm[k] === 'function' && (k === 'UiaError' || esm[k].prototype instanceof esm.UiaError));
assert.ok(classes.length >= 11, `error classes found: ${classes.join(', ')}`);
for (const name of classes) assert.ok(Object.hasOwn(esm[name], 'errorName') && esm[name].errorName === name, `${name} declares its own errorName`);
const make = (lib) => classes.map((name) => new lib[name](...(ARGS[name] ?? [])));
let checks = 0;
for (const [from, to] of [[esm, cjs], [cjs, esm]]) {
  const errors = make(from);
  errors.forEach((error, i) => {
    assert.ok(to.isUiaError(error), `isUiaError across copies: ${classes[i]}`);
    assert.ok(error instanceof to.UiaError, `instanceof UiaError across copies: ${classes[i]}`);
    assert.equal(error.name, classes[i]);
    classes.forEach((name, j) => {
      assert.equal(error instanceof to[name], i === j || name === 'UiaError', `${classes[i]} instanceof ${name} (other copy)`);
      checks++;
    });
  });
  assert.ok(!to.isUiaError(new Error('plain')) && !(new Error('plain') instanceof to.StageError), 'plain errors are not matrix-uia errors');
  assert.ok(!to.isUiaError(null) && !to.isUiaError('StageError') && !(null instanceof to.UiaError));
}
console.log(`dual-copy: ${checks} instanceof checks across the ESM and CJS copies hold`);
