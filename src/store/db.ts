import type { Database, OpenDatabaseOptions } from './db.types';
import { openPgDatabase } from './pg-driver';
import { openPgliteDatabase } from './pglite-driver';

export type { Database, OpenDatabaseOptions, QueryResult, Queryable, Row, Session } from './db.types';

/** Where PGlite keeps its files when neither a server URL nor a data directory is given. */
export const DEFAULT_DATA_DIR = '.data';

/**
 * A PostgreSQL server when a URL is given (production, several processes), PGlite otherwise
 * (a laptop, the CLI, tests). Migrations are not run here: see migrate.ts / createStore.
 */
export function openDatabase(options: OpenDatabaseOptions = {}): Promise<Database> {
  if (options.url) {
    return openPgDatabase({ url: options.url, ...(options.schema ? { schema: options.schema } : {}) });
  }
  return openPgliteDatabase(options.dataDir ?? DEFAULT_DATA_DIR);
}
