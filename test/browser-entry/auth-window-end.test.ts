/**
 * @jest-environment ./test/react/happy-dom-environment.js
 */
/**
 * `matrix-uia/browser` without React: when the negotiation actor ends by itself (done, failed,
 * cancelled) or is stopped, the auth window it opened is closed and every listener and timer the
 * helpers added (the `authDone` message listener, focus, visibility, pageshow, the popup-closed
 * check) is removed, with no disposer called by the app.
 */
import { stageMachines } from '../../machines/stages';
import { connectUiaToPage, openAuthWindow, type AuthWindowEvent } from '../../src/browser';
import { createUiaActor, type UiaActor } from '../../src/api/create-uia-machine';
import { selectStage } from '../../src/api/selectors';
import { scripted, uia401, type Answer } from '../helpers/scripted-server';

const HS = 'http://127.0.0.1:8448';
const ssoFlow = { session: 'S', flows: [{ stages: ['m.login.sso'] }], params: {} };

afterEach(() => {
  jest.restoreAllMocks();
});

/** A stand-in popup: window.open hands it out. */
function fakePopup() {
  return { closed: false, close: jest.fn(function (this: { closed: boolean }) { this.closed = true; }), focus: jest.fn() } as unknown as Window & { close: jest.Mock };
}

/** Counts listeners added minus removed, per target and type, and the intervals still set. */
function trackListeners() {
  const live = new Map<string, number>();
  const track = (target: EventTarget, label: string) => {
    const add = target.addEventListener.bind(target);
    const remove = target.removeEventListener.bind(target);
    jest.spyOn(target, 'addEventListener').mockImplementation((type, fn, opts) => {
      live.set(`${label}:${type}`, (live.get(`${label}:${type}`) ?? 0) + 1);
      add(type, fn, opts);
    });
    jest.spyOn(target, 'removeEventListener').mockImplementation((type, fn, opts) => {
      live.set(`${label}:${type}`, (live.get(`${label}:${type}`) ?? 0) - 1);
      remove(type, fn, opts);
    });
  };
  track(window, 'window');
  track(document, 'document');
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
  return {
    /** The listeners still attached, by `target:type`. */
    attached: () => Object.fromEntries([...live].filter(([, n]) => n !== 0)),
    intervals,
  };
}

/** Resolves once `check` holds for the actor's snapshot (driven by the chart's own updates). */
function until(actor: UiaActor, check: () => boolean): Promise<void> {
  return new Promise((resolve) => {
    if (check()) return resolve();
    const sub = actor.subscribe({
      next: () => {
        if (!check()) return;
        sub.unsubscribe();
        resolve();
      },
      complete: () => check() && resolve(),
    });
  });
}

/**
 * An SSO negotiation waiting on its fallback page, wired to the page (visibility watch) and with
 * the auth window open; `later` answers every request after the first 401.
 */
async function openOnSso(later: Answer) {
  const popup = fakePopup();
  jest.spyOn(window, 'open').mockReturnValue(popup);
  const listeners = trackListeners();
  const s = scripted([uia401(ssoFlow), later]);
  // Polls only when told to: the test decides when the chart hears from the server again.
  const actor = createUiaActor<unknown>({ stages: stageMachines, request: s.request, homeserverUrl: HS, polling: { intervalMs: 3_600_000 } });
  actor.start();
  const disconnect = connectUiaToPage(actor);
  actor.send({ type: 'START' });
  await until(actor, () => selectStage(actor.getSnapshot())?.kind === 'fallback');
  const events: AuthWindowEvent[] = [];
  const handle = openAuthWindow(actor, { onEvent: (e) => events.push(e) });
  expect(handle.status).toBe('open');
  // Everything is in place before the end...
  expect(listeners.attached()).toEqual({
    'window:message': 1,
    'window:focus': 2, // the window's re-check and the visibility watch
    'window:pageshow': 1,
    'document:visibilitychange': 2,
  });
  expect(listeners.intervals.size).toBe(1);
  return { actor, popup, handle, events, listeners, disconnect, calls: s.calls };
}

describe('the negotiation ends with the auth window open, and no disposer is called', () => {
  test.each([
    ['done: a re-check finds the page completed', { ok: {} } as Answer, (a: UiaActor) => a.send({ type: 'POLL' }), 'done'],
    ['failed: the server refuses the operation', { status: 403, body: { errcode: 'M_FORBIDDEN', error: 'Not allowed' } } as Answer, (a: UiaActor) => a.send({ type: 'POLL' }), 'failed'],
    ['cancelled by the app', uia401(ssoFlow), (a: UiaActor) => a.send({ type: 'CANCEL' }), 'cancelled'],
  ] as const)('%s: the popup is closed and every listener and timer removed', async (_label, later, end, outcome) => {
    const { actor, popup, handle, events, listeners } = await openOnSso(later);
    end(actor);
    await until(actor, () => actor.getSnapshot().status === 'done');
    expect(actor.getSnapshot().output?.status).toBe(outcome);

    expect(popup.close).toHaveBeenCalledTimes(1);
    expect(handle.disposed).toBe(true);
    expect(handle.popup).toBeNull();
    expect(events.at(-1)).toEqual({ type: 'disposed', reason: 'actor-ended' });
    expect(listeners.attached()).toEqual({});
    expect(listeners.intervals.size).toBe(0);
  });
});

test('the actor is stopped (the app tears its dialog down): the popup is closed and every listener and timer removed', async () => {
  const { actor, popup, handle, events, listeners, calls } = await openOnSso(uia401(ssoFlow));
  actor.stop();
  expect(popup.close).toHaveBeenCalledTimes(1);
  expect(handle.disposed).toBe(true);
  expect(events.at(-1)).toEqual({ type: 'disposed', reason: 'actor-ended' });
  expect(listeners.attached()).toEqual({});
  expect(listeners.intervals.size).toBe(0);

  // Nothing left listening: a late authDone from the popup or a focus changes nothing.
  const sent = calls.length;
  window.dispatchEvent(new MessageEvent('message', { data: 'authDone', origin: HS, source: popup }));
  window.dispatchEvent(new Event('focus'));
  expect(calls.length).toBe(sent);
  expect(events.filter((e) => e.type === 'done')).toEqual([]);
});

test('the disposers the app still calls afterwards are harmless', async () => {
  const { actor, popup, handle, listeners, disconnect } = await openOnSso({ ok: {} });
  actor.send({ type: 'POLL' });
  await until(actor, () => actor.getSnapshot().status === 'done');
  handle.dispose();
  disconnect();
  expect(popup.close).toHaveBeenCalledTimes(1);
  expect(listeners.attached()).toEqual({});
});
