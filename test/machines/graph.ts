/**
 * Helpers for the graph-based tests: every leaf state of a machine (from `machine.root`, so a
 * new state cannot be forgotten), which of them are transient (left at once by an unguarded
 * `always`), the leaf ids of a snapshot, and the microsteps of a step, to see transient states.
 */
import { createEmptyActor, type AnyActorScope, type AnyMachineSnapshot, type AnyStateMachine, type AnyStateNode, type EventObject } from 'xstate';

/** Every state node under `node`. */
export function allStateNodes(node: AnyStateNode): AnyStateNode[] {
  return Object.values(node.states as Record<string, AnyStateNode>).flatMap((n) => [n, ...allStateNodes(n)]);
}

/** Ids of every leaf state (atomic or final) of the machine. */
export function leafIds(machine: AnyStateMachine): string[] {
  return allStateNodes(machine.root)
    .filter((n) => n.type === 'atomic' || n.type === 'final')
    .map((n) => n.id)
    .sort();
}

/** Leaf states left at once by an unguarded `always` transition: never a resting value. */
export function transientIds(machine: AnyStateMachine): string[] {
  return allStateNodes(machine.root)
    .filter((n) => (n.always ?? []).some((t: { guard?: unknown }) => !t.guard))
    .map((n) => n.id)
    .sort();
}

/** The leaf ids a snapshot is in. */
export function snapshotLeafIds(snapshot: AnyMachineSnapshot): string[] {
  return (snapshot._nodes as AnyStateNode[]).filter((n) => n.type === 'atomic' || n.type === 'final').map((n) => n.id);
}

/** An actor scope for pure transitions (no parent, no side effects), like xstate/graph's own. */
export function mockActorScope(): AnyActorScope {
  const self = createEmptyActor();
  return {
    self,
    logger: () => {},
    id: '',
    sessionId: 'test',
    defer: () => {},
    system: self.system,
    stopChild: () => {},
    emit: () => {},
    actionExecutor: () => {},
  } as unknown as AnyActorScope;
}

/** Leaf ids of every microstep `event` takes from `snapshot` (transient states included). */
export function microstepLeafIds(machine: AnyStateMachine, snapshot: AnyMachineSnapshot, event: EventObject): string[] {
  return machine.microstep(snapshot, event as never, mockActorScope()).flatMap((s: AnyMachineSnapshot) => snapshotLeafIds(s));
}

/**
 * The machine with every `sendParent` action replaced by a no-op: a stage machine's structure
 * can then be walked without a parent (xstate/graph runs machines without one).
 */
export function withoutParentSends<M extends AnyStateMachine>(machine: M): M {
  const actions = (machine.implementations.actions ?? {}) as Record<string, unknown>;
  const noops: Record<string, () => void> = {};
  for (const [name, impl] of Object.entries(actions)) {
    const to = (impl as { type?: string; to?: unknown }).to;
    if ((impl as { type?: string }).type === 'xstate.sendTo' && to === '#_parent') noops[name] = () => {};
  }
  return machine.provide({ actions: noops } as never) as M;
}
