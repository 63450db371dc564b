/**
 * Types the adapter shares with the core, and its own.
 */
import type { UiaMachineInput } from '../../machines/uia.types';
import type { AuthDict } from '../types';

export type { AuthDict, RequestEmailTokenFn, UiaRequestFn } from '../types';

/** matrix-js-sdk's `UIAuthCallback<T>`: given `makeRequest`, complete UIA and resolve with its result. */
export type UIAuthCallback<T> = (makeRequest: (authData: AuthDict | null) => Promise<T>) => Promise<T>;

/** The chart input {@link chartInputFromClient} fills in. */
export type UiaMachineInputFromClient = Pick<UiaMachineInput, 'homeserverUrl' | 'userId' | 'clientSecret'>;
