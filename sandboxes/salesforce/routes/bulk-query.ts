/**
 * Bulk API 2.0 query jobs under `/jobs/query`, exactly as jsforce's `conn.bulk2.query(soql)` drives
 * them: POST creates (`{operation: "query"|"queryAll", query}` → job info, state UploadComplete),
 * GET `/<id>` polls (→ JobComplete), GET `/<id>/results?locator=&maxRecords=` pages the CSV with
 * `Sforce-Locator` (the string "null" on the last page) and `Sforce-NumberOfRecords`, PATCH
 * `{state: "Aborted"}` aborts and DELETE removes. Each job counts against DailyBulkV2QueryJobs.
 */
import { Router } from 'express';
import { bulkColumns, bulkRestriction, BulkQueryJobs, COLUMN_DELIMITERS, type QueryJob } from '../bulk-jobs';
import type { SandboxContext } from '../context';
import { apiVersionOf } from '../context';
import { notFound, restError } from '../errors';
import { executeSoql, parseSoql } from '../soql';

export function bulkQueryRouter(ctx: SandboxContext): Router {
  const router = Router({ mergeParams: true });

  const job = (id: unknown): QueryJob => {
    const found = ctx.bulk.get(String(id));
    if (!found) throw notFound();
    return found;
  };

  router.post('/jobs/query', (req, res) => {
    const body = (req.body ?? {}) as { operation?: unknown; query?: unknown; columnDelimiter?: unknown; lineEnding?: unknown };
    if (body.operation !== 'query' && body.operation !== 'queryAll') {
      throw restError(400, 'INVALIDJOB', 'InvalidJob : operation must be query or queryAll');
    }
    if (typeof body.query !== 'string' || body.query.trim() === '') throw restError(400, 'INVALIDJOB', 'InvalidJob : query is required');
    const delimiter = body.columnDelimiter === undefined || body.columnDelimiter === null ? 'COMMA' : String(body.columnDelimiter);
    if (!(delimiter in COLUMN_DELIMITERS)) throw restError(400, 'INVALIDJOB', `InvalidJob : unsupported columnDelimiter ${delimiter}`);
    const lineEnding = body.lineEnding === 'CRLF' ? 'CRLF' : 'LF';
    if (ctx.limits.bulkQueryJobs.used() >= ctx.limits.bulkJobsMax()) {
      throw restError(400, 'LIMIT_EXCEEDED', 'Max number of Bulk API 2.0 query jobs per rolling 24 hours exceeded (DailyBulkV2QueryJobs)');
    }
    const query = parseSoql(body.query);
    const restriction = bulkRestriction(query);
    if (restriction) throw restError(400, 'API_ERROR', restriction);
    const includeDeleted = body.operation === 'queryAll';
    const version = apiVersionOf(req);
    const result = executeSoql(query, ctx.store, { includeDeleted, apiVersion: version, now: ctx.clock.now() });
    const object = ctx.store.table(query.from.text)!.def.name;
    ctx.limits.bulkQueryJobs.add();
    const created = ctx.bulk.create({
      operation: body.operation, object, createdById: String(res.locals.userId), now: ctx.clock.now(), apiVersion: Number(version),
      columnDelimiter: delimiter, lineEnding, columns: bulkColumns(query, ctx.store, object), records: result.records,
    });
    ctx.stats.counters.bulk.jobsCreated += 1;
    res.status(200).json(ctx.bulk.info(created, { full: false }));
  });

  router.get('/jobs/query', (_req, res) => {
    res.json({ done: true, records: ctx.bulk.list().map((j) => ctx.bulk.info(j, { full: true })), nextRecordsUrl: null });
  });

  router.get('/jobs/query/:id', (req, res) => {
    res.json(ctx.bulk.info(job(req.params.id), { full: true }));
  });

  router.patch('/jobs/query/:id', (req, res) => {
    const found = job(req.params.id);
    const state = (req.body as { state?: unknown } | undefined)?.state;
    if (state !== 'Aborted') throw restError(400, 'INVALIDJOBSTATE', 'InvalidJobState : a query job can only be set to Aborted');
    if (ctx.bulk.state(found) === 'JobComplete') throw restError(400, 'INVALIDJOBSTATE', 'InvalidJobState : the job is already complete');
    found.aborted = true;
    ctx.stats.counters.bulk.jobsAborted += 1;
    res.json(ctx.bulk.info(found, { full: true }));
  });

  router.delete('/jobs/query/:id', (req, res) => {
    const found = job(req.params.id);
    ctx.bulk.delete(found.id);
    ctx.stats.counters.bulk.jobsDeleted += 1;
    res.status(204).end();
  });

  router.get('/jobs/query/:id/results', (req, res) => {
    const found = job(req.params.id);
    const state = ctx.bulk.state(found);
    if (state !== 'JobComplete') throw restError(400, 'INVALIDJOBSTATE', `InvalidJobState : job ${found.id} is ${state}; results are available once it is JobComplete`);
    const offset = BulkQueryJobs.offsetOf(typeof req.query.locator === 'string' ? req.query.locator : undefined);
    if (offset === undefined || offset > found.lines.length) throw restError(400, 'INVALIDLOCATOR', 'InvalidLocator : the locator is not valid for this job');
    let maxRecords = ctx.bulk.settings.defaultPageSize;
    if (req.query.maxRecords !== undefined) {
      maxRecords = Number(req.query.maxRecords);
      if (!Number.isInteger(maxRecords) || maxRecords < 1) throw restError(400, 'INVALIDMAXRECORDS', 'maxRecords must be a positive integer');
    }
    const page = ctx.bulk.page(found, offset, maxRecords);
    ctx.stats.counters.bulk.resultPages += 1;
    ctx.stats.counters.bulk.rowsReturned += page.count;
    res.set({ 'Content-Type': 'text/csv', 'Sforce-Locator': page.locator, 'Sforce-NumberOfRecords': String(page.count) });
    res.send(page.csv);
  });

  return router;
}
