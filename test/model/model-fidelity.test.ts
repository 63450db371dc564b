/**
 * The UIA model (test/helpers/model-uia.ts) stays a model of the chart as it is: every leaf state
 * of the chart, read from `uiaMachine.root`, is a state of the model (or a transient one the model
 * passes through), so a state added to the chart without being modelled fails here; and what the
 * model assumes per state (busy tag, request invoked, timer pending, events the user may send) is
 * checked against the chart's definition rather than restated.
 */
import type { AnyStateNode } from 'xstate';
import { uiaMachine } from '../../machines/uia.machine';
import { allStateNodes, leafIds, transientIds } from '../machines/graph';
import { createModelTestModel } from '../helpers/model-paths';
import {
  MODEL_LEAF_IDS,
  MODEL_TRANSIENT_IDS,
  isBusy,
  requestInFlight,
  timerPending,
  valueKey,
  type ChartValue,
} from '../helpers/model-uia';

/** The chart's leaf states, with the ids of the model. */
const chartLeaves = new Map(allStateNodes(uiaMachine.root).map((n) => [n.id, n] as const));

/** A model value for a chart leaf id (`uia.polling.checking.background` → `{polling: {checking: 'background'}}`). */
function valueOf(id: string): ChartValue {
  const [, ...path] = id.split('.');
  return path.reduceRight<unknown>((inner, key) => (inner === undefined ? key : { [key]: inner }), undefined) as ChartValue;
}

/** The node and its ancestors up to the root: tags and invokes of a parent apply to its children. */
function withAncestors(node: AnyStateNode): AnyStateNode[] {
  const out: AnyStateNode[] = [];
  for (let n: AnyStateNode | undefined = node; n; n = n.parent) out.push(n);
  return out;
}

test('every leaf state of the chart is a state of the model, or a transient one it passes through', () => {
  const modelled = [...MODEL_LEAF_IDS, ...MODEL_TRANSIENT_IDS].sort();
  expect(leafIds(uiaMachine)).toEqual(modelled);
  expect(transientIds(uiaMachine)).toEqual([...MODEL_TRANSIENT_IDS].sort());
});

test('the model reaches every one of its states', () => {
  const reached = new Set(Object.values(createModelTestModel().getAdjacencyMap()).map((v) => `uia.${valueKey(v.state.context.value)}`));
  expect([...reached].sort()).toEqual([...MODEL_LEAF_IDS].sort());
});

test.each([...MODEL_LEAF_IDS])('%s: busy tag, request and timer as the chart declares them', (id) => {
  const node = chartLeaves.get(id)!;
  const chain = withAncestors(node);
  const value = valueOf(id);
  expect({ id, busy: chain.some((n) => n.tags.includes('busy')) }).toEqual({ id, busy: isBusy(value) });
  expect({ id, request: chain.some((n) => n.invoke.some((i: { id: string }) => i.id === 'request')) }).toEqual({ id, request: requestInFlight(value) });
  expect({ id, timer: chain.some((n) => n.after.length > 0) }).toEqual({ id, timer: timerPending(value) });
});

test('the user events the model sends are events the chart accepts', () => {
  const descriptors = uiaMachine.root.events as string[];
  // An exact descriptor, or a namespace's partial wildcard (`PASSWORD.*`: the stage's events, forwarded).
  const accepts = (type: string) => descriptors.some((d) => d === type || (d.endsWith('.*') && type.startsWith(d.slice(0, -1))));
  // SUBMIT and DOUBLE_SUBMIT stand for the open stage's own submit event, forwarded to it.
  for (const type of ['START', 'POLL', 'CHOOSE_FLOW', 'PAUSE_POLLING', 'RESUME_POLLING', 'CANCEL', 'PASSWORD.SUBMIT', 'RECAPTCHA.SUBMIT', 'FALLBACK.DONE']) {
    expect({ type, accepted: accepts(type) }).toEqual({ type, accepted: true });
  }
  // Not a blanket wildcard: an event of no stage namespace is not forwarded.
  expect(accepts('NOT.A_STAGE_EVENT')).toBe(false);
});
