/**
 * Model-based tests of the parent chart: paths generated from the abstract model
 * (test/helpers/model-uia.ts) with xstate/graph are played against the real actor
 * (`createUiaActor` with a controllable request function, fake timers), and after every step the
 * real chart must be where the model says, with its invariants (one request in flight at most,
 * `busy` exactly while a foreground request is pending or waiting out a 429, no timer or request
 * left in a final state, late answers to abandoned requests ignored).
 *
 * The edge paths take every edge of the model's adjacency map; the last test checks that they
 * did, listing any edge left out.
 */
import { edgePaths, modelEdges, simplePaths } from '../helpers/model-paths';
import { playPath } from '../helpers/model-driver';
import { modelEventKey, modelStateKey, type ModelEvent } from '../helpers/model-uia';

// Hundreds of paths through the real chart: on a loaded machine this takes well over Jest's
// default 20 s, and the verdict must not depend on CPU speed.
jest.setTimeout(180_000);

beforeEach(() => jest.useFakeTimers());
afterEach(() => jest.useRealTimers());

/** Edges (`state key` + `event key`) taken by the paths played so far in this file. */
const taken = new Set<string>();
const edgeKey = (from: string, event: string) => `${from} --${event}-->`;

/** Plays paths, recording the edges taken; returns the disagreements found. */
async function playAll(paths: ModelEvent[][]): Promise<string[]> {
  const failures: string[] = [];
  for (const path of paths) {
    const failure = await playPath(path, ({ before, event }) => taken.add(edgeKey(modelStateKey(before), modelEventKey(event))));
    if (failure) failures.push(failure);
  }
  return failures;
}

/** The edge paths, played once for this file, whichever of its tests runs first (or alone). */
let edgeRun: Promise<{ paths: number; failures: string[] }> | undefined;
function playEdgePaths() {
  edgeRun ??= (async () => {
    const paths = edgePaths();
    return { paths: paths.length, failures: await playAll(paths) };
  })();
  return edgeRun;
}

test('every edge path: the real chart follows the model', async () => {
  const { paths, failures } = await playEdgePaths();
  expect(paths).toBeGreaterThan(100);
  // The first few are enough to see what is wrong; the count says how widespread it is.
  expect({ count: failures.length, first: failures.slice(0, 5) }).toEqual({ count: 0, first: [] });
});

test('every simple path to a final state over the core events: the real chart follows the model', async () => {
  const paths = simplePaths();
  expect(paths.length).toBeGreaterThan(100);
  const failures = await playAll(paths);
  expect({ count: failures.length, first: failures.slice(0, 5) }).toEqual({ count: 0, first: [] });
});

test('every edge of the model adjacency map was taken by a played path', async () => {
  await playEdgePaths();
  const edges = modelEdges();
  expect(edges.length).toBeGreaterThan(1000);
  const missing = edges.filter((e) => !taken.has(edgeKey(e.from, e.event))).map((e) => `${e.from} --${e.event}--> ${e.to}`);
  expect(missing).toEqual([]);
});
