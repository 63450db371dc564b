/**
 * Scripted rate limiting: "the next N requests to endpoint X get 429". Deterministic on purpose
 * (no time windows), so a test can say exactly which request is refused and check that the client
 * waits `retry_after_ms` and retries.
 */
import type { RateLimitRule } from './config';

/** The rules of one simulated homeserver. */
export class RateLimiter {
  private rules: RateLimitRule[] = [];

  /** Adds a rule: the next `count` requests to `endpoint` get 429 with `retryAfterMs`. */
  limitNext(endpoint: string, count = 1, retryAfterMs = 1000): void {
    if (count > 0) this.rules.push({ endpoint, count, retryAfterMs });
  }

  /** Drops every rule. */
  clear(): void {
    this.rules = [];
  }

  /** The rules still armed. */
  pending(): readonly RateLimitRule[] {
    return this.rules;
  }

  /**
   * Consumes one use of the first rule matching this request, returning its `retryAfterMs`, or
   * `undefined` when the request may go through.
   */
  take(method: string, template: string): number | undefined {
    const rule = this.rules.find((r) => r.endpoint === '*' || r.endpoint === template || r.endpoint === `${method} ${template}`);
    if (!rule) return undefined;
    rule.count--;
    if (rule.count <= 0) this.rules = this.rules.filter((r) => r !== rule);
    return rule.retryAfterMs;
  }
}
