/**
 * Test helpers shared by the regression and property tests: the error an app's request function
 * throws for a non-2xx answer (the shape the chart reads: `httpStatus` + `data`), and the hook
 * for tests that assert no uncaught exception escapes.
 */
import { drain } from './wait';

/** What an app's request function throws for a non-2xx answer. */
export class HttpError extends Error {
  constructor(
    public httpStatus: number,
    public data: unknown,
  ) {
    super(`HTTP ${httpStatus}`);
  }
}

/**
 * For files whose tests assert that nothing escapes as an uncaught exception: drains (see
 * {@link drain}) after each test, so an escape is thrown while the test still runs and Jest fails
 * that test with it. XState reports an actor's unhandled error by throwing it from
 * `setTimeout(fn)`, after the code that caused it returned.
 *
 * Jest is the collector: it fails the running test (hooks included) on an uncaught exception. A
 * `process.on('uncaughtException')` listener registered here would hear nothing: a test's
 * `process` is Jest's copy of it, which never emits (this helper used to collect with one, and
 * its list stayed empty whatever escaped).
 */
export function failOnUncaught(): void {
  afterEach(drain);
}
