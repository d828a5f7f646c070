import type * as NodeModuleApi from 'node:module';

/**
 * PGlite's Emscripten glue calls `import()` at start-up, which Jest's module sandbox rejects unless
 * Node runs with --experimental-vm-modules (a jest.config / package.json concern). Until then the
 * store tests load PGlite through Node's own loader, outside the sandbox: a Module instance of the
 * real class requires it natively. The store code is unchanged; it requires PGlite lazily, so this
 * mock is in place before the first database opens.
 */
jest.mock('@electric-sql/pglite', () => {
  const { Module } = jest.requireActual<typeof NodeModuleApi>('node:module');
  const host = new Module(__filename);
  return host.require(require.resolve('@electric-sql/pglite'));
});

export {};
