/**
 * Options of a negotiation: the chart's serialisable input plus the app's functions.
 */
import type { UiaMachineInput } from '../../machines/uia.types';
import type { UiaFunctions } from '../actors/bound-functions';

export type { UiaFunctions };

/** Everything `createUiaMachine`, `createUiaActor` and `runUia` take. */
export interface UiaOptions<T> extends UiaMachineInput, UiaFunctions<T> {}
