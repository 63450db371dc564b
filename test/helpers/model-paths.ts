/**
 * Test paths through the UIA model, generated with xstate/graph's `TestModel`.
 *
 * - Edge paths: for every edge of the model's adjacency map (state × event → next state), the
 *   shortest path to the edge's state followed by the edge's event. Played together they take
 *   every edge at least once; paths that are a prefix of another are dropped.
 * - Simple paths: every path without a repeated state that ends in a final state, over a core of
 *   events (the stages submitted, answered with challenges, progress, success, 429s and their
 *   waits, and poll timers); others would make the count explode (tens of thousands).
 */
import { TestModel } from 'xstate/graph';
import type { TransitionSnapshot } from 'xstate';
import type { AdjacencyMap } from 'xstate/graph';
import { isFinal, modelEventKey, modelEvents, modelStateKey, uiaModelLogic, type ModelEvent, type ModelState } from './model-uia';

type ModelSnapshot = TransitionSnapshot<ModelState>;
type ModelTransition = { event: ModelEvent; state: ModelSnapshot };

/** An edge of the model: its state's key, its event's key, and the key of where it leads. */
export interface ModelEdge {
  from: string;
  event: string;
  to: string;
}

/** The model wrapped for xstate/graph, with the events the environment can send in each state. */
export function createModelTestModel(filter?: (event: ModelEvent) => boolean) {
  return new TestModel<ModelSnapshot, ModelEvent, undefined>(uiaModelLogic, {
    events: (s: ModelSnapshot) => (filter ? modelEvents(s.context).filter(filter) : modelEvents(s.context)),
    serializeState: (s: ModelSnapshot) => modelStateKey(s.context),
    serializeEvent: (e: ModelEvent) => modelEventKey(e) as never,
  });
}

/** Every edge of the model's adjacency map. */
export function modelEdges(): ModelEdge[] {
  const adjacency: AdjacencyMap<ModelSnapshot, ModelEvent> = createModelTestModel().getAdjacencyMap();
  return Object.entries(adjacency).flatMap(([from, v]) =>
    (Object.entries(v.transitions) as [string, ModelTransition][]).map(([event, t]) => ({ from, event, to: modelStateKey(t.state.context) })),
  );
}

/** The events of a generated path (xstate/graph starts each with `xstate.init`). */
function eventsOf(path: { steps: { event: { type: string } }[] }): ModelEvent[] {
  return path.steps.map((s) => s.event).filter((e) => e.type !== 'xstate.init') as ModelEvent[];
}

/** Drops every event list that is a prefix of another (played longer, it covers the same). */
export function withoutPrefixes(paths: ModelEvent[][]): ModelEvent[][] {
  const keyed = paths.map((p) => ({ p, key: p.map((e) => `${modelEventKey(e)}\u0001`).join('') }));
  keyed.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  // Sorted, a key that prefixes any other prefixes the very next one.
  return keyed.filter((k, i) => !(keyed[i + 1]?.key.startsWith(k.key))).map((k) => k.p);
}

/** One path per edge of the adjacency map: the shortest way to its state, then its event. */
export function edgePaths(): ModelEvent[][] {
  const model = createModelTestModel();
  const toState = new Map<string, ModelEvent[]>();
  for (const path of model.getShortestPaths({ allowDuplicatePaths: true })) toState.set(modelStateKey(path.state.context), eventsOf(path));
  const adjacency: AdjacencyMap<ModelSnapshot, ModelEvent> = model.getAdjacencyMap();
  const paths: ModelEvent[][] = [];
  for (const [from, v] of Object.entries(adjacency)) {
    const prefix = toState.get(from);
    if (!prefix) throw new Error(`no shortest path to model state ${from}`);
    for (const t of Object.values(v.transitions) as ModelTransition[]) paths.push([...prefix, t.event]);
  }
  return withoutPrefixes(paths);
}

/** The core events simple paths are drawn over. */
export const SIMPLE_PATH_EVENTS: ReadonlySet<ModelEvent['type']> = new Set([
  'START',
  'SUBMIT',
  'ANSWER.CHALLENGE',
  'ANSWER.ADVANCE',
  'ANSWER.SUCCESS',
  'ANSWER.RATE_LIMITED',
  'TIMER.RETRY',
  'TIMER.POLL',
]);

/** Every simple path to a final state over {@link SIMPLE_PATH_EVENTS}. */
export function simplePaths(): ModelEvent[][] {
  const model = createModelTestModel((e) => SIMPLE_PATH_EVENTS.has(e.type));
  return model.getSimplePaths({ toState: (s: ModelSnapshot) => isFinal(s.context.value) }).map(eventsOf);
}
