/**
 * One negotiation on the page: the hook, the status line, the open stage's form, and the end.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import type { AnyActorRef, InspectionEvent } from 'xstate';
import {
  delegatedError,
  endpointFunctions,
  forgetAuthMetadata,
  toDelegatedError,
  type AccountManagementRequiredError,
  type AuthMetadata,
  type OAuthRegistrationRequiredError,
} from 'matrix-uia/fetch';
import { sanitizedInspector, stageMachines } from 'matrix-uia';
import { sessionPersistence, useInteractiveAuth } from 'matrix-uia/react';
import type { DemoState } from './demo-config';
import { humanMessage } from './messages';
import { clientFor, type Operation, type OperationRun } from './operations';
import { StageForm, type StageHints } from './stage-form';

/** Props of {@link UiaDialog}. */
export interface UiaDialogProps {
  operation: Operation;
  run: OperationRun;
  values: Record<string, string>;
  /** sessionStorage key of this operation's saved negotiation. */
  persistKey: string;
  inspect: (e: InspectionEvent) => void;
  onActor: (actor: AnyActorRef | null) => void;
  /** The negotiation reached `done`, `failed` or `cancelled` (the page refreshes its demo data). */
  onEnded?: (status: 'done' | 'failed' | 'cancelled') => void;
  onClose: () => void;
  /** Demo data a stage form may offer (the registration token). */
  hints?: StageHints;
  /** The homeserver's auth metadata (`null`: a legacy server; `undefined`: not known yet). */
  metadata?: AuthMetadata | null | undefined;
  /** The demo accounts now, to tell when the account page did the job. */
  demoState?: DemoState | null;
}

/** Stage types in words (the type itself is shown beside). */
const STAGE_NAMES: Record<string, string> = {
  'm.login.password': 'your password',
  'm.login.registration_token': 'registration token',
  'm.login.terms': 'terms',
  'm.login.recaptcha': 'captcha',
  'm.login.email.identity': 'email address',
  'm.login.msisdn': 'phone number',
  'm.login.sso': 'single sign-on',
  'm.login.dummy': 'no input',
  'm.oauth': 'approval on your account page',
  'org.matrix.cross_signing_reset': 'approval on your account page',
};

function statusText(auth: ReturnType<typeof useInteractiveAuth>): string {
  if (auth.status === 'idle') return 'Starting…';
  if (auth.status === 'done') return 'Done.';
  if (auth.status === 'cancelled') return 'Cancelled.';
  if (auth.status === 'failed') return 'Failed.';
  if (auth.busy) return 'Talking to the server…';
  if (auth.stage) {
    const flow = auth.chosenFlow?.stages ?? [];
    const i = flow.indexOf(auth.stage.type);
    const name = STAGE_NAMES[auth.stage.type] ?? auth.stage.type;
    return `Step ${i >= 0 ? i + 1 : '?'} of ${flow.length || '?'}: ${name}`;
  }
  return 'Waiting…';
}

/** The dialog. Mount it with a fresh `key` for each run. */
export function UiaDialog(props: UiaDialogProps) {
  const fns = useMemo(() => endpointFunctions(clientFor(props.run), props.run.call), [props.run]);
  const handling = props.run.call.delegated;
  // On a server that delegates auth the operation happens on its account page: decided from the
  // metadata before the dialog opens, so nothing is sent and the hook hands the outcome back.
  const known = useMemo(() => (handling && props.metadata ? delegatedError(props.metadata, handling) : null), [handling, props.metadata]);
  const auth = useInteractiveAuth({
    delegatedOutcome: known,
    stages: stageMachines,
    ...fns,
    homeserverUrl: props.run.baseUrl,
    ...(props.run.userId ? { userId: props.run.userId } : {}),
    ...(props.run.supportedStages ? { supportedStages: props.run.supportedStages } : {}),
    ...(props.run.inputs ? { inputs: props.run.inputs } : {}),
    polling: { intervalMs: 1000, maxIntervalMs: 4000 },
    autoStart: true,
    // Read once, at mount (as every setting of the hook): made here, kept by the hook.
    persist: props.persistKey ? sessionPersistence(props.persistKey) : undefined,
    inspect: sanitizedInspector(props.inspect),
    languages: navigator.languages,
  });
  const { onActor } = props;
  useEffect(() => {
    onActor(auth.actorRef);
    return () => onActor(null);
  }, [auth.actorRef, onActor]);

  const endHeading = useRef<HTMLHeadingElement>(null);
  // A server that refused the endpoint itself (404 M_UNRECOGNIZED) though discovery had not said
  // it delegates: ask again, and continue on its account page if it does.
  const [late, setLate] = useState<AccountManagementRequiredError | OAuthRegistrationRequiredError | null>(null);
  const unrecognized = auth.endpointUnrecognized;
  const finalError = auth.error;
  const { run } = props;
  useEffect(() => {
    if (!unrecognized || !handling) return;
    let live = true;
    // The cached answer said "legacy"; the server says otherwise now (an upgrade): ask afresh.
    const client = clientFor(run);
    forgetAuthMetadata(client);
    void toDelegatedError(client, handling, finalError).then((e) => {
      const code = (e as { code?: unknown } | null)?.code;
      if (live && (code === 'ACCOUNT_MANAGEMENT_REQUIRED' || code === 'OAUTH_REGISTRATION_REQUIRED')) setLate(e as AccountManagementRequiredError | OAuthRegistrationRequiredError);
    });
    return () => {
      live = false;
    };
  }, [unrecognized, handling, finalError, run]);
  const outcome = auth.delegatedOutcome ?? late;
  const ended = auth.status === 'done' || auth.status === 'failed' || auth.status === 'cancelled' || outcome !== null;
  const { onEnded } = props;
  const status = auth.status;
  useEffect(() => {
    if (status === 'done' || status === 'failed' || status === 'cancelled') {
      endHeading.current?.focus();
      onEnded?.(status);
    }
  }, [status, onEnded]);
  const hasOutcome = outcome !== null;
  useEffect(() => {
    if (hasOutcome) endHeading.current?.focus();
  }, [hasOutcome]);
  const failure = !outcome && ended && auth.status !== 'done' ? humanMessage(auth.error) : null;
  const elsewhere = outcome && props.demoState ? (props.operation.doneElsewhere?.(props.values, props.demoState) ?? null) : null;

  return (
    <section className="dialog" aria-labelledby="dialog-title" data-status={auth.status}>
      <h2 id="dialog-title">{props.operation.title}</h2>
      {auth.resumed && <p className="note">Resumed the negotiation saved before the page was reloaded.</p>}
      <p role="status" aria-live="polite" className="status-line" data-testid="status-line">
        {outcome ? (elsewhere?.done ? 'Done on the account page.' : 'This server does it elsewhere.') : statusText(auth)}
      </p>
      {outcome && (
        <div className="result elsewhere" data-testid="delegated">
          <h3 tabIndex={-1} ref={endHeading}>
            {outcome.code === 'OAUTH_REGISTRATION_REQUIRED' ? 'Register on the sign-in page' : 'Continue on your account page'}
          </h3>
          <p>{props.operation.elsewhere}</p>
          {'url' in outcome ? (
            <p>
              {/* A plain link: the account page opens in a new tab, and this page stays as it is. */}
              <a href={outcome.url} target="_blank" rel="noopener noreferrer" className="account-link" data-testid="account-link">
                Open your account page
              </a>{' '}
              <span className="hint">
                (<code>{outcome.url}</code>)
              </span>
            </p>
          ) : (
            <p>
              Its OAuth 2.0 server: <code data-testid="issuer">{outcome.issuer}</code>. An app on such a server registers people by
              sending them there (the OAuth 2.0 authorization flow), not through UIA.
            </p>
          )}
          {elsewhere && (
            <p role="status" className={elsewhere.done ? 'elsewhere-done' : 'elsewhere-pending'} data-testid="elsewhere-status">
              {elsewhere.text}
            </p>
          )}
          <p className="hint">No password was sent to this server.</p>
        </div>
      )}
      {auth.status === 'active' && <StageForm auth={auth} {...(props.hints ? { hints: props.hints } : {})} />}
      {auth.status === 'done' && (
        <div className="result ok">
          <h3 tabIndex={-1} ref={endHeading}>
            Success
          </h3>
          <p data-testid="result">{props.operation.done(props.values, auth.result)}</p>
        </div>
      )}
      {failure && (
        <div className={auth.status === 'cancelled' ? 'result neutral' : 'result bad'} role="alert">
          <h3 tabIndex={-1} ref={endHeading} data-testid="final-title">
            {failure.title}
          </h3>
          <p data-testid="final-error">{failure.text}</p>
          {auth.status === 'failed' && (
            <details className="technical">
              <summary>Technical details</summary>
              <code data-testid="final-detail">
                {auth.error?.name ?? 'Error'} ({auth.error?.code}): {failure.detail}
              </code>
            </details>
          )}
        </div>
      )}
      <div className="row end">
        {ended ? (
          <button type="button" onClick={props.onClose}>
            Back to the operations
          </button>
        ) : (
          <button type="button" className="secondary" onClick={() => auth.cancel()}>
            Cancel
          </button>
        )}
      </div>
    </section>
  );
}
