'use strict';
const { snapshot, leftovers, describe } = require('./snapshot');

/**
 * Fails the run when tests left keys, schemas, tables or rows behind on the shared Redis and
 * PostgreSQL: only names in the test namespace (names.js) and `public` of the test database count,
 * and only what appeared during the run.
 */
module.exports = async function globalTeardown() {
  const before = globalThis.__leadstageLeftoversBefore;
  if (!before) return;
  const after = await snapshot();
  const lines = leftovers(before, after);
  if (process.env.LEADSTAGE_LEFTOVERS_VERBOSE) process.stderr.write(`leftover check: before ${describe(before)}; after ${describe(after)}\n`);
  if (lines.length === 0) return;
  throw new Error(
    `Tests left these behind on the shared servers (each test must delete what it creates: see closeTestRuntime in test/integration/support/test-runtime.ts):\n` +
      lines.map((line) => `  - ${line}`).join('\n') +
      '\n(If another test run used the same servers at the same time, these may be its own.)',
  );
};
