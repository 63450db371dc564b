/**
 * The state tree of a machine definition, flattened for drawing: each state with its children,
 * tags, kind, and outgoing transitions (event, guard, targets). Read from XState's `StateNode`
 * objects, so the drawing is always the chart that runs, never a hand-made copy.
 */
import type { AnyStateMachine } from 'xstate';

/** One outgoing transition, as drawn. */
export interface ChartEdge {
  /** The event (`PASSWORD.SUBMIT`), `after <delay>`, `done: <actor>`, `error: <actor>`, or `always`. */
  label: string;
  guard: string | null;
  targets: string[];
}

/** One state, as drawn. */
export interface ChartNode {
  /** Full id, e.g. `uia.polling.waiting`. */
  id: string;
  key: string;
  kind: 'atomic' | 'compound' | 'parallel' | 'final' | 'history';
  tags: string[];
  invokes: string[];
  edges: ChartEdge[];
  children: ChartNode[];
}

interface StateNodeLike {
  id: string;
  key: string;
  type: ChartNode['kind'];
  tags: string[];
  states: Record<string, StateNodeLike>;
  on: Record<string, TransitionLike[]>;
  after: (TransitionLike & { delay: string | number })[];
  always?: TransitionLike[];
  invoke: { id: string }[];
}
interface TransitionLike {
  eventType: string;
  guard?: { type?: string } | string | ((...a: unknown[]) => unknown);
  target?: { id: string }[];
}

function guardName(g: TransitionLike['guard']): string | null {
  if (!g) return null;
  if (typeof g === 'string') return g;
  if (typeof g === 'function') return g.name || 'guard';
  return g.type ?? 'guard';
}

function eventLabel(type: string): string {
  const done = /^xstate\.done\.actor\.(.+)$/.exec(type);
  if (done) return `done: ${done[1]}`;
  const error = /^xstate\.error\.actor\.(.+)$/.exec(type);
  if (error) return `error: ${error[1]}`;
  return type;
}

function edgesOf(node: StateNodeLike, skip: ReadonlySet<string>): ChartEdge[] {
  const edges: ChartEdge[] = [];
  const push = (label: string, t: TransitionLike) => edges.push({ label, guard: guardName(t.guard), targets: (t.target ?? []).map((x) => x.id) });
  for (const [type, list] of Object.entries(node.on)) {
    if (type.startsWith('xstate.after.') || skip.has(type)) continue;
    for (const t of list) push(eventLabel(type), t);
  }
  for (const t of node.after) push(`after ${String(t.delay)}`, t);
  for (const t of node.always ?? []) push('always', t);
  return edges;
}

/**
 * The tree of `machine`. Events in `collapse` (e.g. the parent's forwarded stage events) are
 * left out of the edges, to keep the drawing readable.
 */
export function chartTree(machine: AnyStateMachine, collapse: ReadonlySet<string> = new Set()): ChartNode {
  const walk = (n: StateNodeLike): ChartNode => ({
    id: n.id,
    key: n.key,
    kind: n.type,
    tags: [...n.tags],
    invokes: n.invoke.map((i) => i.id),
    edges: edgesOf(n, collapse),
    children: Object.values(n.states).map(walk),
  });
  return walk(machine.root as unknown as StateNodeLike);
}

/** Ids of the active states for a snapshot `value` (`{polling: 'waiting'}` → `uia`, `uia.polling`, `uia.polling.waiting`). */
export function activeIds(rootId: string, value: unknown): Set<string> {
  const out = new Set<string>([rootId]);
  const walk = (prefix: string, v: unknown) => {
    if (typeof v === 'string') out.add(`${prefix}.${v}`);
    else if (v && typeof v === 'object') {
      for (const [k, sub] of Object.entries(v)) {
        out.add(`${prefix}.${k}`);
        walk(`${prefix}.${k}`, sub);
      }
    }
  };
  walk(rootId, value);
  return out;
}
