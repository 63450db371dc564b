/**
 * One small, accessible form per stage kind, each built only from what `useInteractiveAuth`
 * returns. Every form has a heading that takes focus when the stage opens (so a screen reader
 * announces the new step), labelled inputs, and its error in a `role="alert"` region.
 */
import { useEffect, useRef, useState, type FormEvent, type ReactNode, type RefObject } from 'react';
import type { InteractiveAuth } from 'matrix-uia/react';
import { stageMessage } from './messages';

type Auth = InteractiveAuth<unknown>;

/** What the page knows that a stage form may show (the demo data). */
export interface StageHints {
  /** The registration token the demo server accepts. */
  registrationToken?: string;
}

/** The attributes that tie a stage's input to the stage's error. */
function fieldProps(auth: Auth, id: string) {
  return { 'aria-invalid': auth.stageError ? true : undefined, 'aria-describedby': `${id}-error` } as const;
}

/**
 * After a refused answer the field takes focus back (its content selected), so the user types
 * again at once; without it focus falls to `<body>` when the field is disabled during the request.
 */
function useRefocusOnError(auth: Auth, field: RefObject<HTMLInputElement | null>): void {
  const err = auth.stageError;
  const busy = auth.busy;
  useEffect(() => {
    if (err && !busy && field.current) {
      field.current.focus();
      field.current.select();
    }
  }, [err, busy, field]);
}

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
      <div role="alert" className="error" id={`${props.id}-error`} data-testid="stage-error">
        {err ? stageMessage(err) : ''}
      </div>
    </form>
  );
}

function PasswordForm({ auth }: { auth: Auth }) {
  const [password, setPassword] = useState('');
  const field = useRef<HTMLInputElement>(null);
  useRefocusOnError(auth, field);
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
      <input id="uia-password" ref={field} {...fieldProps(auth, 'password')} type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} disabled={auth.busy} required />
      <button type="submit" disabled={auth.busy || password.length === 0}>
        Continue
      </button>
    </StageFrame>
  );
}

function TokenForm({ auth, hints }: { auth: Auth; hints: StageHints }) {
  const [token, setToken] = useState('');
  const field = useRef<HTMLInputElement>(null);
  useRefocusOnError(auth, field);
  return (
    <StageFrame id="registration-token" title="Registration token" auth={auth} onSubmit={() => auth.submitToken(token.trim())}>
      <p>
        This server needs an invitation token to register.
        {hints.registrationToken && (
          <>
            {' '}
            The demo server accepts <code data-testid="token-hint">{hints.registrationToken}</code> (also listed under{' '}
            <a href="#demo-data">Demo data</a>).
          </>
        )}
      </p>
      <label htmlFor="uia-token">Registration token</label>
      <input id="uia-token" ref={field} {...fieldProps(auth, 'registration-token')} value={token} onChange={(e) => setToken(e.target.value)} disabled={auth.busy} autoComplete="off" required />
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
  const field = useRef<HTMLInputElement>(null);
  useRefocusOnError(auth, field);
  return (
    <StageFrame id="recaptcha" title="Are you human?" auth={auth} onSubmit={() => auth.submitRecaptcha(response)}>
      <p>
        A real app renders Google's widget with site key <code>{key}</code>. The simulator accepts any response but{' '}
        <code>invalid</code>.
      </p>
      <label htmlFor="uia-captcha">Captcha response</label>
      <input id="uia-captcha" ref={field} {...fieldProps(auth, 'recaptcha')} value={response} onChange={(e) => setResponse(e.target.value)} disabled={auth.busy} />
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
        <input id="uia-email" {...fieldProps(auth, 'email-address')} type="email" autoComplete="email" value={address} onChange={(e) => setAddress(e.target.value)} required />
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
  const field = useRef<HTMLInputElement>(null);
  useRefocusOnError(auth, field);
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
      <input id="uia-sms" ref={field} {...fieldProps(auth, 'msisdn')} inputMode="numeric" autoComplete="one-time-code" value={code} onChange={(e) => setCode(e.target.value)} disabled={auth.busy} />
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

/** Titles of the stages completed on a page of the server (others get a generic one). */
const EXTERNAL_TITLES: Record<string, string> = {
  'm.login.sso': 'Sign in with single sign-on',
  'm.login.recaptcha': 'Prove you are not a robot',
  'm.login.terms': 'Accept the terms',
  'm.login.password': 'Confirm your password',
};

/** Fallback pages (SSO, recaptcha, unknown stages) and the m.oauth approval page. */
function ExternalForm({ auth }: { auth: Auth }) {
  const oauth = auth.stage?.kind === 'oauth';
  const w = auth.authWindow;
  const type = auth.stage?.type ?? '';
  const title = oauth ? 'Approve on your account page' : (EXTERNAL_TITLES[type] ?? 'Continue on the server’s page');
  return (
    <StageFrame id={oauth ? 'oauth' : 'fallback'} title={title} auth={auth} onSubmit={() => auth.confirmExternalDone()}>
      <p>
        {oauth
          ? 'Resetting your cross-signing keys must be approved on the account management page.'
          : <>This step happens on a page of your server, in a new window (stage <code>{type}</code>).</>}
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
export function StageForm({ auth, hints = {} }: { auth: Auth; hints?: StageHints }) {
  switch (auth.stage?.kind) {
    case 'password':
      return <PasswordForm auth={auth} />;
    case 'registrationToken':
      return <TokenForm auth={auth} hints={hints} />;
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
