/**
 * What the stage machines have in common, written once: the `submitted` state that waits for the
 * parent's verdict, the actions that keep the stage's `error`, the `{session}`-only submission of
 * out-of-band stages, and how a failed side request (email, SMS) becomes a typed error.
 *
 * Each stage machine still has its own `setup`; these helpers only build parts of it.
 */
import { assign, sendParent } from 'xstate';
import { isUiaError, NetworkError, StageError, type UiaError } from '../../src/errors/errors';
import { Sealed } from '../../src/secrets/secret';
import type { StageEvent, StageToParentEvent } from './stage.types';

/**
 * The state after a stage sent `STAGE.SUBMIT`: a refusal (`PARENT.REJECTED`) goes back to
 * `target` with the error recorded (`recordError`); success closes the stage from the parent.
 */
export function submittedState<const T extends string>(target: T) {
  return { on: { 'PARENT.REJECTED': { target, actions: 'recordError' } } } as const;
}

/** `clearError` and `recordError` (keeps the parent's refusal) for a stage context with `error`. */
export function errorActions<TContext extends { error: UiaError | null }>() {
  return {
    clearError: assign<TContext, StageEvent, undefined, StageEvent, never>({ error: null } as never),
    recordError: assign<TContext, StageEvent, undefined, StageEvent, never>(
      ({ event }) => ({ error: event.type === 'PARENT.REJECTED' ? event.error : null }) as Partial<TContext>,
    ),
  };
}

/**
 * Out-of-band stages (fallback page, m.oauth) are completed elsewhere: the parent polls with
 * `{session}` (`startPolling`) and `submit` confirms with `{session}` alone.
 */
export function sessionOnlyActions<TContext extends object>() {
  return {
    startPolling: sendParent<TContext, StageEvent, undefined, StageToParentEvent, StageEvent>((): StageToParentEvent => ({ type: 'STAGE.POLL', auth: {} })),
    submit: sendParent<TContext, StageEvent, undefined, StageToParentEvent, StageEvent>((): StageToParentEvent => ({ type: 'STAGE.SUBMIT', auth: new Sealed({}) })),
  };
}

/**
 * A failed token request (email, SMS) as the error to show: a typed error as is, an HTTP answer
 * as a `StageError` keeping the server's errcode (M_THREEPID_IN_USE, ...), anything else as a
 * network fault.
 */
export function requestFailure(e: unknown, stageType: string, message: string): UiaError {
  if (isUiaError(e)) return e;
  const data = (e as { data?: { errcode?: unknown; error?: unknown } } | null)?.data;
  if (typeof (e as { httpStatus?: unknown } | null)?.httpStatus === 'number') {
    return new StageError(stageType, typeof data?.errcode === 'string' ? data.errcode : undefined, typeof data?.error === 'string' ? data.error : message);
  }
  return new NetworkError(e);
}
