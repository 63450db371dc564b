/**
 * Flow choice and next-stage rules (src/decisions/choose-flow.ts, src/decisions/next-step.ts): matrix-js-sdk's
 * acceptability and scoring, the server's order on ties, no mutation of the server's data, and
 * the preference for a flow consistent with `completed`.
 */
import { chooseFlow, isFlowAcceptable, nextStage, requiredStages, resolveFlow, scoreFlow, sameStages } from '../../src/decisions/choose-flow';
import { decideNextStep, sameMembers } from '../../src/decisions/next-step';
import { NoAuthFlowFoundError, UiaError } from '../../src/errors/errors';
import type { UIAFlow } from '../../src/types';

const EMAIL = 'm.login.email.identity';
const MSISDN = 'm.login.msisdn';
const f = (...stages: string[]): UIAFlow => ({ stages });

/** Freezes the flows deeply, so any in-place sort or push throws in strict mode. */
function frozen(flows: UIAFlow[]): UIAFlow[] {
  for (const flow of flows) {
    Object.freeze(flow.stages);
    Object.freeze(flow);
  }
  return Object.freeze(flows) as UIAFlow[];
}

describe('isFlowAcceptable', () => {
  test('without email or phone only flows without email and msisdn stages are acceptable', () => {
    expect(isFlowAcceptable(f('m.login.dummy'), {})).toBe(true);
    expect(isFlowAcceptable(f(EMAIL), {})).toBe(false);
    expect(isFlowAcceptable(f(MSISDN), {})).toBe(false);
  });
  test('an email address makes email flows acceptable and flows without email unacceptable', () => {
    const c = { inputs: { emailAddress: 'a@example.org' } };
    expect(isFlowAcceptable(f(EMAIL), c)).toBe(true);
    expect(isFlowAcceptable(f('m.login.recaptcha', EMAIL), c)).toBe(true);
    expect(isFlowAcceptable(f('m.login.dummy'), c)).toBe(false);
  });
  test('an emailSid counts as an email', () => {
    expect(isFlowAcceptable(f(EMAIL), { emailSid: 'sid' })).toBe(true);
    expect(isFlowAcceptable(f('m.login.dummy'), { emailSid: 'sid' })).toBe(false);
  });
  test('a phone needs both country and number', () => {
    expect(isFlowAcceptable(f(MSISDN), { inputs: { phoneCountry: 'GB', phoneNumber: '7700900000' } })).toBe(true);
    expect(isFlowAcceptable(f(MSISDN), { inputs: { phoneNumber: '7700900000' } })).toBe(false);
    expect(isFlowAcceptable(f('m.login.dummy'), { inputs: { phoneCountry: 'GB', phoneNumber: '7700900000' } })).toBe(false);
  });
  test('email and phone together need a flow with both', () => {
    const c = { inputs: { emailAddress: 'a@b.c', phoneCountry: 'GB', phoneNumber: '1' } };
    expect(isFlowAcceptable(f(EMAIL, MSISDN), c)).toBe(true);
    expect(isFlowAcceptable(f(EMAIL), c)).toBe(false);
    expect(isFlowAcceptable(f(MSISDN), c)).toBe(false);
  });
});

describe('scoreFlow', () => {
  test('counts stages, plus 10 per unsupported stage', () => {
    expect(scoreFlow(f('a', 'b', 'c'))).toBe(3);
    expect(scoreFlow(f('a', 'b', 'c'), ['a', 'b', 'c'])).toBe(3);
    expect(scoreFlow(f('a', 'b', 'c'), ['a'])).toBe(23);
    expect(scoreFlow(f(), [])).toBe(0);
  });
});

describe('chooseFlow', () => {
  test('picks the lowest score', () => {
    const flows = frozen([f('m.login.recaptcha', 'm.login.terms', 'm.login.dummy'), f('m.login.dummy')]);
    expect(chooseFlow(flows, {})).toBe(flows[1]);
  });
  test('an unsupported stage weighs 10', () => {
    const flows = frozen([f('m.login.recaptcha'), f('m.login.password', 'm.login.terms')]);
    expect(chooseFlow(flows, { supportedStages: ['m.login.password', 'm.login.terms'] })).toBe(flows[1]);
    // Without the restriction the one-stage flow wins.
    expect(chooseFlow(flows, {})).toBe(flows[0]);
  });
  test('ties keep the server order', () => {
    const a = frozen([f('x'), f('y')]);
    expect(chooseFlow(a, {})).toBe(a[0]);
    const b = frozen([f('y'), f('x')]);
    expect(chooseFlow(b, {})).toBe(b[0]);
  });
  test('never mutates the server array (frozen input does not throw) and returns the server object', () => {
    const flows = frozen([f('c', 'd', 'e'), f('a'), f('b')]);
    const before = JSON.stringify(flows);
    const chosen = chooseFlow(flows, {});
    expect(chosen).toBe(flows[1]);
    expect(JSON.stringify(flows)).toBe(before);
  });
  test('skips unacceptable flows even when they score lower', () => {
    const flows = frozen([f(EMAIL), f('m.login.recaptcha', 'm.login.terms', 'm.login.dummy')]);
    expect(chooseFlow(flows, {})).toBe(flows[1]);
  });
  test('prefers a flow consistent with completed over a lower score', () => {
    const flows = frozen([f('m.login.dummy'), f('m.login.recaptcha', 'm.login.terms')]);
    expect(chooseFlow(flows, {}, ['m.login.recaptcha'])).toBe(flows[1]);
    // Among consistent flows the score still decides.
    const more = frozen([f('m.login.recaptcha', 'm.login.terms', 'm.login.dummy'), f('m.login.recaptcha', 'm.login.dummy')]);
    expect(chooseFlow(more, {}, ['m.login.recaptcha'])).toBe(more[1]);
  });
  test('when no flow is consistent with completed, the best acceptable flow is still chosen', () => {
    const flows = frozen([f('a', 'b'), f('c')]);
    expect(chooseFlow(flows, {}, ['zzz'])).toBe(flows[1]);
  });
  test('Synapse exchange 76: recaptcha + dummy completed out of order, the dummy flow is followed', () => {
    const flows = frozen([
      f('m.login.recaptcha', 'm.login.terms', 'm.login.dummy'),
      f('m.login.recaptcha', 'm.login.terms', EMAIL),
    ]);
    const chosen = chooseFlow(flows, {}, ['m.login.dummy', 'm.login.recaptcha']);
    expect(chosen).toBe(flows[0]);
    expect(nextStage(chosen as UIAFlow, ['m.login.dummy', 'm.login.recaptcha'])).toBe('m.login.terms');
  });
  test('no acceptable flow: NoAuthFlowFoundError with matrix-js-sdk fields', () => {
    const flows = frozen([f('m.login.dummy'), f('m.login.recaptcha')]);
    const err = chooseFlow(flows, { inputs: { emailAddress: 'a@b.c' } });
    expect(err).toBeInstanceOf(NoAuthFlowFoundError);
    expect(err).toBeInstanceOf(UiaError);
    expect(err).toBeInstanceOf(Error);
    const e = err as NoAuthFlowFoundError;
    expect(e.message).toBe('No appropriate authentication flow found');
    expect(e.name).toBe('NoAuthFlowFoundError');
    expect(e.code).toBe('NO_AUTH_FLOW');
    expect(e.required_stages).toEqual([EMAIL]);
    expect(e.flows).toEqual([{ stages: ['m.login.dummy'] }, { stages: ['m.login.recaptcha'] }]);
    // A copy: the error does not alias the server's arrays.
    expect(e.flows[0]).not.toBe(flows[0]);
    expect(e.flows[0]!.stages).not.toBe(flows[0]!.stages);
  });
  test('required_stages lists email and msisdn when both were given', () => {
    const c = { inputs: { emailAddress: 'a@b.c', phoneCountry: 'GB', phoneNumber: '1' } };
    const e = chooseFlow([f(EMAIL)], c) as NoAuthFlowFoundError;
    expect(e.required_stages).toEqual([EMAIL, MSISDN]);
    expect(requiredStages({})).toEqual([]);
    expect((chooseFlow([f(EMAIL)], {}) as NoAuthFlowFoundError).required_stages).toEqual([]);
  });
  test('an empty flow list is no acceptable flow', () => {
    const e = chooseFlow([], {}) as NoAuthFlowFoundError;
    expect(e).toBeInstanceOf(NoAuthFlowFoundError);
    expect(e.flows).toEqual([]);
  });
});

describe('nextStage', () => {
  test('the first stage not completed, in flow order', () => {
    expect(nextStage(f('a', 'b', 'c'), [])).toBe('a');
    expect(nextStage(f('a', 'b', 'c'), ['a'])).toBe('b');
    expect(nextStage(f('a', 'b', 'c'), ['c', 'a'])).toBe('b');
    expect(nextStage(f('a', 'b'), ['b', 'a'])).toBeNull();
    expect(nextStage(f(), [])).toBeNull();
  });
});

describe('resolveFlow', () => {
  const flows = frozen([f('m.login.dummy'), f('m.login.recaptcha', 'm.login.terms')]);
  test('keeps a preferred flow the server still offers, as the server object', () => {
    expect(resolveFlow(flows, {}, [], { stages: ['m.login.recaptcha', 'm.login.terms'] })).toBe(flows[1]);
  });
  test('a preferred flow no longer offered is replaced by the best choice', () => {
    expect(resolveFlow(flows, {}, [], f('m.login.password'))).toBe(flows[0]);
  });
  test('a preferred flow inconsistent with completed is dropped', () => {
    const three = frozen([f('a', 'b'), f('c', 'd')]);
    expect(resolveFlow(three, {}, ['c'], f('a', 'b'))).toBe(three[1]);
  });
  test('without a preferred flow it is chooseFlow', () => {
    expect(resolveFlow(flows, {}, [], null)).toBe(flows[0]);
    expect(resolveFlow(flows, {}, [], undefined)).toBe(flows[0]);
  });
  test('sameStages compares order and length', () => {
    expect(sameStages(f('a', 'b'), f('a', 'b'))).toBe(true);
    expect(sameStages(f('a', 'b'), f('b', 'a'))).toBe(false);
    expect(sameStages(f('a'), f('a', 'b'))).toBe(false);
  });
});

describe('decideNextStep', () => {
  const base = { completed: [] as string[], preferredFlow: null, currentStage: null };
  test('noFlow carries the NoAuthFlowFoundError', () => {
    const step = decideNextStep({ ...base, flows: [f(EMAIL)] });
    expect(step.kind).toBe('noFlow');
    if (step.kind === 'noFlow') expect(step.error).toBeInstanceOf(NoAuthFlowFoundError);
  });
  test('flowComplete when every stage is completed', () => {
    const flows = frozen([f('a', 'b')]);
    expect(decideNextStep({ ...base, flows, completed: ['b', 'a'] })).toEqual({ kind: 'flowComplete', flow: flows[0] });
  });
  test('stage, with same=false for a new stage and same=true for the open one', () => {
    const flows = frozen([f('a', 'b')]);
    expect(decideNextStep({ ...base, flows, completed: ['a'] })).toEqual({ kind: 'stage', flow: flows[0], stage: 'b', same: false });
    expect(decideNextStep({ ...base, flows, completed: ['a'], currentStage: 'b' })).toEqual({ kind: 'stage', flow: flows[0], stage: 'b', same: true });
  });
  test('follows the flow the server followed (completed) over the preferred one', () => {
    const flows = frozen([f('a', 'b'), f('c', 'd')]);
    const step = decideNextStep({ ...base, flows, completed: ['c'], preferredFlow: flows[0]!, currentStage: 'a' });
    expect(step).toEqual({ kind: 'stage', flow: flows[1], stage: 'd', same: false });
  });
  test('a preferred flow is followed while consistent', () => {
    const flows = frozen([f('a'), f('c', 'd')]);
    expect(decideNextStep({ ...base, flows, preferredFlow: { stages: ['c', 'd'] } })).toMatchObject({ kind: 'stage', stage: 'c' });
  });
  test('sameMembers ignores order', () => {
    expect(sameMembers(['a', 'b'], ['b', 'a'])).toBe(true);
    expect(sameMembers(['a'], ['a', 'b'])).toBe(false);
    expect(sameMembers(['a', 'c'], ['a', 'b'])).toBe(false);
    expect(sameMembers([], [])).toBe(true);
  });
});
