/**
 * @jest-environment ./test/react/happy-dom-environment.js
 */
/**
 * useInteractiveAuth runs the chart every negotiation shares (`sharedUiaMachine(stageMachines)`, built once),
 * not a machine built per mount, and each mounted hook still calls its own request function.
 */
import { act, renderHook, waitFor } from '@testing-library/react';
import { StrictMode } from 'react';
import { sharedUiaMachine } from '../../src/api/create-uia-machine';
import { useInteractiveAuth } from '../../src/react';
import { scripted, uia401 } from '../helpers/scripted-server';
import { stageMachines } from '../../machines/stages';

const passwordFlow = { session: 'S', flows: [{ stages: ['m.login.password'] }], params: {} };

test('two mounted hooks share one machine and each calls its own request function', async () => {
  const a = scripted([uia401(passwordFlow), { ok: { who: 'a' } }]);
  const b = scripted([uia401({ ...passwordFlow, session: 'T' }), { ok: { who: 'b' } }]);
  const first = renderHook(() => useInteractiveAuth({ stages: stageMachines, request: a.request, userId: '@a:x', autoStart: true }), { wrapper: StrictMode });
  const second = renderHook(() => useInteractiveAuth({ stages: stageMachines, request: b.request, userId: '@b:x', autoStart: true }), { wrapper: StrictMode });
  await waitFor(() => expect(first.result.current.stage?.kind).toBe('password'));
  await waitFor(() => expect(second.result.current.stage?.kind).toBe('password'));

  expect(first.result.current.actorRef).not.toBe(second.result.current.actorRef);
  expect((first.result.current.actorRef as unknown as { logic: unknown }).logic).toBe(sharedUiaMachine(stageMachines));
  expect((second.result.current.actorRef as unknown as { logic: unknown }).logic).toBe(sharedUiaMachine(stageMachines));

  act(() => second.result.current.submitPassword('pw-b'));
  await waitFor(() => expect(second.result.current.status).toBe('done'));
  act(() => first.result.current.submitPassword('pw-a'));
  await waitFor(() => expect(first.result.current.status).toBe('done'));
  expect(first.result.current.result).toEqual({ who: 'a' });
  expect(second.result.current.result).toEqual({ who: 'b' });
  expect(a.calls.map((c) => c.auth)).toEqual([null, expect.objectContaining({ session: 'S', password: 'pw-a' })]);
  expect(b.calls.map((c) => c.auth)).toEqual([null, expect.objectContaining({ session: 'T', password: 'pw-b' })]);
  first.unmount();
  second.unmount();
});
