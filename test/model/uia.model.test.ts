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

/**
 * Deterministic under load: the paths are generated once, at collection (bounded by the model,
 * not by time), and played in chunks of {@link CHUNK} paths, one test each, so no test's verdict
 * depends on how fast the machine is. A chunk normally takes well under a second; its timeout
 * only guards against a hang. A chunk whose test has ended (timed out) stops between paths
 * instead of running on in the background and logging after the tests are done.
 */
const CHUNK = 100;
const HANG_GUARD_MS = 120_000;

const EDGE_PATHS = edgePaths();
const SIMPLE_PATHS = simplePaths();

function chunks<T>(items: T[]): { index: number; of: number; items: T[] }[] {
  const out: { index: number; of: number; items: T[] }[] = [];
  for (let i = 0; i < items.length; i += CHUNK) out.push({ index: out.length + 1, of: Math.ceil(items.length / CHUNK), items: items.slice(i, i + CHUNK) });
  return out;
}

/** Bumped after each test: a chunk still playing for an ended test stops at its next path. */
let testGeneration = 0;
beforeEach(() => jest.useFakeTimers());
afterEach(() => {
  testGeneration++;
  jest.useRealTimers();
});

/** Edges (`state key` + `event key`) taken by the paths played so far in this file. */
const taken = new Set<string>();
const edgeKey = (from: string, event: string) => `${from} --${event}-->`;

/** Plays paths, recording the edges taken; returns the disagreements found. */
async function playAll(paths: ModelEvent[][]): Promise<string[]> {
  const generation = testGeneration;
  const failures: string[] = [];
  for (const path of paths) {
    if (generation !== testGeneration) break;
    const failure = await playPath(path, ({ before, event }) => taken.add(edgeKey(modelStateKey(before), modelEventKey(event))));
    if (failure) failures.push(failure);
  }
  return failures;
}

const EDGE_CHUNKS = chunks(EDGE_PATHS);
/** Edge chunks played so far (the coverage test plays the rest when run alone). */
const playedEdgeChunks = new Set<number>();

test('the generated path sets are large enough to mean something', () => {
  expect(EDGE_PATHS.length).toBeGreaterThan(100);
  expect(SIMPLE_PATHS.length).toBeGreaterThan(100);
});

test.each(EDGE_CHUNKS)('edge paths, chunk $index of $of: the real chart follows the model', async ({ index, items }) => {
  const failures = await playAll(items);
  playedEdgeChunks.add(index);
  // The first few are enough to see what is wrong; the count says how widespread it is.
  expect({ count: failures.length, first: failures.slice(0, 5) }).toEqual({ count: 0, first: [] });
}, HANG_GUARD_MS);

test.each(chunks(SIMPLE_PATHS))('simple paths to a final state over the core events, chunk $index of $of: the real chart follows the model', async ({ items }) => {
  const failures = await playAll(items);
  expect({ count: failures.length, first: failures.slice(0, 5) }).toEqual({ count: 0, first: [] });
}, HANG_GUARD_MS);

test('every edge of the model adjacency map was taken by a played path', async () => {
  for (const chunk of EDGE_CHUNKS) if (!playedEdgeChunks.has(chunk.index)) await playAll(chunk.items);
  const edges = modelEdges();
  expect(edges.length).toBeGreaterThan(1000);
  const missing = edges.filter((e) => !taken.has(edgeKey(e.from, e.event))).map((e) => `${e.from} --${e.event}--> ${e.to}`);
  expect(missing).toEqual([]);
}, HANG_GUARD_MS);
