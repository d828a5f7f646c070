/**
 * `/sobjects`: describeGlobal, an object's basic info and describe, and single records by id or by
 * external id (GET, POST create → 201, PATCH update → 204, PATCH upsert by external id → 201/200,
 * DELETE → 204), plus `updated` / `deleted` (replication) for a time window.
 */
import { Router, type Response } from 'express';
import type { SandboxContext } from '../context';
import { apiVersionOf, writeEnvFor } from '../context';
import { describeObject, globalEntry } from '../describe-json';
import { notFound, RecordError, restError, SalesforceError, type SaveResult } from '../errors';
import { normalizeId } from '../ids';
import { autoAssignRequested } from '../lead-assignment';
import type { Row, Table } from '../org-store';
import { deleteRecord, findForWrite, readRecords, saveRecords } from '../record-writes';
import { parseSfTime, sfDateTime } from '../sf-time';

function requireTable(ctx: SandboxContext, type: string): Table {
  const table = ctx.store.table(type);
  if (!table) throw notFound();
  return table;
}

/** A record in the REST shape: attributes, then the requested (or all) fields. */
export function recordJson(table: Table, row: Row, version: string, fields?: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = { attributes: { type: table.def.name, url: `/services/data/v${version}/sobjects/${table.def.name}/${String(row.Id)}` } };
  for (const field of table.def.fields) {
    if (field.hidden || (fields && !fields.includes(field.name.toLowerCase()))) continue;
    out[field.name] = row[field.name] ?? null;
  }
  return out;
}

/** A single-record failure: 400 with every error of the record (errorCode = statusCode). */
export function singleRecordError(result: SaveResult): SalesforceError {
  const status = result.errors.some((e) => e.statusCode === 'ENTITY_IS_DELETED') ? 404 : 400;
  return new SalesforceError(status, result.errors.map((e) => ({ message: e.message, errorCode: e.statusCode, fields: e.fields })));
}

function requestedFields(ctx: SandboxContext, table: Table, param: unknown): string[] | undefined {
  if (typeof param !== 'string' || param === '') return undefined;
  const names = param.split(',').map((f) => f.trim()).filter(Boolean);
  for (const name of names) {
    if (!ctx.store.field(table, name)) throw restError(400, 'INVALID_FIELD', `No such column '${name}' on sobject of type ${table.def.name}`);
  }
  return names.map((n) => n.toLowerCase());
}

function countWrite(ctx: SandboxContext, results: SaveResult[], sobject: string, kind: 'created' | 'updated'): void {
  // a permission set, its field permissions or an assignment may have changed what the user sees
  ctx.refreshFieldAccess();
  for (const result of results) {
    if (!result.success) ctx.stats.written('failed', sobject);
    else ctx.stats.written(result.created === false ? 'updated' : result.created === true ? 'created' : kind, sobject);
  }
}

function windowOf(req: { query: Record<string, unknown> }): { start: number; end: number } {
  const start = typeof req.query.start === 'string' ? parseSfTime(req.query.start) : Number.NaN;
  const end = typeof req.query.end === 'string' ? parseSfTime(req.query.end) : Number.NaN;
  if (Number.isNaN(start) || Number.isNaN(end)) throw restError(400, 'MALFORMED_QUERY', 'start and end must be ISO 8601 date-times');
  if (end <= start) throw restError(400, 'INVALID_REPLICATION_DATE', 'startDate must chronologically precede endDate by more than one minute');
  return { start, end };
}

export function sobjectsRouter(ctx: SandboxContext): Router {
  const router = Router({ mergeParams: true });

  router.get('/sobjects', (req, res) => {
    const version = apiVersionOf(req);
    res.json({ encoding: 'UTF-8', maxBatchSize: 200, sobjects: ctx.store.objects().map((def) => globalEntry(def, version)) });
  });

  router.get('/sobjects/:type', (req, res) => {
    const table = requireTable(ctx, String(req.params.type));
    res.json({ objectDescribe: globalEntry(table.def, apiVersionOf(req)), recentItems: [] });
  });

  router.get('/sobjects/:type/describe', (req, res) => {
    const table = requireTable(ctx, String(req.params.type));
    res.json(describeObject(table.def, apiVersionOf(req)));
  });

  router.get('/sobjects/:type/updated', (req, res) => {
    const table = requireTable(ctx, String(req.params.type));
    const { start, end } = windowOf(req);
    const ids: string[] = [];
    for (const stored of table.rows.values()) {
      const row = ctx.store.committed(stored);
      if (!row || row.IsDeleted === true) continue;
      const t = parseSfTime(String(row.SystemModstamp));
      if (t >= start && t < end) ids.push(String(row.Id));
    }
    // a transaction still running covers nothing after its start: the next window starts there
    const running = ctx.store.oldestRunningTransaction();
    res.json({ ids, latestDateCovered: sfDateTime(Math.min(end, ctx.clock.now(), running ?? Number.POSITIVE_INFINITY)) });
  });

  router.get('/sobjects/:type/deleted', (req, res) => {
    const table = requireTable(ctx, String(req.params.type));
    const { start, end } = windowOf(req);
    const deletedRecords: { id: string; deletedDate: string }[] = [];
    for (const stored of table.rows.values()) {
      const row = ctx.store.committed(stored);
      if (!row || row.IsDeleted !== true) continue;
      const t = parseSfTime(String(row.SystemModstamp));
      if (t >= start && t < end) deletedRecords.push({ id: String(row.Id), deletedDate: String(row.SystemModstamp) });
    }
    const now = ctx.clock.now();
    res.json({ deletedRecords, earliestDateAvailable: sfDateTime(now - 15 * 86_400_000), latestDateCovered: sfDateTime(Math.min(end, now)) });
  });

  router.post('/sobjects/:type', (req, res) => {
    const table = requireTable(ctx, String(req.params.type));
    const env = writeEnvFor(ctx, res);
    const writes = readRecords(env, [req.body], { type: table.def.name, idKeys: false });
    const autoAssign = autoAssignRequested(req.get('sforce-auto-assign'));
    const [result] = saveRecords(env, writes, 'create', { allOrNone: true, autoAssign });
    countWrite(ctx, [result!], table.def.name, 'created');
    if (!result!.success) throw singleRecordError(result!);
    res.status(201).json({ id: result!.id, success: true, errors: [] });
  });

  const byId = (type: string, idText: string): { table: Table; row: Row } => {
    const table = requireTable(ctx, type);
    const id = normalizeId(idText);
    if (!id) throw notFound(`Provided external ID field does not exist or is not accessible: ${idText}`);
    const stored = table.rows.get(id);
    const row = stored ? ctx.store.committed(stored) : null;
    if (!row || row.IsDeleted === true) throw notFound();
    return { table, row };
  };

  router.get('/sobjects/:type/:id', (req, res) => {
    const { table, row } = byId(String(req.params.type), String(req.params.id));
    res.json(recordJson(table, row, apiVersionOf(req), requestedFields(ctx, table, req.query.fields)));
  });

  const updateOne = (table: Table, idText: string, body: unknown, res: Response, autoAssign: boolean): SaveResult => {
    const env = writeEnvFor(ctx, res);
    const found = findForWrite(env, table, idText);
    if (found instanceof RecordError) {
      if (found.statusCode === 'MALFORMED_ID' || found.statusCode === 'INVALID_CROSS_REFERENCE_KEY') throw notFound();
      throw singleRecordError({ success: false, id: null, errors: [found.toSaveError()] });
    }
    const writes = readRecords(env, [body], { type: table.def.name, idKeys: false });
    writes[0]!.id = String(found.row.Id);
    const [result] = saveRecords(env, writes, 'update', { allOrNone: true, autoAssign });
    countWrite(ctx, [result!], table.def.name, 'updated');
    return result!;
  };

  router.patch('/sobjects/:type/:id', (req, res) => {
    const table = requireTable(ctx, String(req.params.type));
    const result = updateOne(table, String(req.params.id), req.body, res, autoAssignRequested(req.get('sforce-auto-assign')));
    if (!result.success) throw singleRecordError(result);
    res.status(204).end();
  });

  router.delete('/sobjects/:type/:id', (req, res) => {
    const table = requireTable(ctx, String(req.params.type));
    const id = normalizeId(String(req.params.id));
    if (!id || !table.rows.has(id)) throw notFound();
    const outcome = deleteRecord(writeEnvFor(ctx, res), id);
    if (!outcome.ok) throw singleRecordError({ success: false, id: null, errors: [outcome.error.toSaveError()] });
    ctx.refreshFieldAccess();
    ctx.stats.written('deleted', table.def.name);
    res.status(204).end();
  });

  // By external id: GET a record, PATCH upserts one.
  router.get('/sobjects/:type/:field/:value', (req, res) => {
    const table = requireTable(ctx, String(req.params.type));
    const field = ctx.store.field(table, String(req.params.field));
    if (!field || !(field.externalId || field.type === 'id')) {
      throw notFound(`Provided external ID field does not exist or is not accessible: ${String(req.params.field)}`);
    }
    const id = field.type === 'id' ? normalizeId(String(req.params.value)) : ctx.store.uniqueHolder(table, field.name, req.params.value);
    const row = id ? table.rows.get(id) : undefined;
    if (!row || row.IsDeleted === true) throw notFound();
    res.json(recordJson(table, row, apiVersionOf(req), requestedFields(ctx, table, req.query.fields)));
  });

  router.patch('/sobjects/:type/:field/:value', (req, res) => {
    const table = requireTable(ctx, String(req.params.type));
    const field = ctx.store.field(table, String(req.params.field));
    if (!field || !field.externalId) {
      throw notFound(`Provided external ID field does not exist or is not accessible: ${String(req.params.field)}`);
    }
    const env = writeEnvFor(ctx, res);
    const writes = readRecords(env, [req.body], { type: table.def.name, idKeys: false });
    writes[0]!.values.set(field.name, String(req.params.value));
    const [result] = saveRecords(env, writes, 'upsert', {
      allOrNone: true, autoAssign: autoAssignRequested(req.get('sforce-auto-assign')), externalIdField: field.name,
    });
    countWrite(ctx, [result!], table.def.name, 'updated');
    if (!result!.success) throw singleRecordError(result!);
    res.status(result!.created ? 201 : 200).json({ id: result!.id, success: true, errors: [], created: result!.created });
  });

  return router;
}

