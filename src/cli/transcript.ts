/**
 * A readable log of a negotiation: each change of the parent chart's state and of the open stage,
 * one line each (`--verbose`, and the `npm start` walkthrough).
 *
 * Only state names, stage types and error codes are printed, never context values, so nothing
 * secret can leak into the log.
 */
import type { AnyActorRef, Subscription } from 'xstate';
import type { UiaSnapshot } from '../api/selectors';
import type { Terminal } from './terminal';

/** Flattens a state value: `{polling: 'waiting'}` → `polling.waiting`. */
export function stateName(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object') {
    return Object.entries(value as Record<string, unknown>)
      .map(([k, v]) => `${k}.${stateName(v)}`)
      .join(',');
  }
  return String(value);
}

/**
 * An `onSnapshot` callback for `runUia` that prints transitions to the terminal.
 *
 * @param prefix - put before each line (indentation).
 */
export function transitionLogger(term: Terminal, prefix = '  '): (snapshot: UiaSnapshot) => void {
  const s = term.style;
  let last = 'idle';
  let watched: AnyActorRef | undefined;
  let stageSub: Subscription | null = null;
  let lastStage = '';
  return (snapshot) => {
    const name = stateName(snapshot.value);
    if (name !== last) {
      const stage = snapshot.context.stage;
      const tail = name === 'done' ? s.green(' ✔') : name === 'failed' || name === 'cancelled' ? s.red(` ✖ ${snapshot.context.error?.code ?? ''}`) : '';
      term.line(`${prefix}${s.dim('chart')} ${last} ${s.dim('→')} ${s.bold(name)}${stage && !['done', 'failed', 'cancelled'].includes(name) ? s.dim(`  [${stage}]`) : ''}${tail}`);
      last = name;
    }
    const stageRef = (snapshot.children as Record<string, AnyActorRef | undefined>).stage;
    if (stageRef !== watched) {
      stageSub?.unsubscribe();
      watched = stageRef;
      lastStage = '';
      if (stageRef) {
        const type = snapshot.context.stage ?? '?';
        const kind = snapshot.context.stageKind ?? '?';
        const show = () => {
          const st = stageRef.getSnapshot() as { value: unknown; status: string };
          const v = stateName(st.value);
          if (v === lastStage || st.status !== 'active') return;
          lastStage = v;
          term.line(`${prefix}${s.dim('stage')} ${s.cyan(type)} ${s.dim(`(${kind})`)} ${s.dim('·')} ${v}`);
        };
        stageSub = stageRef.subscribe({ next: show, error: () => undefined });
        show();
      }
    }
    if (snapshot.status !== 'active') stageSub?.unsubscribe();
  };
}
