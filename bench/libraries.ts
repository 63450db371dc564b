/**
 * Every client the bench compares, by row: the minimal XState chart (the floor), matrix-uia's
 * three entry points, and matrix-js-sdk's `InteractiveAuth` in two versions.
 */
import { runWithMinimalChart } from './minimal-chart';
import { runWithDropIn, runWithMatrixJsSdk, runWithMatrixJsSdk43, SDK43_ERROR } from './run-matrix-js-sdk';
import { runWithMatrixUia, runWithUiaActor } from './run-matrix-uia';
import type { Runner } from './runner';
import type { HttpErrorClass } from './uia-endpoint';

/** One client of the tables. */
export interface Library {
  /** Short id. */
  id: 'minimal' | 'actor' | 'runUia' | 'dropIn' | 'sdk43' | 'sdk';
  /** Its row label. */
  name: string;
  /** Plays a scenario with it. */
  run: Runner;
  /** The error class its endpoint must reject with (matrix-js-sdk 43 knows only its own). */
  ErrorClass?: HttpErrorClass;
  /** It can play only the password scenario (the minimal chart and the bare actor runner). */
  passwordOnly?: boolean;
  /** It is matrix-uia's (the ratio to the minimal chart is its headline figure). */
  ours?: boolean;
}

/** The rows, in table order. */
export const LIBRARIES: Library[] = [
  { id: 'minimal', name: 'minimal XState chart (the floor)', run: runWithMinimalChart, passwordOnly: true },
  { id: 'actor', name: 'matrix-uia createUiaActor', run: runWithUiaActor, passwordOnly: true, ours: true },
  { id: 'runUia', name: 'matrix-uia runUia', run: runWithMatrixUia, ours: true },
  { id: 'dropIn', name: 'matrix-uia InteractiveAuth (drop-in)', run: runWithDropIn, ours: true },
  { id: 'sdk43', name: 'matrix-js-sdk 43.0.0 InteractiveAuth', run: runWithMatrixJsSdk43, ErrorClass: SDK43_ERROR },
  { id: 'sdk', name: 'matrix-js-sdk 37.5.0 InteractiveAuth', run: runWithMatrixJsSdk },
];
