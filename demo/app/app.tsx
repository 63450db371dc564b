/**
 * The demo page: pick an operation, fill in its form, and go through the UIA stages the
 * simulated homeserver asks for, with the mailbox, the live statechart and the inspection log
 * beside it.
 */
import { useCallback, useEffect, useMemo, useState } from 'react';
import type { AnyActorRef } from 'xstate';
import { clearUiaSnapshot, loadUiaSnapshot } from 'matrix-uia/browser';
import { createMatrixClient } from 'matrix-uia/fetch';
import { ChartPanel } from './chart-panel';
import type { DemoConfig } from './demo-config';
import { InspectPanel } from './inspect-panel';
import { createInspectStore } from './inspect-store';
import { MailboxPanel } from './mailbox-panel';
import { OPERATIONS, type Operation } from './operations';
import { UiaDialog } from './uia-dialog';

const RUN_KEY = 'matrix-uia-demo:run';
const persistKeyOf = (op: Operation) => `matrix-uia-demo:${op.id}`;

/** A run in progress (what survives a reload: no secret values). */
interface SavedRun {
  opId: Operation['id'];
  values: Record<string, string>;
}

function publicValues(op: Operation, values: Record<string, string>): Record<string, string> {
  const secret = new Set(op.fields.filter((f) => f.secret).map((f) => f.name));
  return Object.fromEntries(Object.entries(values).filter(([k]) => !secret.has(k)));
}

function readSavedRun(): SavedRun | null {
  try {
    const raw = sessionStorage.getItem(RUN_KEY);
    const run = raw ? (JSON.parse(raw) as SavedRun) : null;
    const op = run && OPERATIONS.find((o) => o.id === run.opId);
    return op && loadUiaSnapshot({ key: persistKeyOf(op) }) ? run : null;
  } catch {
    return null;
  }
}

function useDevices(config: DemoConfig): string[] {
  const [devices, setDevices] = useState<string[]>([]);
  useEffect(() => {
    const client = createMatrixClient({ baseUrl: config.homeserverUrl, accessToken: config.demoUser.accessToken });
    const controller = new AbortController();
    client
      .request<{ devices: { device_id: string }[] }>('GET', '/_matrix/client/v3/devices', undefined, { signal: controller.signal })
      .then((r) => setDevices(r.devices.map((d) => d.device_id).filter((id) => id !== config.demoUser.deviceId)))
      .catch(() => setDevices([]));
    return () => controller.abort();
  }, [config]);
  return devices;
}

/** The form that starts an operation (or resumes one after a reload). */
function OperationForm(props: { op: Operation; config: DemoConfig; resume: SavedRun | null; onStart: (values: Record<string, string>, resumed: boolean) => void }) {
  const { op, config, resume } = props;
  const devices = useDevices(config);
  const [values, setValues] = useState<Record<string, string>>(() => {
    const init: Record<string, string> = {};
    for (const f of op.fields) init[f.name] = resume?.values[f.name] ?? f.initial?.(config) ?? '';
    return init;
  });
  useEffect(() => {
    const first = devices[0];
    if (first && op.fields.some((f) => f.options === 'devices') && !values.deviceId) setValues((v) => ({ ...v, deviceId: first }));
  }, [devices, op, values.deviceId]);
  const missing = op.fields.some((f) => f.type !== 'email' && !values[f.name]);
  return (
    <form
      className="op-form"
      aria-labelledby={`op-${op.id}-title`}
      onSubmit={(e) => {
        e.preventDefault();
        props.onStart(resume ? { ...resume.values, ...values } : { ...values, ...(op.prepare?.(config) ?? {}) }, Boolean(resume));
      }}
    >
      <h2 id={`op-${op.id}-title`}>{op.title}</h2>
      <p className="hint">{op.description}</p>
      {resume && (
        <p className="note" role="status">
          A negotiation of this operation was interrupted by a reload. {op.fields.some((f) => f.secret) ? 'Enter the password again (it is never stored) to resume it.' : 'Resume it.'}
        </p>
      )}
      {op.fields.map((f) => (
        <div key={f.name} className="field">
          <label htmlFor={`f-${op.id}-${f.name}`}>{f.label}</label>
          {f.type === 'select' ? (
            <select id={`f-${op.id}-${f.name}`} value={values[f.name] ?? ''} onChange={(e) => setValues({ ...values, [f.name]: e.target.value })}>
              {devices.map((d) => (
                <option key={d} value={d}>
                  {d}
                </option>
              ))}
            </select>
          ) : (
            <input
              id={`f-${op.id}-${f.name}`}
              type={f.type}
              autoComplete={f.autoComplete}
              value={values[f.name] ?? ''}
              readOnly={Boolean(resume) && !f.secret}
              onChange={(e) => setValues({ ...values, [f.name]: e.target.value })}
            />
          )}
        </div>
      ))}
      <button type="submit" disabled={missing}>
        {resume ? 'Resume' : op.button}
      </button>
    </form>
  );
}

/** The whole page. */
export function App({ config }: { config: DemoConfig }) {
  const [resume, setResume] = useState<SavedRun | null>(() => readSavedRun());
  const [selected, setSelected] = useState<Operation['id']>(resume?.opId ?? 'change-password');
  const [running, setRunning] = useState<{ op: Operation; values: Record<string, string>; n: number } | null>(null);
  const [actor, setActor] = useState<AnyActorRef | null>(null);
  const inspect = useMemo(() => createInspectStore(), []);
  const observe = useCallback((e: Parameters<typeof inspect.observe>[0]) => inspect.observe(e), [inspect]);
  const op = OPERATIONS.find((o) => o.id === selected)!;

  // An operation without secret fields resumes by itself after a reload.
  useEffect(() => {
    if (!resume) return;
    const rop = OPERATIONS.find((o) => o.id === resume.opId)!;
    if (!rop.fields.some((f) => f.secret)) {
      setRunning({ op: rop, values: resume.values, n: 1 });
      setResume(null);
    }
  }, [resume]);

  const start = (values: Record<string, string>, resumed: boolean) => {
    if (!resumed) clearUiaSnapshot({ key: persistKeyOf(op) });
    sessionStorage.setItem(RUN_KEY, JSON.stringify({ opId: op.id, values: publicValues(op, values) } satisfies SavedRun));
    setResume(null);
    setRunning((r) => ({ op, values, n: (r?.n ?? 0) + 1 }));
  };
  const close = () => {
    sessionStorage.removeItem(RUN_KEY);
    setRunning(null);
  };
  const run = useMemo(() => (running ? running.op.run(running.values, config) : null), [running, config]);

  return (
    <div className="layout">
      <header className="top">
        <h1>matrix-uia demo</h1>
        <p>
          User-Interactive Authentication against a simulated homeserver at <code>{config.homeserverUrl}</code>, driven by the{' '}
          <code>useInteractiveAuth</code> hook.
        </p>
      </header>
      <main className="main">
        <nav aria-label="Operations" className="ops">
          {OPERATIONS.map((o) => (
            <button
              key={o.id}
              type="button"
              className={o.id === selected ? 'tab selected' : 'tab'}
              aria-pressed={o.id === selected}
              disabled={running !== null}
              onClick={() => setSelected(o.id)}
            >
              {o.title}
            </button>
          ))}
        </nav>
        <aside className="accounts" aria-label="Demo accounts">
          <strong>Demo data</strong>
          <dl>
            <dt>Account</dt>
            <dd>
              <code>{config.demoUser.userId}</code>, password <code data-testid="demo-password">{config.demoUser.password}</code>
            </dd>
            <dt>Deactivation</dt>
            <dd>
              <code>{config.leavingUser.userId}</code> (signs in with SSO)
            </dd>
            <dt>Registration token</dt>
            <dd>
              <code data-testid="registration-token">{config.registrationToken}</code>
            </dd>
          </dl>
        </aside>
        <div className="work" role="region" aria-label="Operation">
          {running && run ? (
            <UiaDialog
              key={running.n}
              operation={running.op}
              run={run}
              values={running.values}
              persistKey={persistKeyOf(running.op)}
              inspect={observe}
              onActor={setActor}
              onClose={close}
            />
          ) : (
            <OperationForm key={`${op.id}-${resume ? 'resume' : 'new'}`} op={op} config={config} resume={resume?.opId === op.id ? resume : null} onStart={start} />
          )}
        </div>
      </main>
      <div className="side">
        <MailboxPanel url={config.outboxUrl} />
        <InspectPanel store={inspect} />
      </div>
      <ChartPanel actor={actor} />
    </div>
  );
}
