/**
 * Stored negotiations carry a format number: an entry saved with the former context layout
 * (format 1, settings at the top of the context) is dropped on load, so it can never be restored
 * into the current chart; an entry saved now loads and resumes.
 */
import { loadUiaSnapshot, persistUiaSession } from '../../src/browser/session-persistence';
import { createUiaActor } from '../../src/api/create-uia-machine';
import { flush } from '../helpers/controllable';
import { scripted, uia401 } from '../helpers/scripted-server';
import { stageMachines } from '../../machines/stages';

/** A Storage kept in a Map. */
function memoryStorage(): Storage {
  const m = new Map<string, string>();
  return {
    get length() {
      return m.size;
    },
    clear: () => m.clear(),
    getItem: (k) => m.get(k) ?? null,
    key: (i) => [...m.keys()][i] ?? null,
    removeItem: (k) => void m.delete(k),
    setItem: (k, v) => void m.set(k, String(v)),
  };
}

const passwordFlow = { session: 'S', flows: [{ stages: ['m.login.password'] }], params: {} };

test('an entry of the former format is dropped; one saved now resumes', async () => {
  const storage = memoryStorage();
  const formerContext = { inputs: {}, polling: { intervalMs: 2000 }, clientSecret: 'cs', session: 'S', pollCount: 0 };
  storage.setItem('k', JSON.stringify({ v: 1, savedAt: Date.now(), snapshot: { status: 'active', value: 'awaitingStage', context: formerContext, children: {} } }));
  expect(loadUiaSnapshot({ key: 'k', storage })).toBeUndefined();
  expect(storage.getItem('k')).toBeNull();

  const s = scripted([uia401(passwordFlow), { ok: { done: true } }]);
  const actor = createUiaActor({ stages: stageMachines, request: s.request, userId: '@a:x' });
  actor.start();
  const dispose = persistUiaSession(actor, { key: 'k', storage });
  actor.send({ type: 'START' });
  await flush();
  expect(actor.getSnapshot().value).toBe('awaitingStage');
  dispose();
  actor.stop();

  const saved = loadUiaSnapshot({ key: 'k', storage });
  expect(saved).toBeDefined();
  const resumed = createUiaActor({ stages: stageMachines, request: s.request, snapshot: saved! });
  resumed.start();
  expect(resumed.getSnapshot().value).toBe('awaitingStage');
  expect(resumed.getSnapshot().context.settings.userId).toBe('@a:x');
  resumed.stop();
});
