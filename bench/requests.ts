/**
 * Requests per negotiation: each scenario played once by each library against a fresh endpoint,
 * counted at the endpoint, next to the spec's minimum.
 */
import { runWithMatrixJsSdk } from './run-matrix-js-sdk';
import { runWithMatrixUia } from './run-matrix-uia';
import type { Runner } from './runner';
import { SCENARIOS, type Scenario } from './scenarios';
import { createUiaEndpoint, type EndpointCounts } from './uia-endpoint';

/** One row of the request table. */
export interface RequestRow {
  scenario: Scenario;
  /** The spec's minimum plus the refused out-of-band checks. */
  expected: number;
  uia: EndpointCounts;
  sdk: EndpointCounts;
}

async function count(s: Scenario, run: Runner): Promise<EndpointCounts> {
  const endpoint = createUiaEndpoint(s.endpoint);
  await run(s, endpoint);
  return { ...endpoint.counts };
}

/** Plays every scenario with both libraries. */
export async function measureRequests(): Promise<RequestRow[]> {
  const rows: RequestRow[] = [];
  for (const s of SCENARIOS) {
    rows.push({ scenario: s, expected: s.minimum + s.polls, uia: await count(s, runWithMatrixUia), sdk: await count(s, runWithMatrixJsSdk) });
  }
  return rows;
}

/** Rows that break the rule: matrix-uia above the minimum, or above matrix-js-sdk. */
export function violations(rows: RequestRow[]): string[] {
  const out: string[] = [];
  for (const r of rows) {
    if (r.uia.requests > r.expected) out.push(`${r.scenario.id}: matrix-uia sent ${r.uia.requests} requests, minimum is ${r.expected}`);
    if (r.uia.requests > r.sdk.requests) out.push(`${r.scenario.id}: matrix-uia sent ${r.uia.requests} requests, matrix-js-sdk ${r.sdk.requests}`);
  }
  return out;
}
