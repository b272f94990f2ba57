import type { Reporter, TestCase, TestModule, TestSuite } from 'vitest/node';

/**
 * Ends the run with one plain line, "N passed, N failed[, N skipped]", which any CI log reader
 * understands without knowing vitest's own summary format.
 *
 * A test that did not run because something around it broke is a failure, not a skip: vitest marks
 * the tests of a suite whose `beforeAll` threw (a browser that would not start, a server that would
 * not listen) as skipped, and a file that failed to load has no tests at all. Only tests skipped on
 * purpose (`.skip`, `-t` filters, `skipIf`) count as skipped.
 */
export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    const { passed, failed, skipped } = summarise(testModules);
    // After vitest's own summary, which the default reporter prints once this hook has returned.
    const line = summaryLine(passed, failed, skipped);
    process.once('beforeExit', () => process.stdout.write(`\n${line}\n`));
  }
}

export function summaryLine(passed: number, failed: number, skipped: number): string {
  return `${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`;
}

/** True when the test, or a suite or file around it, failed outside any test (a hook, a load error). */
function brokenAround(test: TestCase): boolean {
  let at: TestSuite | TestModule = test.parent;
  for (;;) {
    if (at.errors().length > 0) return true;
    if (at.type === 'module') return false;
    at = at.parent;
  }
}

export function summarise(testModules: ReadonlyArray<TestModule>): { passed: number; failed: number; skipped: number } {
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  for (const module of testModules) {
    const tests = [...module.children.allTests()];
    for (const test of tests) {
      const state = test.result().state;
      if (state === 'passed') passed += 1;
      else if (state === 'failed' || brokenAround(test)) failed += 1;
      else skipped += 1;
    }
    // A file that failed to load has no tests but must still count as a failure.
    if (module.state() === 'failed' && tests.length === 0) failed += 1;
  }
  return { passed, failed, skipped };
}
