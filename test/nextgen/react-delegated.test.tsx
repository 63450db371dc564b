/**
 * @jest-environment ./test/react/happy-dom-environment.js
 */
/**
 * useInteractiveAuth on a server that delegates auth: with the auth metadata known, `start()`
 * (and autoStart) send nothing and `delegatedOutcome` carries the account page's URL; without it,
 * the endpoint's 404 M_UNRECOGNIZED becomes the same outcome once the metadata is known; on a
 * legacy server (metadata null) the hook negotiates as before.
 */
import { act, renderHook, waitFor } from '@testing-library/react';
import { AccountManagementRequiredError, type AuthMetadata } from '../../src';
import { useInteractiveAuth } from '../../src/react';
import { scripted, uia401 } from '../helpers/scripted-server';
import { stageMachines } from '../../machines/stages';

const METADATA: AuthMetadata = { issuer: 'https://auth.example/', account_management_uri: 'https://auth.example/account', account_management_actions_supported: ['org.matrix.device_delete'] };
const handling = { kind: 'accountManagement', action: 'org.matrix.device_delete', deviceId: 'PHONE' } as const;
const URL_FOR_PHONE = 'https://auth.example/account?action=org.matrix.device_delete&device_id=PHONE';

test('metadata known: nothing is sent, the outcome is there at once', async () => {
  const s = scripted([uia401({ session: 'S', flows: [{ stages: ['m.login.password'] }], params: {} })]);
  const { result } = renderHook(() => useInteractiveAuth({ stages: stageMachines, request: s.request, autoStart: true, delegated: { metadata: METADATA, handling } }));
  act(() => result.current.start());
  await new Promise((r) => setTimeout(r, 20));
  expect(s.calls).toHaveLength(0);
  expect(result.current.status).toBe('idle');
  expect(result.current.delegatedOutcome).toBeInstanceOf(AccountManagementRequiredError);
  expect(result.current.delegatedOutcome).toMatchObject({ url: URL_FOR_PHONE, action: 'org.matrix.device_delete' });
});

test('metadata learned later: the 404 M_UNRECOGNIZED the chart ended with maps to the outcome (kept as cause)', async () => {
  const s = scripted([{ status: 404, body: { errcode: 'M_UNRECOGNIZED', error: 'Unrecognized request' } }]);
  let metadata: AuthMetadata | undefined;
  const { result, rerender } = renderHook(() => useInteractiveAuth({ stages: stageMachines, request: s.request, delegated: { metadata, handling } }));
  act(() => result.current.start());
  await waitFor(() => expect(result.current.status).toBe('failed'));
  expect(result.current.delegatedOutcome).toBeNull();
  metadata = METADATA;
  rerender();
  expect(result.current.delegatedOutcome).toMatchObject({ url: URL_FOR_PHONE, cause: result.current.error });
  const first = result.current.delegatedOutcome;
  rerender();
  expect(result.current.delegatedOutcome).toBe(first);
});

test('legacy server (metadata null): negotiates as before, no outcome', async () => {
  const s = scripted([uia401({ session: 'S', flows: [{ stages: ['m.login.password'] }], params: {} }), { ok: {} }]);
  const { result } = renderHook(() => useInteractiveAuth({ stages: stageMachines, request: s.request, userId: '@a:b', delegated: { metadata: null, handling } }));
  act(() => result.current.start());
  await waitFor(() => expect(result.current.stage?.kind).toBe('password'));
  act(() => result.current.submitPassword('pw'));
  await waitFor(() => expect(result.current.status).toBe('done'));
  expect(result.current.delegatedOutcome).toBeNull();
});
