/**
 * The shape shared by the two scenario players (bench/run-matrix-uia.ts and
 * bench/run-matrix-js-sdk.ts), so a measurement can take either.
 */
import type { Scenario } from './scenarios';
import type { UiaEndpoint } from './uia-endpoint';

/** Plays one negotiation of a scenario against an endpoint; resolves when it is done. */
export type Runner = (s: Scenario, endpoint: UiaEndpoint) => Promise<unknown>;
