/**
 * @jest-environment ./test/react/happy-dom-environment.js
 */
/**
 * useInteractiveAuth on a server that delegates auth, against the `delegated` preset in-process:
 * with the outcome from `checkDelegatedAuth` passed in, `start()` (and autoStart) send nothing and
 * `delegatedOutcome` carries the account page's URL; a negotiation that ran anyway ends with
 * `endpointUnrecognized`; on a legacy server (outcome null) the hook negotiates as before.
 */
import { act, renderHook, waitFor } from '@testing-library/react';
import { AccountManagementRequiredError } from '../../src';
import { checkDelegatedAuth, createMatrixClient, deleteDeviceCall, endpointFunctions } from '../../src/fetch';
import { useInteractiveAuth } from '../../src/react';
import { createHomeserver, DEMO_ACCOUNT, delegatedConfig, demoConfig } from '../../src/testing';
import { stageMachines } from '../../machines/stages';
import { drain } from '../helpers/wait';

const BASE = 'http://hs.test';
const handling = { kind: 'accountManagement', action: 'org.matrix.device_delete', deviceId: DEMO_ACCOUNT.otherDeviceId } as const;

function setup(delegated: boolean) {
  const hs = createHomeserver(delegated ? delegatedConfig() : demoConfig());
  const client = createMatrixClient({ baseUrl: BASE, accessToken: DEMO_ACCOUNT.accessToken, fetch: hs.fetch });
  return { hs, client, fns: endpointFunctions(client, deleteDeviceCall(DEMO_ACCOUNT.otherDeviceId)) };
}

const deviceRequests = (hs: ReturnType<typeof createHomeserver>) => hs.requests.filter((r) => r.path.includes('/devices/'));

test('outcome known: nothing is sent, the account page URL is there', async () => {
  const { hs, client, fns } = setup(true);
  const outcome = await checkDelegatedAuth(client, handling);
  expect(outcome).toBeInstanceOf(AccountManagementRequiredError);
  // Every request the chart makes goes through here: a START would call it in the same step.
  const sent: unknown[] = [];
  const request: typeof fns.request = (auth, opts) => (sent.push(auth), fns.request(auth, opts));
  const { result } = renderHook(() => useInteractiveAuth({ stages: stageMachines, ...fns, request, autoStart: true, delegatedOutcome: outcome }));
  act(() => result.current.start());
  // Nothing to wait for, as nothing is to happen: what could still send is autoStart, queued as a
  // microtask by the hook's mount effect. Let every microtask, immediate and zero-delay timer
  // queued by now run (and React apply what they changed); a START among them would have called
  // `request` synchronously.
  await act(drain);
  expect(sent).toEqual([]);
  expect(deviceRequests(hs)).toHaveLength(0);
  expect(result.current.status).toBe('idle');
  expect(result.current.delegatedOutcome).toBe(outcome);
  expect(result.current.delegatedOutcome).toMatchObject({ url: `${BASE}/_simulator/account?action=org.matrix.device_delete&device_id=${DEMO_ACCOUNT.otherDeviceId}` });
});

test('run without asking first: ends with endpointUnrecognized (the 404 M_UNRECOGNIZED), never a password stage', async () => {
  const { hs, fns } = setup(true);
  const { result } = renderHook(() => useInteractiveAuth({ stages: stageMachines, ...fns }));
  act(() => result.current.start());
  await waitFor(() => expect(result.current.status).toBe('failed'));
  expect(result.current.endpointUnrecognized).toBe(true);
  expect(result.current.stage).toBeNull();
  expect(deviceRequests(hs).map((r) => r.status)).toEqual([404]);
});

test('legacy server (outcome null): negotiates as before', async () => {
  const { hs, client, fns } = setup(false);
  const outcome = await checkDelegatedAuth(client, handling);
  expect(outcome).toBeNull();
  const { result } = renderHook(() => useInteractiveAuth({ stages: stageMachines, ...fns, userId: DEMO_ACCOUNT.userId, delegatedOutcome: outcome }));
  act(() => result.current.start());
  await waitFor(() => expect(result.current.stage?.kind).toBe('password'));
  act(() => result.current.submitPassword(DEMO_ACCOUNT.password));
  await waitFor(() => expect(result.current.status).toBe('done'));
  expect(result.current.delegatedOutcome).toBeNull();
  expect(result.current.endpointUnrecognized).toBe(false);
  expect(hs.getUser(DEMO_ACCOUNT.userId)!.devices.has(DEMO_ACCOUNT.otherDeviceId)).toBe(false);
});
