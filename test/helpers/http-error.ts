/**
 * Test helpers shared by the regression and property tests: the error an app's request function
 * throws for a non-2xx answer (the shape the chart reads: `httpStatus` + `data`), and a collector
 * of uncaught exceptions for tests that assert nothing escapes.
 */

/** What an app's request function throws for a non-2xx answer. */
export class HttpError extends Error {
  constructor(
    public httpStatus: number,
    public data: unknown,
  ) {
    super(`HTTP ${httpStatus}`);
  }
}

/** Collects `uncaughtException`s for the file's tests (registered in beforeAll, removed in afterAll). */
export function collectUncaught(): unknown[] {
  const uncaught: unknown[] = [];
  const onUncaught = (e: unknown) => void uncaught.push(e);
  beforeAll(() => process.on('uncaughtException', onUncaught));
  afterAll(() => void process.off('uncaughtException', onUncaught));
  return uncaught;
}
