/**
 * The Synapse 1.67.0 recording (`test/fixtures/synapse-1.67.0-uia.json`, copied into the repository from the
 * team's shared recordings): real 401 bodies for tests.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

/** One recorded HTTP exchange. */
export interface Exchange {
  scenario: string;
  method: string;
  url: string;
  request_body: Record<string, unknown> | null;
  status: number;
  response_body: Record<string, unknown>;
}

const FIXTURE = resolve(__dirname, '../fixtures/synapse-1.67.0-uia.json');

let cache: Exchange[] | null = null;

/** Exchange number `i` (0-based, as listed in the file). */
export function synapseExchange(i: number): Exchange {
  cache ??= (JSON.parse(readFileSync(FIXTURE, 'utf8')) as { exchanges: Exchange[] }).exchanges;
  const e = cache[i];
  if (!e) throw new Error(`no exchange ${i}`);
  return e;
}
