/**
 * The slice of a UIA actor the browser helpers use.
 *
 * Both `createUiaActor(...)` and `useActorRef(createUiaMachine(...))` fit, so the helpers work
 * with or without React and never need to know how the actor was made.
 */
import type { UiaEvent } from '../../machines/uia.types';
import type { UiaSnapshot } from '../api/selectors';

/** What the browser helpers need from a running UIA actor. */
export interface UiaActorLike {
  /** Sends an event to the parent chart. */
  send(event: UiaEvent): void;
  /** The parent chart's current snapshot. */
  getSnapshot(): UiaSnapshot;
  /** Observes snapshots; `complete` fires when the actor ends or is stopped. */
  subscribe(observer: { next?: (snapshot: UiaSnapshot) => void; error?: (err: unknown) => void; complete?: () => void }): {
    /** Stops the observer. */
    unsubscribe(): void;
  };
}

/**
 * Calls `onEnd` once when the actor reaches a final state, errors or is stopped.
 *
 * Returns the unsubscribe function. Note that `@xstate/react` mutes an actor's observers before
 * stopping it on unmount, so React code must also dispose explicitly in its effect cleanup.
 */
export function onActorEnd(actor: UiaActorLike, onEnd: () => void): () => void {
  let ended = false;
  const end = () => {
    if (ended) return;
    ended = true;
    onEnd();
  };
  if (actor.getSnapshot().status !== 'active') {
    end();
    return () => {};
  }
  const sub = actor.subscribe({
    next: (s) => {
      if (s.status !== 'active') end();
    },
    error: end,
    complete: end,
  });
  return () => sub.unsubscribe();
}
