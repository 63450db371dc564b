/**
 * Selectors: what a UI reads from a snapshot of the parent chart.
 *
 * Everything here is derived on read (busy from tags, "can submit" from the stage's `can`), so
 * nothing has to be kept in sync. Works with `useSelector` from `@xstate/react` or plain
 * `actor.getSnapshot()`.
 */
import type { AnyActorRef, SnapshotFrom } from 'xstate';
import type { UiaMachine } from '../../machines/uia.machine';
import type { StageEvent } from '../../machines/stages/stage.types';
import type { UiaError } from '../errors/errors';
import { Sealed } from '../secrets/secret';
import type { StageKind } from '../decisions/stage-kind';
import type { UIAFlow } from '../types';

/** A snapshot of the parent chart. */
export type UiaSnapshot = SnapshotFrom<UiaMachine>;

/** The snapshot of any stage machine, loosely typed (its context depends on the kind). */
export interface StageSnapshotLike {
  /** The stage machine's state value, e.g. `"waiting"`. */
  value: unknown;
  /** The stage machine's context (see each stage's `…StageContext` type). */
  context: Record<string, unknown>;
  /** `active` while the stage is open. */
  status: string;
  /** Whether the state carries a tag (`input`, `busy`). */
  hasTag(tag: string): boolean;
  /** Whether the stage would act on this event now. */
  can(event: StageEvent): boolean;
  /** Whether the stage is in this state. */
  matches(value: string): boolean;
}

/** The running stage machine, if a stage is open. */
export function selectStageRef(snapshot: UiaSnapshot): AnyActorRef | undefined {
  return (snapshot.children as Record<string, AnyActorRef | undefined>).stage;
}

/** The open stage machine's snapshot, if a stage is open. */
export function selectStageSnapshot(snapshot: UiaSnapshot): StageSnapshotLike | undefined {
  return selectStageRef(snapshot)?.getSnapshot() as StageSnapshotLike | undefined;
}

/** The open stage: its type (e.g. `m.login.password`) and which stage machine handles it. */
export function selectStage(snapshot: UiaSnapshot): { type: string; kind: StageKind } | null {
  const { stage, stageKind } = snapshot.context;
  return stage && stageKind ? { type: stage, kind: stageKind } : null;
}

/** The server's `params` for a stage type (default: the open stage). */
export function selectStageParams(snapshot: UiaSnapshot, type?: string): Record<string, unknown> | undefined {
  const t = type ?? snapshot.context.stage;
  return t ? snapshot.context.params[t] : undefined;
}

/** The error to show on the open stage (wrong password, invalid token, network fault), if any. */
export function selectStageError(snapshot: UiaSnapshot): UiaError | null {
  const stageError = selectStageSnapshot(snapshot)?.context.error as UiaError | null | undefined;
  return stageError ?? snapshot.context.stageError ?? null;
}

/** True while a foreground request is in flight (in the chart or in the open stage). */
export function selectBusy(snapshot: UiaSnapshot): boolean {
  return snapshot.hasTag('busy') || Boolean(selectStageSnapshot(snapshot)?.hasTag('busy'));
}

/** True when the open stage waits for the user. */
export function selectWaitingForInput(snapshot: UiaSnapshot): boolean {
  return snapshot.status === 'active' && Boolean(selectStageSnapshot(snapshot)?.hasTag('input'));
}

/** Whether the open stage would act on this event now (e.g. enable a submit button). */
export function selectCanSend(snapshot: UiaSnapshot, event: StageEvent): boolean {
  const stage = selectStageSnapshot(snapshot);
  return snapshot.status === 'active' && !snapshot.hasTag('busy') && Boolean(stage?.can(event));
}

/** The flow being followed. */
export function selectChosenFlow(snapshot: UiaSnapshot): UIAFlow | null {
  return snapshot.context.chosenFlow;
}

/** The flows the server offered. */
export function selectFlows(snapshot: UiaSnapshot): UIAFlow[] {
  return snapshot.context.flows;
}

/** The UIA session id, once the server gave one. */
export function selectSessionId(snapshot: UiaSnapshot): string | undefined {
  return snapshot.context.session;
}

/** True while an out-of-band stage is being checked in the background. */
export function selectPolling(snapshot: UiaSnapshot): boolean {
  return snapshot.matches('polling');
}

/** The page to open for a fallback stage, or the approval page for m.oauth. */
export function selectExternalUrl(snapshot: UiaSnapshot): string | null {
  const ctx = selectStageSnapshot(snapshot)?.context;
  if (!ctx) return null;
  if (typeof ctx.fallbackUrl === 'string') return ctx.fallbackUrl;
  if (typeof ctx.url === 'string') return ctx.url;
  return null;
}

/** The endpoint's result once the negotiation is done. */
export function selectResult<T = unknown>(snapshot: UiaSnapshot): T | undefined {
  const out = snapshot.output;
  return out && out.status === 'done' && out.result instanceof Sealed ? (out.result.unseal() as T) : undefined;
}

/** The error the negotiation ended with, if it failed or was cancelled. */
export function selectFinalError(snapshot: UiaSnapshot): UiaError | undefined {
  const out = snapshot.output;
  return out && out.status !== 'done' ? out.error : undefined;
}
