/**
 * Waits for tests that wait on what their assertion is about, never on a fixed amount of time,
 * so no verdict depends on how busy the machine is.
 *
 * Each wait ends as soon as its condition holds. The timeout each one takes is only a hang guard:
 * it turns a wait that would never end into a failure naming what was awaited, and a wait that
 * ends gets nowhere near it, however loaded the machine.
 */
import { waitFor, type AnyActorRef, type InspectionEvent, type SnapshotFrom } from 'xstate';
import type { UiaActor } from '../../src/api/create-uia-machine';
import type { UiaSnapshot } from '../../src/api/selectors';

/** The hang guard of every wait here (ms). */
export const HANG_GUARD_MS = 10_000;

/** xstate's `waitFor` with the hang guard: resolves with the first snapshot of `actor` satisfying `predicate`. */
export function waitForSnapshot<A extends AnyActorRef>(actor: A, predicate: (s: SnapshotFrom<A>) => boolean): Promise<SnapshotFrom<A>> {
  return waitFor(actor, predicate, { timeout: HANG_GUARD_MS });
}

/** Resolves with the final snapshot once the negotiation has ended (done, failed or cancelled). */
export function ended(actor: UiaActor): Promise<UiaSnapshot> {
  return waitForSnapshot(actor, (s) => s.status !== 'active');
}

/**
 * Resolves once the chart has routed the answer to its foreground request: it waits for the user
 * (`awaitingStage`), polls in the background (`polling`), or has ended. Taken either way the
 * regression went, so the test's own assertions say what was wrong, not a timeout.
 */
export function routed(actor: UiaActor): Promise<UiaSnapshot> {
  return waitForSnapshot(actor, (s) => s.status !== 'active' || s.matches('awaitingStage') || s.matches('polling'));
}

/**
 * Resolves once `cond` holds, checked now and after every snapshot of any actor in `actor`'s
 * system (the chart, its stage child, its request and token actors), as its inspection stream
 * reports them. For conditions on a child (the stage machine) or on what the actors' side effects
 * changed (a request recorded, an email sent): each such change is followed by a snapshot.
 */
export function untilSystem(actor: AnyActorRef, cond: () => boolean, what: string): Promise<void> {
  if (cond()) return Promise.resolve();
  return new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      sub.unsubscribe();
      reject(new Error(`hang guard: still waiting for ${what} after ${HANG_GUARD_MS} ms`));
    }, HANG_GUARD_MS);
    const sub = actor.system.inspect((e: InspectionEvent) => {
      if (e.type !== '@xstate.snapshot' || !cond()) return;
      clearTimeout(timer);
      sub.unsubscribe();
      resolve();
    });
  });
}

/**
 * Lets everything already queued to run "as soon as possible" run: microtasks, immediates, and
 * timers set with no delay — XState reports an actor's unhandled error by throwing it from
 * `setTimeout(fn)`, which Jest then charges to the running test.
 *
 * Deterministic, not a wait for time to pass: Node runs zero-delay timers in the order they were
 * set, so the `setTimeout(r, 0)` here runs after every such timer set before it, however late
 * they all fire. (Immediates alone would not do: an immediate set from an I/O callback runs
 * before a zero-delay timer set just before it.) Three rounds cover a report set from a
 * microtask or immediate of the round before. Only for "nothing else happens" checks, after
 * waiting for the positive event that must come first (the negotiation's end, a last request).
 */
export async function drain(): Promise<void> {
  for (let round = 0; round < 3; round++) {
    await new Promise((r) => setTimeout(r, 0));
    await new Promise((r) => setImmediate(r));
  }
}
