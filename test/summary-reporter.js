// Prints "N passed, N failed[, N skipped]" as the very last line of a jest run: the plain closing
// line CI reads in any language (jest's own summary is not one of the formats it knows).
class SummaryReporter {
  onRunComplete(_contexts, results) {
    const skipped = results.numPendingTests + results.numTodoTests;
    // a suite that crashed before its tests ran counts as a failure too
    const failed = results.numFailedTests + (results.numRuntimeErrorTestSuites || 0);
    const line = `${results.numPassedTests} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`;
    // jest prints its own summary after the reporters return: write ours when the process ends
    process.once('exit', () => process.stdout.write(`\n${line}\n`));
  }
}
module.exports = SummaryReporter;
