/**
 * Shared set-up for the chart tests: a started parent chart bound to controllable functions,
 * and a recording parent for a stage machine under test.
 */
import { createActor, setup, type AnyActorRef, type AnyStateMachine, type InspectionEvent } from 'xstate';
import { createUiaMachine } from '../../src/api/create-uia-machine';
import type { UiaMachineInput } from '../../machines/uia.types';
import type { StageInput } from '../../machines/stages/stage.types';
import { selectStageSnapshot, type UiaSnapshot } from '../../src/api/selectors';
import type { CheckRegistrationTokenFn, EmailTokenRequest, MsisdnTokenRequest, SubmitMsisdnTokenFn } from '../../src/types';
import { controllableRequest, controllableTokenRequest } from '../helpers/controllable';
import { stageMachines } from '../../machines/stages';

/** A started parent chart with controllable request and email token functions. */
export function startChart(input: UiaMachineInput = {}, extra: { submitMsisdnToken?: SubmitMsisdnTokenFn; checkRegistrationToken?: CheckRegistrationTokenFn } = {}) {
  const req = controllableRequest();
  const email = controllableTokenRequest<EmailTokenRequest>();
  const sms = controllableTokenRequest<MsisdnTokenRequest>();
  /** Events the chart itself received (from the app or from its stage), in order. */
  const received: { type: string; [k: string]: unknown }[] = [];
  const machine = createUiaMachine({ request: req.request, requestEmailToken: email.fn, requestMsisdnToken: sms.fn, ...extra }, stageMachines);
  const actor = createActor(machine, {
    input,
    inspect: (e: InspectionEvent) => {
      if (e.type === '@xstate.event' && e.actorRef === actor) received.push(e.event as never);
    },
  });
  actor.start();
  const snap = (): UiaSnapshot => actor.getSnapshot();
  return {
    actor,
    req,
    email,
    sms,
    received,
    snap,
    /** The open stage machine's snapshot. */
    stage: () => selectStageSnapshot(snap()),
    /** Types of `STAGE.*` events the chart received from its stage. */
    stageEvents: () => received.filter((e) => e.type.startsWith('STAGE.')).map((e) => e.type),
  };
}

/** A full stage input with defaults. */
export function stageInput(over: Partial<StageInput> = {}): StageInput {
  return {
    type: 'm.login.password',
    session: 'S',
    params: {},
    inputs: {},
    userId: '@alice:example.org',
    homeserverUrl: 'https://hs.example.org',
    clientSecret: 'secret123',
    emailSid: undefined,
    emailAttempt: 0,
    registrationToken: null,
    ...over,
  };
}

/**
 * Runs a stage machine as the child `stage` of a recording parent, as the chart does, so its
 * `sendParent` events can be checked.
 */
export function startStage(logic: AnyStateMachine, input: StageInput) {
  const sent: { type: string; [k: string]: unknown }[] = [];
  const parent = setup({ actors: { stage: logic } }).createMachine({
    invoke: { id: 'stage', src: 'stage', input },
    on: { '*': { actions: ({ event }) => void sent.push(event as never) } },
  });
  const actor = createActor(parent);
  actor.start();
  const ref = () => (actor.getSnapshot().children as Record<string, AnyActorRef>).stage!;
  return {
    actor,
    sent,
    ref,
    send: (e: { type: string; [k: string]: unknown }) => ref().send(e as never),
    snap: () => ref().getSnapshot() as { value: unknown; context: Record<string, unknown>; status: string; hasTag(t: string): boolean; matches(v: string): boolean; can(e: unknown): boolean },
    types: () => sent.map((e) => e.type),
  };
}
