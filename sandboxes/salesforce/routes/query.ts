/**
 * SOQL over REST: `GET /query?q=` and `/queryAll?q=` (deleted and merged rows too), pages of 2,000
 * records (or `Sforce-Query-Options: batchSize=N`, clamped to 200..2000), and the next pages at
 * `GET /query/<locator>` (or `/queryAll/<locator>`), where the locator is `<cursorId>-<offset>` taken
 * from `nextRecordsUrl`. jsforce builds the queryMore URL as `<base>/query/<last path segment of
 * nextRecordsUrl>`, for queryAll cursors too, so both paths serve every cursor.
 */
import { Router } from 'express';
import type { SandboxContext } from '../context';
import { apiVersionOf } from '../context';
import { restError } from '../errors';
import { executeSoql, parseSoql, type SoqlResultRecord } from '../soql';

export const DEFAULT_BATCH_SIZE = 2000;
const MIN_BATCH_SIZE = 200;

/** `Sforce-Query-Options: batchSize=500` → 500 (clamped to 200..2000); absent or unreadable → 2000. */
export function batchSizeOf(header: string | undefined): number {
  const match = /(?:^|[,;\s])batchSize\s*=\s*(\d+)/i.exec(header ?? '');
  if (!match) return DEFAULT_BATCH_SIZE;
  return Math.min(DEFAULT_BATCH_SIZE, Math.max(MIN_BATCH_SIZE, Number(match[1])));
}

interface QueryPage {
  totalSize: number;
  done: boolean;
  nextRecordsUrl?: string;
  records: SoqlResultRecord[];
}

export function queryRouter(ctx: SandboxContext): Router {
  const router = Router({ mergeParams: true });

  const page = (records: SoqlResultRecord[], totalSize: number, done: boolean, next?: string): QueryPage => {
    ctx.stats.counters.queries.recordsReturned += records.length;
    return next ? { totalSize, done, nextRecordsUrl: next, records } : { totalSize, done, records };
  };

  router.get(['/query', '/queryAll'], (req, res) => {
    const q = req.query.q;
    if (typeof q !== 'string' || q.trim() === '') throw restError(400, 'MALFORMED_QUERY', 'A query string has to be specified');
    const all = req.path.startsWith('/queryAll');
    ctx.stats.counters.queries[all ? 'queryAll' : 'query'] += 1;
    const version = apiVersionOf(req);
    const result = executeSoql(parseSoql(q), ctx.store, { includeDeleted: all, apiVersion: version, now: ctx.clock.now() });
    const batchSize = batchSizeOf(req.get('sforce-query-options'));
    if (result.records.length <= batchSize) {
      res.json(page(result.records, result.totalSize, true));
      return;
    }
    const cursor = ctx.cursors.open(res.locals.token as string, result.records, result.totalSize, batchSize);
    ctx.stats.counters.queries.cursorsOpened += 1;
    ctx.stats.counters.queries.cursorsDropped = ctx.cursors.dropped;
    const next = `/services/data/v${version}/${all ? 'queryAll' : 'query'}/${cursor.id}-${batchSize}`;
    res.json(page(result.records.slice(0, batchSize), result.totalSize, false, next));
  });

  router.get(['/query/:locator', '/queryAll/:locator'], (req, res) => {
    ctx.stats.counters.queries.queryMore += 1;
    const found = ctx.cursors.resolve(String(req.params.locator));
    if (!found) throw restError(400, 'INVALID_QUERY_LOCATOR', 'invalid query locator');
    const { cursor, offset } = found;
    const header = req.get('sforce-query-options');
    const batchSize = header ? batchSizeOf(header) : cursor.batchSize;
    const end = Math.min(cursor.records.length, offset + batchSize);
    const records = cursor.records.slice(offset, end);
    const all = req.path.startsWith('/queryAll');
    const next = end < cursor.records.length ? `/services/data/v${apiVersionOf(req)}/${all ? 'queryAll' : 'query'}/${cursor.id}-${end}` : undefined;
    res.json(page(records, cursor.totalSize, next === undefined, next));
  });

  return router;
}
