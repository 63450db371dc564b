/**
 * @jest-environment ./test/react/happy-dom-environment.js
 */
/**
 * useInteractiveAuth in happy-dom: a dialog renders the open stage, the typed actions drive the
 * chart, the fallback window continues it, a saved negotiation resumes, and unmounting stops the
 * actor and removes every listener.
 */
import { act, fireEvent, render, renderHook, screen, waitFor } from '@testing-library/react';
import { StrictMode, useState } from 'react';
import { sessionPersistence, useInteractiveAuth, type UseInteractiveAuthOptions } from '../../src/react';
import { scripted, uia401 } from '../helpers/scripted-server';
import { stageMachines } from '../../machines/stages';
import { sanitizedInspector } from '../../src/secrets/sanitize';

const HS = 'http://127.0.0.1:8448';
const passwordFlow = { session: 'S', flows: [{ stages: ['m.login.password'] }], params: {} };
const wrongPassword = { ...passwordFlow, completed: [], errcode: 'M_FORBIDDEN', error: 'Invalid username or password' };

afterEach(() => {
  window.sessionStorage.clear();
  jest.restoreAllMocks();
});

/** A whole password dialog, as an app would write it. */
function PasswordDialog(props: { options: UseInteractiveAuthOptions<unknown> }) {
  const auth = useInteractiveAuth(props.options);
  const [password, setPassword] = useState('');
  if (auth.status === 'done') return <p role="status">Password changed</p>;
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        auth.submitPassword(password);
      }}
    >
      <label>
        Current password
        <input type="password" value={password} onChange={(e) => setPassword(e.target.value)} disabled={auth.busy} />
      </label>
      {auth.stageError && <p role="alert">{auth.stageError.message}</p>}
      <button type="submit" disabled={auth.busy || auth.stage?.kind !== 'password'}>
        Continue
      </button>
    </form>
  );
}

test('renders the password stage; a wrong password shows the error, the right one finishes', async () => {
  const s = scripted([uia401(passwordFlow), uia401(wrongPassword), { ok: {} }]);
  render(<PasswordDialog options={{ stages: stageMachines, request: s.request, userId: '@alice:localhost', autoStart: true }} />);
  const button = await screen.findByRole('button', { name: 'Continue' });
  await waitFor(() => expect((button as HTMLButtonElement).disabled).toBe(false));

  fireEvent.change(screen.getByLabelText('Current password'), { target: { value: 'wrong' } });
  fireEvent.click(button);
  expect((await screen.findByRole('alert')).textContent).toBe('Invalid username or password');

  fireEvent.change(screen.getByLabelText('Current password'), { target: { value: 'right' } });
  fireEvent.click(screen.getByRole('button', { name: 'Continue' }));
  expect((await screen.findByRole('status')).textContent).toBe('Password changed');
  expect(s.calls.map((c) => (c.auth as { password?: string } | null)?.password)).toEqual([undefined, 'wrong', 'right']);
});

test('under StrictMode the double mount neither aborts the first request nor sends it twice', async () => {
  const s = scripted([uia401(passwordFlow), { ok: {} }]);
  const { result } = renderHook(() => useInteractiveAuth({ stages: stageMachines, request: s.request, userId: '@a:b', autoStart: true }), { wrapper: StrictMode });
  await waitFor(() => expect(result.current.stage?.kind).toBe('password'));
  expect(s.calls).toHaveLength(1);
  expect(s.calls[0]!.signal.aborted).toBe(false);
  act(() => result.current.submitPassword('pw'));
  await waitFor(() => expect(result.current.status).toBe('done'));
});

test('reports stage, params, busy and the typed result', async () => {
  let release: () => void = () => {};
  const gate = new Promise<void>((r) => (release = r));
  const request = jest.fn(async (auth: unknown) => {
    if (auth === null) throw Object.assign(new Error('401'), { httpStatus: 401, data: { session: 'S', flows: [{ stages: ['m.login.password'] }], params: { 'm.login.password': { hint: 1 } } } });
    await gate;
    return { user_id: '@bob:localhost' };
  });
  const { result } = renderHook(() => useInteractiveAuth<{ user_id: string }>({ stages: stageMachines, request, userId: '@bob:localhost' }));
  expect(result.current.status).toBe('idle');
  act(() => result.current.start());
  await waitFor(() => expect(result.current.stage).toEqual({ type: 'm.login.password', kind: 'password' }));
  expect(result.current.params).toEqual({ hint: 1 });
  expect(result.current.waitingForInput).toBe(true);
  act(() => result.current.submitPassword('pw'));
  expect(result.current.busy).toBe(true);
  await act(async () => release());
  await waitFor(() => expect(result.current.status).toBe('done'));
  expect(result.current.result).toEqual({ user_id: '@bob:localhost' });
  expect(result.current.error).toBeUndefined();
});

test('terms: policies render with ticks; acceptTerms submits only once all are ticked', async () => {
  const terms = {
    session: 'S',
    flows: [{ stages: ['m.login.terms'] }],
    params: {
      'm.login.terms': {
        policies: {
          privacy: { version: '1.0', en: { name: 'Privacy Policy', url: `${HS}/privacy-en` }, de: { name: 'Datenschutz', url: `${HS}/privacy-de` } },
          tos: { version: '2.0', en: { name: 'Terms of Service', url: `${HS}/tos` } },
        },
      },
    },
  };
  const s = scripted([uia401(terms), { ok: {} }]);
  const { result } = renderHook(() => useInteractiveAuth({ stages: stageMachines, request: s.request, autoStart: true, languages: ['de'] }));
  await waitFor(() => expect(result.current.stage?.kind).toBe('terms'));
  expect(result.current.policies.map((p) => [p.id, p.name, p.accepted])).toEqual([
    ['privacy', 'Datenschutz', false],
    ['tos', 'Terms of Service', false],
  ]);
  act(() => result.current.togglePolicy('privacy', true));
  expect(result.current.policies.map((p) => p.accepted)).toEqual([true, false]);
  act(() => result.current.acceptTerms());
  expect(s.calls).toHaveLength(1);
  act(() => result.current.togglePolicy('tos', true));
  act(() => result.current.acceptTerms());
  await waitFor(() => expect(result.current.status).toBe('done'));
  expect(s.calls[1]!.auth).toEqual({ type: 'm.login.terms', session: 'S' });
});

/** A stand-in popup: window.open hands it out, and the "page" posts from it. */
function fakePopup() {
  return { closed: false, close: jest.fn(function (this: { closed: boolean }) { this.closed = true; }), focus: jest.fn() } as unknown as Window & { close: jest.Mock };
}

const ssoFlow = { session: 'S', flows: [{ stages: ['m.login.sso'] }], params: {} };

test('openFallback opens the page from the click; authDone from the popup continues the chart', async () => {
  const popup = fakePopup();
  const open = jest.spyOn(window, 'open').mockReturnValue(popup);
  let pageDone = false;
  const s = scripted([uia401(ssoFlow), () => (pageDone ? { ok: {} } : uia401(ssoFlow))]);
  const { result } = renderHook(() =>
    useInteractiveAuth({ stages: stageMachines, request: s.request, homeserverUrl: HS, autoStart: true, polling: { intervalMs: 60_000 } }),
  );
  await waitFor(() => expect(result.current.stage?.kind).toBe('fallback'));
  expect(result.current.externalUrl).toBe(`${HS}/_matrix/client/v3/auth/m.login.sso/fallback/web?session=S`);

  act(() => {
    result.current.openFallback();
  });
  expect(open).toHaveBeenCalledWith(result.current.externalUrl, 'matrix-uia-auth', expect.stringContaining('popup'));
  expect(result.current.authWindow).toEqual({ status: 'open', url: result.current.externalUrl });

  // A message from anyone else (another window, even with the right origin) is ignored.
  act(() => {
    window.dispatchEvent(new MessageEvent('message', { data: 'authDone', origin: HS, source: window as unknown as Window }));
  });
  expect(result.current.authWindow.status).toBe('open');

  pageDone = true;
  act(() => {
    window.dispatchEvent(new MessageEvent('message', { data: 'authDone', origin: HS, source: popup }));
  });
  await waitFor(() => expect(result.current.status).toBe('done'));
  expect(popup.close).toHaveBeenCalled();
  expect(s.calls.at(-1)!.auth).toEqual({ session: 'S' });
});

test('a blocked popup is reported, and authDone is then accepted only from the homeserver origin', async () => {
  jest.spyOn(window, 'open').mockReturnValue(null);
  let done = false;
  const s = scripted([uia401(ssoFlow), () => (done ? { ok: {} } : uia401(ssoFlow))]);
  const { result } = renderHook(() =>
    useInteractiveAuth({ stages: stageMachines, request: s.request, homeserverUrl: HS, autoStart: true, polling: { intervalMs: 60_000 } }),
  );
  await waitFor(() => expect(result.current.stage?.kind).toBe('fallback'));
  act(() => {
    result.current.openFallback();
  });
  expect(result.current.authWindow).toEqual({ status: 'blocked', url: result.current.externalUrl });

  act(() => {
    window.dispatchEvent(new MessageEvent('message', { data: 'authDone', origin: 'http://evil.example' }));
  });
  expect(result.current.authWindow.status).toBe('blocked');

  done = true;
  act(() => {
    window.dispatchEvent(new MessageEvent('message', { data: 'authDone', origin: HS }));
  });
  await waitFor(() => expect(result.current.status).toBe('done'));
});

test('unmounting stops the actor and removes every listener and timer it added', async () => {
  const popup = fakePopup();
  jest.spyOn(window, 'open').mockReturnValue(popup);
  const added = new Map<string, number>();
  const count = (target: EventTarget, label: string) => {
    const add = target.addEventListener.bind(target);
    const remove = target.removeEventListener.bind(target);
    jest.spyOn(target, 'addEventListener').mockImplementation((type, fn, opts) => {
      added.set(`${label}:${type}`, (added.get(`${label}:${type}`) ?? 0) + 1);
      add(type, fn, opts);
    });
    jest.spyOn(target, 'removeEventListener').mockImplementation((type, fn, opts) => {
      added.set(`${label}:${type}`, (added.get(`${label}:${type}`) ?? 0) - 1);
      remove(type, fn, opts);
    });
  };
  count(window, 'window');
  count(document, 'document');
  const intervals = new Set<unknown>();
  const setInt = window.setInterval.bind(window);
  const clearInt = window.clearInterval.bind(window);
  jest.spyOn(window, 'setInterval').mockImplementation(((fn: () => void, ms: number) => {
    const id = setInt(fn, ms);
    intervals.add(id);
    return id;
  }) as typeof window.setInterval);
  jest.spyOn(window, 'clearInterval').mockImplementation((id) => {
    intervals.delete(id);
    clearInt(id);
  });

  const s = scripted([uia401(ssoFlow)]);
  const { result, unmount } = renderHook(() =>
    useInteractiveAuth({ stages: stageMachines, request: s.request, homeserverUrl: HS, autoStart: true, polling: { intervalMs: 60_000 }, persist: sessionPersistence('test:unmount') }),
  );
  await waitFor(() => expect(result.current.stage?.kind).toBe('fallback'));
  act(() => {
    result.current.openFallback();
  });
  const actor = result.current.actorRef;
  expect([...added.values()].some((n) => n > 0)).toBe(true);
  expect(intervals.size).toBe(1);

  unmount();
  // Stopped: it takes no more events, so nothing more reaches the server.
  jest.spyOn(console, 'warn').mockImplementation(() => {});
  const calls = s.calls.length;
  actor.send({ type: 'POLL' });
  await new Promise((r) => setTimeout(r, 0));
  expect(s.calls.length).toBe(calls);
  expect(Object.fromEntries([...added].filter(([, n]) => n !== 0))).toEqual({});
  expect(intervals.size).toBe(0);
  expect(popup.close).toHaveBeenCalled();
  // Unmounting is not ending: the saved negotiation stays for a reload.
  expect(window.sessionStorage.getItem('test:unmount')).not.toBeNull();
});

test('a saved negotiation is restored on mount and re-checked at once; the entry goes when it ends', async () => {
  const emailFlow = { session: 'E', flows: [{ stages: ['m.login.email.identity'] }], params: {} };
  let validated = false;
  const s = scripted([uia401(emailFlow), () => (validated ? { ok: { ok: true } } : uia401(emailFlow))]);
  const requestEmailToken = jest.fn(async () => ({ sid: 'sid-1' }));
  const options = {
    stages: stageMachines,
    request: s.request,
    requestEmailToken,
    inputs: { emailAddress: 'alice@example.org' },
    autoStart: true,
    persist: sessionPersistence('test:email'),
    polling: { intervalMs: 60_000 },
  };
  const first = renderHook(() => useInteractiveAuth(options));
  await waitFor(() => expect(first.result.current.polling).toBe(true));
  const clientSecret = first.result.current.snapshot.context.settings.clientSecret;
  expect(requestEmailToken).toHaveBeenCalledTimes(1);
  expect(window.sessionStorage.getItem('test:email')).toContain('"sid-1"');
  first.unmount(); // the page goes away (the link opened in this tab)

  validated = true;
  const callsBefore = s.calls.length;
  const second = renderHook(() => useInteractiveAuth(options));
  expect(second.result.current.resumed).toBe(true);
  await waitFor(() => expect(second.result.current.status).toBe('done'));
  expect(requestEmailToken).toHaveBeenCalledTimes(1);
  expect(s.calls[callsBefore]!.auth).toEqual({
    type: 'm.login.email.identity',
    threepid_creds: { sid: 'sid-1', client_secret: clientSecret },
    session: 'E',
  });
  expect(window.sessionStorage.getItem('test:email')).toBeNull();
});

test('polling pauses while the page is hidden and checks at once when it is visible again', async () => {
  const emailFlow = { session: 'V', flows: [{ stages: ['m.login.email.identity'] }], params: {} };
  const s = scripted([uia401(emailFlow)]);
  const { result } = renderHook(() =>
    useInteractiveAuth({ stages: stageMachines,
      request: s.request,
      requestEmailToken: async () => ({ sid: 'sid-v' }),
      inputs: { emailAddress: 'a@example.org' },
      autoStart: true,
      polling: { intervalMs: 60_000 },
    }),
  );
  await waitFor(() => expect(result.current.snapshot.matches({ polling: 'waiting' })).toBe(true));
  let state: DocumentVisibilityState = 'hidden';
  jest.spyOn(document, 'visibilityState', 'get').mockImplementation(() => state);
  act(() => {
    document.dispatchEvent(new Event('visibilitychange'));
  });
  expect(result.current.snapshot.matches({ polling: 'paused' })).toBe(true);
  const calls = s.calls.length;

  state = 'visible';
  act(() => {
    document.dispatchEvent(new Event('visibilitychange'));
  });
  await waitFor(() => expect(s.calls.length).toBe(calls + 1));
  expect(s.calls.at(-1)!.background).toBe(true);
  await waitFor(() => expect(result.current.snapshot.matches({ polling: 'waiting' })).toBe(true));
});

test('cancel ends the negotiation with the cancelled status', async () => {
  const s = scripted([uia401(passwordFlow)]);
  const { result } = renderHook(() => useInteractiveAuth({ stages: stageMachines, request: s.request, userId: '@a:b', autoStart: true }));
  await waitFor(() => expect(result.current.stage?.kind).toBe('password'));
  act(() => result.current.cancel());
  expect(result.current.status).toBe('cancelled');
  expect(result.current.error?.code).toBe('ABORTED');
});

describe('what only some apps use is passed in as a value (so the rest do not bundle it)', () => {
  const quiet = () => jest.spyOn(console, 'error').mockImplementation(() => {});

  test('a bare persist key is refused with InvalidOptionsError naming sessionPersistence', () => {
    const restore = quiet();
    const s = scripted([uia401({ session: 'P', flows: [{ stages: ['m.login.password'] }] })]);
    expect(() => renderHook(() => useInteractiveAuth({ stages: stageMachines, request: s.request, persist: 'key' as never }))).toThrow(/sessionPersistence\('key'\)/);
    restore.mockRestore();
  });

  test('a raw inspection observer is refused, as createUiaActor refuses it; a wrapped one sees sanitised events', async () => {
    const restore = quiet();
    const s = scripted([uia401({ session: 'P', flows: [{ stages: ['m.login.password'] }] }), () => ({ ok: { done: true } })]);
    const raw = jest.fn();
    expect(() => renderHook(() => useInteractiveAuth({ stages: stageMachines, request: s.request, inspect: raw as never }))).toThrow(/sanitizedInspector/);
    restore.mockRestore();
    expect(raw).not.toHaveBeenCalled();

    const seen: string[] = [];
    const inspect = sanitizedInspector((e) => void seen.push(JSON.stringify(e, (_k, v: unknown) => (typeof v === 'object' && v !== null && 'sessionId' in v ? '[actor]' : v))));
    const { result } = renderHook(() => useInteractiveAuth({ stages: stageMachines, request: s.request, userId: '@a:hs', autoStart: true, inspect }));
    await waitFor(() => expect(result.current.stage?.kind).toBe('password'));
    act(() => result.current.submitPassword('pw-s3cret-value'));
    await waitFor(() => expect(result.current.status).toBe('done'));
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.join('\n')).not.toContain('pw-s3cret-value');
  });

  test('sessionPersistence(options) keeps the negotiation under its key in the given storage', async () => {
    const store = new Map<string, string>();
    const storage = { getItem: (k: string) => store.get(k) ?? null, setItem: (k: string, v: string) => void store.set(k, v), removeItem: (k: string) => void store.delete(k) } as unknown as Storage;
    const persist = sessionPersistence({ key: 'custom', storage });
    expect(persist.options).toEqual({ key: 'custom', storage });
    expect(persist.load()).toBeUndefined();
    const s = scripted([uia401({ session: 'P', flows: [{ stages: ['m.login.password'] }] })]);
    const { result, unmount } = renderHook(() => useInteractiveAuth({ stages: stageMachines, request: s.request, autoStart: true, persist }));
    await waitFor(() => expect(result.current.stage?.kind).toBe('password'));
    await waitFor(() => expect(store.get('custom')).toContain('"P"'));
    unmount();
    expect(persist.load()).toMatchObject({ status: 'active' });
  });
});
