// Two projects so a developer can run the fast unit tests alone (`npm run test:unit`);
// `npm test` runs both. File names say what a test needs: *.unit.test.ts needs nothing,
// *.integration.test.ts uses Redis, PostgreSQL/PGlite or a sandbox over loopback.
const transform = { '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2023', parser: { syntax: 'typescript' } } }] };
const common = { testEnvironment: 'node', transform, moduleFileExtensions: ['ts', 'js', 'json'] };
module.exports = {
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/test/**/*.unit.test.ts'] },
    { ...common, displayName: 'integration', testMatch: ['<rootDir>/test/**/*.integration.test.ts'] },
  ],
  // integration tests start databases and servers: on a loaded 2-core machine that takes seconds
  // (a global option: jest ignores it inside a project)
  testTimeout: 60_000,
  // the run fails if tests left keys or schemas of theirs on the shared Redis or PostgreSQL
  globalSetup: '<rootDir>/test/leftovers/global-setup.js',
  globalTeardown: '<rootDir>/test/leftovers/global-teardown.js',
  // the plain "N passed, N failed" closing line that CI reads, after jest's own summary
  reporters: ['default', '<rootDir>/test/summary-reporter.js'],
};
