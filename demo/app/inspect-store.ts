/**
 * The "Inspect" switch's event log: a tiny external store of sanitised XState inspection
 * events, read with `useSyncExternalStore`. Events are recorded only while the switch is on.
 */
import type { InspectionEvent } from 'xstate';

/** One line of the log. */
export interface InspectLine {
  n: number;
  kind: string;
  actor: string;
  summary: string;
  detail: string;
}

const MAX = 200;

function safeJson(v: unknown): string {
  const seen = new WeakSet<object>();
  try {
    return JSON.stringify(
      v,
      (_k, val: unknown) => {
        if (typeof val === 'object' && val !== null) {
          // Actor refs and cycles: print a name, not the object graph.
          if ('sessionId' in val && 'send' in val) return `[actor ${(val as { id?: string }).id ?? ''}]`;
          if (seen.has(val)) return '[circular]';
          seen.add(val);
        }
        return val;
      },
      1,
    );
  } catch {
    return String(v);
  }
}

function describe(e: InspectionEvent, n: number): InspectLine {
  const actor = (e.actorRef as { id?: string }).id ?? '?';
  if (e.type === '@xstate.event') {
    const ev = e.event as { type: string };
    return { n, kind: 'event', actor, summary: ev.type, detail: safeJson(ev) };
  }
  if (e.type === '@xstate.snapshot') {
    const s = e.snapshot as { value?: unknown; status?: string };
    return { n, kind: 'snapshot', actor, summary: `${safeJson(s.value ?? null)} (${s.status ?? ''})`, detail: safeJson((s as { context?: unknown }).context ?? null) };
  }
  if (e.type === '@xstate.actor') return { n, kind: 'actor', actor, summary: 'created', detail: '' };
  if (e.type === '@xstate.action') {
    const a = (e as unknown as { action: { type: string; params: unknown } }).action;
    return { n, kind: 'action', actor, summary: a.type, detail: safeJson(a.params ?? null) };
  }
  return { n, kind: e.type, actor, summary: '', detail: '' };
}

/** The store. */
export function createInspectStore() {
  let lines: InspectLine[] = [];
  let on = false;
  let n = 0;
  const listeners = new Set<() => void>();
  const notify = () => listeners.forEach((l) => l());
  // Inspection events arrive synchronously from XState, also while React renders another
  // component (the hook creates its actor during UiaDialog's render): telling the panel then
  // makes React warn "Cannot update a component (InspectPanel) while rendering a different
  // component (UiaDialog)". The panel is told once per microtask, after the render.
  let scheduled = false;
  const notifyLater = () => {
    if (scheduled) return;
    scheduled = true;
    queueMicrotask(() => {
      scheduled = false;
      notify();
    });
  };
  return {
    /** The observer handed to `useInteractiveAuth({inspect})` (events arrive sanitised). */
    observe(e: InspectionEvent) {
      if (!on) return;
      lines = [describe(e, ++n), ...lines].slice(0, MAX);
      notifyLater();
    },
    setOn(v: boolean) {
      on = v;
      notify();
    },
    clear() {
      lines = [];
      notify();
    },
    get on() {
      return on;
    },
    subscribe(l: () => void) {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    lines: () => lines,
    isOn: () => on,
  };
}

/** The store type. */
export type InspectStore = ReturnType<typeof createInspectStore>;
