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
  /** Id of the initial child of a compound state; `null` otherwise. */
  initial: string | null;
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
  initial?: { target?: { id: string }[] };
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
    initial: n.initial?.target?.[0]?.id ?? null,
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

/** The child of `parent` that is `id` or contains it (`uia.polling.checking` → `uia.polling`). */
function childContaining(parent: ChartNode, id: string): ChartNode | undefined {
  return parent.children.find((c) => id === c.id || id.startsWith(`${c.id}.`));
}

/**
 * The children of a compound state in rows, for drawing top to bottom: the initial state first,
 * then each row the states first reached from the rows above (breadth first over the children's
 * own transitions, including those of their descendants), final states in the last row, and
 * states reached only from the parent's own events (`CANCEL → cancelled`) with the finals.
 */
export function layers(parent: ChartNode): ChartNode[][] {
  const depth = new Map<string, number>();
  const start = parent.initial ? childContaining(parent, parent.initial) : parent.children[0];
  if (!start) return [];
  depth.set(start.id, 0);
  const queue: ChartNode[] = [start];
  const outgoing = (n: ChartNode): ChartEdge[] => [...n.edges, ...n.children.flatMap(outgoing)];
  while (queue.length > 0) {
    const n = queue.shift()!;
    for (const e of outgoing(n)) {
      for (const t of e.targets) {
        const c = childContaining(parent, t);
        if (c && !depth.has(c.id)) {
          depth.set(c.id, depth.get(n.id)! + 1);
          queue.push(c);
        }
      }
    }
  }
  const rows: ChartNode[][] = [];
  const last: ChartNode[] = [];
  for (const c of parent.children) {
    const d = depth.get(c.id);
    if (c.kind === 'final' || d === undefined) last.push(c);
    else (rows[d] ??= []).push(c);
  }
  const dense = rows.filter((r) => r && r.length > 0);
  return last.length > 0 ? [...dense, last] : dense;
}

/** Every node of the tree by id. */
export function nodesById(root: ChartNode): Map<string, ChartNode> {
  const out = new Map<string, ChartNode>();
  const walk = (n: ChartNode) => {
    out.set(n.id, n);
    n.children.forEach(walk);
  };
  walk(root);
  return out;
}

/** The deepest active state (the one to point at), or `null`. */
export function activeLeaf(root: ChartNode, active: ReadonlySet<string>): ChartNode | null {
  let node: ChartNode | undefined = active.has(root.id) ? root : undefined;
  if (!node) return null;
  for (;;) {
    const next: ChartNode | undefined = node.children.find((c) => active.has(c.id));
    if (!next) return node;
    node = next;
  }
}

/**
 * The transitions that apply in `node`: its own, then its ancestors' (nearest first). None in a
 * top-level final state: the machine has stopped there.
 */
export function transitionsIn(root: ChartNode, nodeId: string): { from: ChartNode; edges: ChartEdge[] }[] {
  const byId = nodesById(root);
  const out: { from: ChartNode; edges: ChartEdge[] }[] = [];
  const node = byId.get(nodeId);
  if (node?.kind === 'final' && root.children.includes(node)) return out;
  let id: string | null = nodeId;
  while (id) {
    const n = byId.get(id);
    if (n && n.edges.length > 0) out.push({ from: n, edges: n.edges });
    if (id === root.id) break;
    id = id.includes('.') ? id.slice(0, id.lastIndexOf('.')) : null;
  }
  return out;
}

/** States an active state can go to next (by any of the transitions that apply in it). */
export function nextStates(root: ChartNode, nodeId: string): Set<string> {
  return new Set(transitionsIn(root, nodeId).flatMap((t) => t.edges.flatMap((e) => e.targets)).filter((t) => t !== nodeId));
}
