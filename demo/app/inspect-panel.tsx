/**
 * The "Inspect" switch and its panel: live, sanitised inspection events of the running chart.
 */
import { useSyncExternalStore } from 'react';
import type { InspectStore } from './inspect-store';

/** The panel. */
export function InspectPanel({ store }: { store: InspectStore }) {
  const on = useSyncExternalStore(store.subscribe, store.isOn);
  const lines = useSyncExternalStore(store.subscribe, store.lines);
  return (
    <section className="panel inspect" aria-labelledby="inspect-title">
      <div className="panel-head">
        <h2 id="inspect-title">Inspect</h2>
        <label className="switch">
          <input type="checkbox" role="switch" aria-checked={on} checked={on} onChange={(e) => store.setOn(e.target.checked)} />
          <span>Record inspection events</span>
        </label>
        <button type="button" className="secondary small" onClick={() => store.clear()}>
          Clear
        </button>
      </div>
      <p className="hint">
        Events pass through <code>sanitizeInspectionEvent</code>: passwords, tokens and codes show as <code>[redacted]</code>. The
        Stately inspector (<code>@statelyai/inspect</code>) shows the same stream graphically but loads from stately.ai, so it needs
        the internet; pass its <code>inspect</code> to <code>useInteractiveAuth</code> the same way.
      </p>
      {on && lines.length === 0 && <p className="empty">Waiting for events… start an operation.</p>}
      <ol className="inspect-lines" data-testid="inspect-lines">
        {lines.map((l) => (
          <li key={l.n} className={`inspect-${l.kind}`}>
            <details>
              <summary>
                <span className="chip">{l.kind}</span> <span className="actor">{l.actor}</span> <code>{l.summary}</code>
              </summary>
              {l.detail && <pre>{l.detail}</pre>}
            </details>
          </li>
        ))}
      </ol>
    </section>
  );
}
