/**
 * One small, accessible form per stage kind, each built only from what `useInteractiveAuth`
 * returns. Every form has a heading that takes focus when the stage opens (so a screen reader
 * announces the new step), labelled inputs, and its error in a `role="alert"` region.
 */
import { useEffect, useRef, useState, type FormEvent, type ReactNode } from 'react';
import type { InteractiveAuth } from 'matrix-uia/react';

type Auth = InteractiveAuth<unknown>;

/** A stage's frame: the focused heading, the form, the stage error. */
function StageFrame(props: { title: string; auth: Auth; children: ReactNode; onSubmit?: () => void; id: string }) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    heading.current?.focus();
  }, [props.id]);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    props.onSubmit?.();
  };
  const err = props.auth.stageError;
  return (
    <form className="stage" onSubmit={submit} aria-labelledby={`${props.id}-title`} aria-busy={props.auth.busy} data-stage={props.id}>
      <h3 id={`${props.id}-title`} tabIndex={-1} ref={heading}>
        {props.title}
      </h3>
      {props.children}
      <div role="alert" className="error" data-testid="stage-error">
        {err ? err.message : ''}
      </div>
    </form>
  );
}

function PasswordForm({ auth }: { auth: Auth }) {
  const [password, setPassword] = useState('');
  return (
    <StageFrame
      id="password"
      title="Confirm it's you"
      auth={auth}
      onSubmit={() => {
        auth.submitPassword(password);
        setPassword('');
      }}
    >
      <label htmlFor="uia-password">Your current password</label>
      <input id="uia-password" type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} disabled={auth.busy} required />
      <button type="submit" disabled={auth.busy || password.length === 0}>
        Continue
      </button>
    </StageFrame>
  );
}

function TokenForm({ auth }: { auth: Auth }) {
  const [token, setToken] = useState('');
  return (
    <StageFrame id="registration-token" title="Registration token" auth={auth} onSubmit={() => auth.submitToken(token.trim())}>
      <p>This server needs an invitation token to register. The demo token is in the box on the left.</p>
      <label htmlFor="uia-token">Registration token</label>
      <input id="uia-token" value={token} onChange={(e) => setToken(e.target.value)} disabled={auth.busy} autoComplete="off" required />
      <button type="submit" disabled={auth.busy || token.trim().length === 0}>
        Use token
      </button>
    </StageFrame>
  );
}

function TermsForm({ auth }: { auth: Auth }) {
  const all = auth.policies.length > 0 && auth.policies.every((p) => p.accepted);
  return (
    <StageFrame id="terms" title="Terms and conditions" auth={auth} onSubmit={() => auth.acceptTerms()}>
      <fieldset>
        <legend>Please read and accept each policy</legend>
        {auth.policies.map((p) => (
          <div key={p.id} className="check">
            <input id={`policy-${p.id}`} type="checkbox" checked={p.accepted} onChange={(e) => auth.togglePolicy(p.id, e.target.checked)} disabled={auth.busy} />
            <label htmlFor={`policy-${p.id}`}>
              I accept the{' '}
              <a href={p.url} target="_blank" rel="noreferrer">
                {p.name}
              </a>{' '}
              (version {p.version})
            </label>
          </div>
        ))}
      </fieldset>
      <button type="submit" disabled={auth.busy || !all}>
        Accept and continue
      </button>
    </StageFrame>
  );
}

function RecaptchaForm({ auth }: { auth: Auth }) {
  const [response, setResponse] = useState('');
  const key = typeof auth.stageContext?.publicKey === 'string' ? auth.stageContext.publicKey : '';
  return (
    <StageFrame id="recaptcha" title="Are you human?" auth={auth} onSubmit={() => auth.submitRecaptcha(response)}>
      <p>
        A real app renders Google's widget with site key <code>{key}</code>. The simulator accepts any response but
        <code>invalid</code>.
      </p>
      <label htmlFor="uia-captcha">Captcha response</label>
      <input id="uia-captcha" value={response} onChange={(e) => setResponse(e.target.value)} disabled={auth.busy} />
      <button type="submit" disabled={auth.busy || !response}>
        Submit
      </button>
    </StageFrame>
  );
}

function EmailForm({ auth }: { auth: Auth }) {
  const [address, setAddress] = useState('');
  const ctx = auth.stageContext as { email?: string | null; attempt?: number; notValidatedYet?: boolean } | null;
  if (auth.stageState === 'needsAddress') {
    return (
      <StageFrame id="email-address" title="Your email address" auth={auth} onSubmit={() => auth.setEmail(address)}>
        <label htmlFor="uia-email">Email address</label>
        <input id="uia-email" type="email" autoComplete="email" value={address} onChange={(e) => setAddress(e.target.value)} required />
        <button type="submit" disabled={!address.includes('@')}>
          Send the link
        </button>
      </StageFrame>
    );
  }
  const sending = auth.stageState === 'requestingToken';
  return (
    <StageFrame id="email" title="Check your email" auth={auth} onSubmit={() => auth.checkEmail()}>
      <p role="status" data-testid="email-status">
        {sending
          ? `Sending a link to ${ctx?.email ?? 'you'}…`
          : auth.stageState === 'tokenFailed'
            ? 'The email could not be sent.'
            : `We sent a link to ${ctx?.email ?? 'your address'}${(ctx?.attempt ?? 0) > 1 ? ` (attempt ${ctx?.attempt})` : ''}. Open it, then come back: this page notices by itself.`}
      </p>
      {ctx?.notValidatedYet && <p className="note">Not validated yet: open the link in the email first.</p>}
      <div className="row">
        <button type="submit" disabled={auth.busy || auth.stageState !== 'waiting'}>
          I've clicked the link
        </button>
        <button type="button" className="secondary" onClick={() => auth.resendEmail()} disabled={auth.busy || sending}>
          Send again
        </button>
      </div>
      {auth.polling && <p className="hint">Checking in the background{auth.snapshot.matches({ polling: 'paused' }) ? ' (paused while this tab is hidden)' : ''}…</p>}
    </StageFrame>
  );
}

function MsisdnForm({ auth }: { auth: Auth }) {
  const [code, setCode] = useState('');
  const ctx = auth.stageContext as { msisdn?: string | null; phoneNumber?: string | null } | null;
  return (
    <StageFrame
      id="msisdn"
      title="Check your phone"
      auth={auth}
      onSubmit={() => {
        auth.submitMsisdnCode(code);
        setCode('');
      }}
    >
      <p role="status">We sent a code to {ctx?.msisdn ?? ctx?.phoneNumber ?? 'your phone'}.</p>
      <label htmlFor="uia-sms">Code from the SMS</label>
      <input id="uia-sms" inputMode="numeric" autoComplete="one-time-code" value={code} onChange={(e) => setCode(e.target.value)} disabled={auth.busy} />
      <div className="row">
        <button type="submit" disabled={auth.busy || !code.trim()}>
          Verify
        </button>
        <button type="button" className="secondary" onClick={() => auth.resendSms()} disabled={auth.busy}>
          Send again
        </button>
      </div>
    </StageFrame>
  );
}

/** Fallback pages (SSO, recaptcha, unknown stages) and the m.oauth approval page. */
function ExternalForm({ auth }: { auth: Auth }) {
  const oauth = auth.stage?.kind === 'oauth';
  const w = auth.authWindow;
  const title = oauth ? 'Approve on your account page' : `Complete “${auth.stage?.type}” on the server's page`;
  return (
    <StageFrame id={oauth ? 'oauth' : 'fallback'} title={title} auth={auth} onSubmit={() => auth.confirmExternalDone()}>
      <p>
        {oauth
          ? 'Resetting your cross-signing keys must be approved on the account management page.'
          : 'This step happens on a page of the homeserver, in a new window.'}
      </p>
      <div className="row">
        {/* openFallback runs window.open inside this click: popup blockers allow it only here. */}
        <button type="button" onClick={() => auth.openFallback()} disabled={auth.busy || !auth.externalUrl}>
          {oauth ? 'Open the approval page' : 'Open the page'}
        </button>
        <button type="submit" className="secondary" disabled={auth.busy}>
          I've finished there
        </button>
      </div>
      <p role="status" data-testid="window-status" className="window-status">
        {w.status === 'open' && 'A window is open: finish there. This page continues by itself.'}
        {w.status === 'closed' && 'The window was closed. Checking whether it was completed…'}
        {w.status === 'done' && 'The page reported it is done. Confirming with the server…'}
        {w.status === 'unavailable' && 'There is no page to open for this step.'}
      </p>
      {w.status === 'blocked' && w.url && (
        <div role="alert" className="blocked">
          Your browser blocked the window.{' '}
          <a href={w.url} target="_blank" rel="opener">
            Open the page yourself
          </a>
          , then come back here.
        </div>
      )}
    </StageFrame>
  );
}

/** The form for the open stage. */
export function StageForm({ auth }: { auth: Auth }) {
  switch (auth.stage?.kind) {
    case 'password':
      return <PasswordForm auth={auth} />;
    case 'registrationToken':
      return <TokenForm auth={auth} />;
    case 'terms':
      return <TermsForm auth={auth} />;
    case 'recaptcha':
      return <RecaptchaForm auth={auth} />;
    case 'email':
      return <EmailForm auth={auth} />;
    case 'msisdn':
      return <MsisdnForm auth={auth} />;
    case 'fallback':
    case 'oauth':
      return <ExternalForm auth={auth} />;
    case 'dummy':
      return (
        <StageFrame id="dummy" title="One moment" auth={auth} onSubmit={() => auth.retry()}>
          <p>No input needed for this step.</p>
          {auth.stageError && <button type="submit">Try again</button>}
        </StageFrame>
      );
    default:
      return null;
  }
}
