/**
 * A jest reporter that ends the run with one plain line, `tests: N passed, N failed[, N skipped]`,
 * and saves the counts to test-artifacts/test-summary.txt so .ci/run can repeat the line as the
 * very last thing it prints (jest prints its own footer after the reporters).
 */
const fs = require('node:fs');
const path = require('node:path');

class SummaryReporter {
  onRunComplete(_contexts, results) {
    const skipped = results.numPendingTests + results.numTodoTests;
    // Suites that failed to load run no test but must still count as failures.
    const failed = results.numFailedTests + results.numRuntimeErrorTestSuites;
    const line = `tests: ${results.numPassedTests} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`;
    process.stderr.write(`\n${line}\n`);
    const dir = path.join(__dirname, '..', 'test-artifacts');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'test-summary.txt'), line + '\n');
  }
}
module.exports = SummaryReporter;
