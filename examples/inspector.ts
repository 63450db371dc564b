/**
 * Guide: watch the chart with an inspector (docs/guides/inspector.md).
 *
 * `createUiaActor({ inspect: sanitizedInspector(observer) })` passes every inspection event through
 * the sanitizer first, so an inspector or a log sees states, events and context, but never a
 * password, token, captcha response or code. A raw observer is refused.
 */
import type { InspectionEvent } from 'xstate';
import { createUiaActor, sanitizedInspector, stageMachines, type UiaActor, type UiaOptions } from 'matrix-uia';

/** Starts a negotiation that logs each transition and event, credentials redacted. */
export function startLogged<T>(options: UiaOptions<T>, log: (line: string) => void): UiaActor {
  const actor = createUiaActor({
    stages: stageMachines,
    ...options,
    inspect: sanitizedInspector((e: InspectionEvent) => {
      if (e.type === '@xstate.event' && e.actorRef === actor) log(`event ${JSON.stringify(e.event)}`);
      if (e.type === '@xstate.snapshot' && e.actorRef === actor) log(`state ${JSON.stringify((e.snapshot as { value?: unknown }).value)}`);
    }),
  });
  actor.start();
  actor.send({ type: 'START' });
  return actor;
}
