/**
 * The demo page: pick an operation, fill in its form, and go through the UIA stages the
 * simulated homeserver asks for, with the live statechart beside the dialog, and the demo data,
 * the mailbox and the inspection log around it.
 *
 * The Demo data box shows the accounts as they are on the server now (`/demo/state.json`, read
 * again after each negotiation, when the page gets focus, and every few seconds), so it is never
 * stale; operations that cannot work on that state (deactivating a closed account, deleting the
 * last device) are not offered. What the user typed in a form (but passwords) is kept across runs
 * and failures.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { AnyActorRef } from 'xstate';
import { clearUiaSnapshot, loadUiaSnapshot } from 'matrix-uia/browser';
import { createMatrixClient, discoverAuthMetadata, type AuthMetadata } from 'matrix-uia/fetch';
import { ChartPanel } from './chart-panel';
import { loadDemoState, resetDemoState, type DemoConfig, type DemoServerId, type DemoState } from './demo-config';
import { InspectPanel } from './inspect-panel';
import { createInspectStore } from './inspect-store';
import { MailboxPanel } from './mailbox-panel';
import { OPERATIONS, otherDevices, type Operation } from './operations';
import { UiaDialog } from './uia-dialog';

const RUN_KEY = 'matrix-uia-demo:run';
const DRAFTS_KEY = 'matrix-uia-demo:drafts';
const SERVER_KEY = 'matrix-uia-demo:server';
const persistKeyOf = (op: Operation, server: DemoServerId) => (server === 'legacy' ? `matrix-uia-demo:${op.id}` : `matrix-uia-demo:${server}:${op.id}`);
/** How often the Demo data box reads the server's state while nothing else prompts it. */
const STATE_REFRESH_MS = 3000;

/** A run in progress (what survives a reload: no secret values). */
interface SavedRun {
  opId: Operation['id'];
  server: DemoServerId;
  values: Record<string, string>;
}

type Drafts = Partial<Record<Operation['id'], Record<string, string>>>;

function publicValues(op: Operation, values: Record<string, string>): Record<string, string> {
  const secret = new Set(op.fields.filter((f) => f.secret).map((f) => f.name));
  return Object.fromEntries(Object.entries(values).filter(([k]) => !secret.has(k)));
}

function readSavedRun(): SavedRun | null {
  try {
    const raw = sessionStorage.getItem(RUN_KEY);
    const run = raw ? (JSON.parse(raw) as SavedRun) : null;
    if (run && run.server !== 'delegated') run.server = 'legacy';
    const op = run && OPERATIONS.find((o) => o.id === run.opId);
    return run && op && loadUiaSnapshot({ key: persistKeyOf(op, run.server) }) ? run : null;
  } catch {
    return null;
  }
}

function readDrafts(): Drafts {
  try {
    const raw = sessionStorage.getItem(DRAFTS_KEY);
    const drafts = raw ? (JSON.parse(raw) as unknown) : {};
    return drafts && typeof drafts === 'object' ? (drafts as Drafts) : {};
  } catch {
    return {};
  }
}

function readServer(): DemoServerId {
  try {
    return sessionStorage.getItem(SERVER_KEY) === 'delegated' ? 'delegated' : 'legacy';
  } catch {
    return 'legacy';
  }
}

/**
 * Whether the homeserver delegates auth: its auth metadata, `null` for a legacy server,
 * `undefined` while asking. (matrix-uia caches the answer per homeserver.) A discovery that
 * fails is taken as a legacy server: the operation's own request then says what is wrong.
 */
function useAuthMetadata(homeserverUrl: string): AuthMetadata | null | undefined {
  const [known, setKnown] = useState<{ url: string; metadata: AuthMetadata | null } | null>(null);
  useEffect(() => {
    const controller = new AbortController();
    discoverAuthMetadata(createMatrixClient({ baseUrl: homeserverUrl }), { signal: controller.signal }).then(
      (metadata) => setKnown({ url: homeserverUrl, metadata }),
      () => {
        if (!controller.signal.aborted) setKnown({ url: homeserverUrl, metadata: null });
      },
    );
    return () => controller.abort();
  }, [homeserverUrl]);
  return known?.url === homeserverUrl ? known.metadata : undefined;
}

/** The demo accounts as they are on the server, re-read on demand, on focus and periodically. */
function useDemoState(server: DemoServerId): { state: DemoState | null; refresh: () => void; reset: () => Promise<void> } {
  const [state, setState] = useState<DemoState | null>(null);
  const last = useRef('');
  const accept = useCallback((s: DemoState) => {
    const text = JSON.stringify(s);
    if (text !== last.current) {
      last.current = text;
      setState(s);
    }
  }, []);
  const current = useRef(server);
  current.current = server;
  const refresh = useCallback(() => {
    loadDemoState(server).then((s) => {
      // An answer about the server shown before a switch is dropped.
      if (current.current === server) accept(s);
    }, () => undefined);
  }, [accept, server]);
  useEffect(() => {
    last.current = '';
    setState(null);
    refresh();
    const timer = setInterval(refresh, STATE_REFRESH_MS);
    const onVisible = () => {
      if (document.visibilityState === 'visible') refresh();
    };
    window.addEventListener('focus', refresh);
    document.addEventListener('visibilitychange', onVisible);
    return () => {
      clearInterval(timer);
      window.removeEventListener('focus', refresh);
      document.removeEventListener('visibilitychange', onVisible);
    };
  }, [refresh]);
  const reset = useCallback(async () => accept(await resetDemoState(server)), [accept, server]);
  return { state, refresh, reset };
}

/** The form that starts an operation (or resumes one after a reload). */
function OperationForm(props: {
  op: Operation;
  config: DemoConfig;
  state: DemoState | null;
  values: Record<string, string>;
  onChange: (values: Record<string, string>) => void;
  resume: SavedRun | null;
  /** The server's kind is not known yet (discovery runs). */
  checking: boolean;
  /** The server delegates auth (it has auth metadata). */
  delegated: boolean;
  onStart: (values: Record<string, string>, resumed: boolean) => void;
  onReset: () => void;
}) {
  const { op, config, state, resume, onChange } = props;
  // A resumed run sends the saved body unchanged: its values win over the draft.
  const values = resume ? { ...props.values, ...resume.values } : props.values;
  const devices = state ? otherDevices(state) : [];
  // A device deleted meanwhile is no longer offered: fall back to the first one left.
  const deviceField = op.fields.find((f) => f.options === 'devices');
  const deviceIds = devices.map((d) => d.deviceId).join(' ');
  useEffect(() => {
    if (!deviceField) return;
    const ids = deviceIds ? deviceIds.split(' ') : [];
    const current = values[deviceField.name];
    if (ids.length > 0 && (!current || !ids.includes(current))) onChange({ ...values, [deviceField.name]: ids[0]! });
  }, [deviceField, deviceIds, values, onChange]);
  const unavailable = state && !resume ? (op.unavailable?.(state) ?? null) : null;
  const missing = op.fields.some((f) => f.required && !values[f.name]?.trim());
  const hintId = `op-${op.id}-unavailable`;
  return (
    <form
      className="op-form"
      aria-labelledby={`op-${op.id}-title`}
      onSubmit={(e) => {
        e.preventDefault();
        if (unavailable || missing || props.checking) return;
        props.onStart(resume ? values : { ...values, ...(op.prepare?.(config) ?? {}) }, Boolean(resume));
      }}
    >
      <h2 id={`op-${op.id}-title`}>{op.title}</h2>
      <p className="hint">{op.description}</p>
      {props.delegated && op.elsewhere && (
        <p className="note" data-testid="delegated-note">
          {op.elsewhere} The request is not sent: this page gives you the link instead.
        </p>
      )}
      {resume && (
        <p className="note" role="status">
          A negotiation of this operation was interrupted by a reload. {op.fields.some((f) => f.secret) ? 'Enter the password again (it is never stored) to resume it.' : 'Resume it.'}
        </p>
      )}
      {unavailable && (
        <div className="note unavailable" id={hintId} data-testid="unavailable">
          <p>{unavailable} Reset the demo data to try it again.</p>
          <button type="button" className="secondary small" onClick={props.onReset}>
            Reset the demo data
          </button>
        </div>
      )}
      {op.fields.map((f) => (
        <div key={f.name} className="field">
          <label htmlFor={`f-${op.id}-${f.name}`}>{f.label}</label>
          {f.type === 'select' ? (
            <select
              id={`f-${op.id}-${f.name}`}
              value={values[f.name] ?? ''}
              required={f.required}
              disabled={Boolean(unavailable)}
              onChange={(e) => onChange({ ...values, [f.name]: e.target.value })}
            >
              {devices.map((d) => (
                <option key={d.deviceId} value={d.deviceId}>
                  {d.displayName ? `${d.displayName} (${d.deviceId})` : d.deviceId}
                </option>
              ))}
            </select>
          ) : (
            <input
              id={`f-${op.id}-${f.name}`}
              type={f.type}
              autoComplete={f.autoComplete}
              required={f.required}
              value={values[f.name] ?? ''}
              readOnly={Boolean(resume) && !f.secret}
              onChange={(e) => onChange({ ...values, [f.name]: e.target.value })}
            />
          )}
        </div>
      ))}
      <button type="submit" disabled={missing || Boolean(unavailable) || props.checking} {...(unavailable ? { 'aria-describedby': hintId } : {})}>
        {resume ? 'Resume' : op.button}
      </button>
    </form>
  );
}

/** The Demo data box: the accounts as they are now, and a way back to the seeded state. */
function DemoData({ config, state, busy, onReset }: { config: DemoConfig; state: DemoState | null; busy: boolean; onReset: () => void }) {
  const password = state ? state.demoUser.password : config.demoUser.password;
  const devices = state?.demoUser.devices ?? [];
  return (
    <section className="accounts" id="demo-data" aria-labelledby="demo-data-title" data-testid="demo-data">
      <div className="panel-head">
        <h2 id="demo-data-title">Demo data</h2>
        <button type="button" className="secondary small" onClick={onReset} disabled={busy}>
          Reset the demo data
        </button>
      </div>
      <dl>
        <dt>Account</dt>
        <dd>
          <code>{config.demoUser.userId}</code>, password <code data-testid="demo-password">{password ?? '(none)'}</code>
          {state && password !== config.demoUser.password && <span className="chip changed">changed</span>}
        </dd>
        <dt>Its devices</dt>
        <dd data-testid="demo-devices">
          {state
            ? devices.map((d, i) => (
                <span key={d.deviceId}>
                  {i > 0 && ', '}
                  <code>{d.deviceId}</code>
                  {d.deviceId === state.demoUser.deviceId && ' (this page)'}
                </span>
              ))
            : '…'}
        </dd>
        <dt>Deactivation</dt>
        <dd data-testid="leaving-state">
          <code>{config.leavingUser.userId}</code> (signs in with SSO){state?.leavingUser.deactivated ? ': deactivated' : ''}
        </dd>
        <dt>Registration token</dt>
        <dd>
          <code data-testid="registration-token">{config.registrationToken}</code>
        </dd>
      </dl>
    </section>
  );
}

/** The whole page. */
export function App({ config }: { config: DemoConfig }) {
  const [resume, setResume] = useState<SavedRun | null>(() => readSavedRun());
  const [serverId, setServerId] = useState<DemoServerId>(() => resume?.server ?? readServer());
  const server = config.servers.find((x) => x.id === serverId) ?? config.servers[0]!;
  // The operations read the homeserver from the config: the one picked.
  const serverConfig = useMemo(() => ({ ...config, homeserverUrl: server.homeserverUrl, outboxUrl: server.outboxUrl }), [config, server]);
  const metadata = useAuthMetadata(server.homeserverUrl);
  useEffect(() => sessionStorage.setItem(SERVER_KEY, serverId), [serverId]);
  const [selected, setSelected] = useState<Operation['id']>(resume?.opId ?? 'change-password');
  const [running, setRunning] = useState<{ op: Operation; server: DemoServerId; values: Record<string, string>; n: number } | null>(null);
  const [actor, setActor] = useState<AnyActorRef | null>(null);
  const [drafts, setDrafts] = useState<Drafts>(() => readDrafts());
  const inspect = useMemo(() => createInspectStore(), []);
  const observe = useCallback((e: Parameters<typeof inspect.observe>[0]) => inspect.observe(e), [inspect]);
  const demo = useDemoState(serverId);
  const op = OPERATIONS.find((o) => o.id === selected)!;

  // What was typed, but passwords, survives runs, failures and reloads.
  useEffect(() => {
    const kept = Object.fromEntries(
      Object.entries(drafts).map(([id, v]) => [id, publicValues(OPERATIONS.find((o) => o.id === id)!, v ?? {})]),
    );
    sessionStorage.setItem(DRAFTS_KEY, JSON.stringify(kept));
  }, [drafts]);
  const values = useMemo(() => {
    const draft = drafts[op.id];
    if (draft) return draft;
    const init: Record<string, string> = {};
    for (const f of op.fields) init[f.name] = resume?.opId === op.id ? (resume.values[f.name] ?? '') : (f.initial?.(serverConfig) ?? '');
    return init;
  }, [drafts, op, resume, serverConfig]);
  // The initial values are drawn once (the random username must not change on each render).
  useEffect(() => {
    if (!drafts[op.id]) setDrafts((d) => (d[op.id] ? d : { ...d, [op.id]: values }));
  }, [drafts, op.id, values]);
  const setValues = useCallback((v: Record<string, string>) => setDrafts((d) => ({ ...d, [op.id]: v })), [op.id]);

  // An operation without secret fields resumes by itself after a reload.
  useEffect(() => {
    if (!resume) return;
    const rop = OPERATIONS.find((o) => o.id === resume.opId)!;
    if (!rop.fields.some((f) => f.secret)) {
      setRunning({ op: rop, server: resume.server, values: resume.values, n: 1 });
      setResume(null);
    }
  }, [resume]);

  const start = (v: Record<string, string>, resumed: boolean) => {
    if (!resumed) clearUiaSnapshot({ key: persistKeyOf(op, serverId) });
    sessionStorage.setItem(RUN_KEY, JSON.stringify({ opId: op.id, server: serverId, values: publicValues(op, v) } satisfies SavedRun));
    // The password is not kept for the next run: it goes to the request and nowhere else.
    setDrafts((d) => ({ ...d, [op.id]: { ...publicValues(op, d[op.id] ?? {}), ...Object.fromEntries(op.fields.filter((f) => f.secret).map((f) => [f.name, ''])) } }));
    setResume(null);
    setRunning((r) => ({ op, server: serverId, values: v, n: (r?.n ?? 0) + 1 }));
  };
  const { refresh } = demo;
  const close = () => {
    sessionStorage.removeItem(RUN_KEY);
    setRunning(null);
    refresh();
  };
  const ended = useCallback(() => refresh(), [refresh]);
  const reset = () => {
    demo.reset().catch(() => undefined);
  };
  const run = useMemo(() => (running ? running.op.run(running.values, serverConfig) : null), [running, serverConfig]);
  const hints = useMemo(() => ({ registrationToken: config.registrationToken }), [config]);

  return (
    <div className="layout">
      <header className="top">
        <h1>matrix-uia demo</h1>
        <p>
          Account changes against a simulated homeserver at <code data-testid="homeserver-url">{server.homeserverUrl}</code>, driven by the{' '}
          <code>useInteractiveAuth</code> hook: User-Interactive Authentication on a legacy server, the account page on one that delegates auth.
        </p>
      </header>
      <main className="main">
        <fieldset className="servers" disabled={running !== null}>
          <legend>Homeserver</legend>
          {config.servers.map((x) => (
            <div key={x.id} className="check">
              <input
                type="radio"
                name="server"
                id={`server-${x.id}`}
                value={x.id}
                checked={x.id === serverId}
                onChange={() => setServerId(x.id)}
                aria-describedby={`server-${x.id}-about`}
              />
              <label htmlFor={`server-${x.id}`}>
                {x.label} <span className="hint" id={`server-${x.id}-about`}>{x.description}</span>
              </label>
            </div>
          ))}
        </fieldset>
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
        <div className="work" role="region" aria-label="Operation">
          {running && run ? (
            <UiaDialog
              key={running.n}
              operation={running.op}
              run={run}
              values={running.values}
              persistKey={persistKeyOf(running.op, running.server)}
              metadata={metadata}
              demoState={demo.state}
              inspect={observe}
              onActor={setActor}
              onEnded={ended}
              onClose={close}
              hints={hints}
            />
          ) : (
            <OperationForm
              key={`${serverId}-${op.id}-${resume ? 'resume' : 'new'}`}
              op={op}
              config={serverConfig}
              checking={metadata === undefined}
              delegated={Boolean(metadata)}
              state={demo.state}
              values={values}
              onChange={setValues}
              resume={resume?.opId === op.id && resume.server === serverId ? resume : null}
              onStart={start}
              onReset={reset}
            />
          )}
        </div>
        <DemoData config={config} state={demo.state} busy={running !== null} onReset={reset} />
        <MailboxPanel key={server.id} url={server.outboxUrl} />
      </main>
      <div className="side">
        <ChartPanel
          actor={actor}
          note={running && run?.call.delegated && metadata ? 'Nothing is negotiated: this server does it on its account page, so the chart stays in idle.' : null}
        />
        <InspectPanel store={inspect} />
      </div>
    </div>
  );
}
