/**
 * sObject Collections: `POST /composite/sobjects` (create), `PATCH /composite/sobjects` (update),
 * `PATCH /composite/sobjects/<Type>/<ExternalIdField>` (upsert), `DELETE /composite/sobjects?ids=`,
 * and `GET|POST /composite/sobjects/<Type>` (retrieve). At most 200 records per call (else 400
 * EXCEEDED_ID_LIMIT for the whole request); results in input order, 200 OK even when records fail.
 * The whole call counts as one API request.
 */
import { Router } from 'express';
import type { SandboxContext } from '../context';
import { apiVersionOf, writeEnvFor } from '../context';
import { notFound, restError, type SaveResult } from '../errors';
import { normalizeId } from '../ids';
import { autoAssignRequested } from '../lead-assignment';
import type { Undo } from '../org-store';
import { deleteRecord, readRecords, ROLLED_BACK, saveRecords, type WriteOperation } from '../record-writes';
import { recordJson } from './sobjects';

export const MAX_COLLECTION_RECORDS = 200;
export const COLLECTION_LIMIT_MESSAGE = 'record limit reached. cannot submit more than 200 records into this call';

function collectionBody(body: unknown): { allOrNone: boolean; records: unknown[] } {
  if (typeof body !== 'object' || body === null || !Array.isArray((body as { records?: unknown }).records)) {
    throw restError(400, 'JSON_PARSER_ERROR', 'The request body must be {"allOrNone": false, "records": [...]}');
  }
  const { allOrNone, records } = body as { allOrNone?: unknown; records: unknown[] };
  if (allOrNone !== undefined && typeof allOrNone !== 'boolean') throw restError(400, 'JSON_PARSER_ERROR', 'allOrNone must be a boolean');
  if (records.length > MAX_COLLECTION_RECORDS) throw restError(400, 'EXCEEDED_ID_LIMIT', COLLECTION_LIMIT_MESSAGE);
  return { allOrNone: allOrNone === true, records };
}

export function compositeRouter(ctx: SandboxContext): Router {
  const router = Router({ mergeParams: true });

  const record = (operation: WriteOperation, sobjects: string[], results: SaveResult[]) => {
    // a permission set, its field permissions or an assignment may have changed what the user sees
    ctx.refreshFieldAccess();
    ctx.stats.composite(operation, results.length, results.filter((r) => !r.success).length);
    results.forEach((result, i) => {
      const sobject = sobjects[i] ?? 'unknown';
      if (!result.success) {
        ctx.stats.written('failed', sobject);
        if (result.errors.some((e) => e.statusCode === 'FIELD_CUSTOM_VALIDATION_EXCEPTION')) ctx.stats.counters.faults.recordFailures += 1;
      } else ctx.stats.written(operation === 'create' || result.created === true ? 'created' : 'updated', sobject);
    });
  };

  const write = (operation: WriteOperation) => (req: import('express').Request, res: import('express').Response) => {
    const { allOrNone, records } = collectionBody(req.body);
    const env = writeEnvFor(ctx, res);
    let type: string | undefined;
    let externalIdField: string | undefined;
    if (operation === 'upsert') {
      const table = ctx.store.table(String(req.params.type));
      if (!table) throw notFound();
      const field = ctx.store.field(table, String(req.params.field));
      if (!field || !(field.externalId || field.type === 'id')) {
        throw notFound(`Provided external ID field does not exist or is not accessible: ${String(req.params.field)}`);
      }
      type = table.def.name;
      externalIdField = field.name;
    }
    const writes = readRecords(env, records, { ...(type ? { type } : {}), idKeys: operation === 'update' });
    const results = saveRecords(env, writes, operation, {
      allOrNone, autoAssign: autoAssignRequested(req.get('sforce-auto-assign')), ...(externalIdField ? { externalIdField } : {}),
    });
    record(operation, writes.map((w) => w.table?.def.name ?? 'unknown'), results);
    res.json(results);
  };

  router.post('/composite/sobjects', write('create'));
  router.patch('/composite/sobjects', write('update'));
  router.patch('/composite/sobjects/:type/:field', write('upsert'));

  router.delete('/composite/sobjects', (req, res) => {
    const ids = typeof req.query.ids === 'string' ? req.query.ids.split(',').filter(Boolean) : [];
    if (ids.length === 0) throw restError(400, 'MISSING_ARGUMENT', 'ids parameter is required');
    if (ids.length > MAX_COLLECTION_RECORDS) throw restError(400, 'EXCEEDED_ID_LIMIT', COLLECTION_LIMIT_MESSAGE);
    const allOrNone = String(req.query.allOrNone).toLowerCase() === 'true';
    const env = writeEnvFor(ctx, res);
    const undos: Undo[] = [];
    const outcomes = ids.map((id) => {
      const outcome = deleteRecord(env, id);
      if (outcome.ok) undos.push(outcome.undo);
      return outcome;
    });
    const failed = outcomes.some((o) => !o.ok);
    let results: SaveResult[];
    if (allOrNone && failed) {
      for (const undo of undos.reverse()) undo();
      results = outcomes.map((o, i) => (o.ok ? { id: ids[i]!, success: false, errors: [{ ...ROLLED_BACK }] } : { id: ids[i]!, success: false, errors: [o.error.toSaveError()] }));
    } else {
      results = outcomes.map((o, i) => (o.ok ? { id: o.id, success: true, errors: [] } : { id: ids[i]!, success: false, errors: [o.error.toSaveError()] }));
    }
    ctx.refreshFieldAccess();
    ctx.stats.composite('delete', results.length, results.filter((r) => !r.success).length);
    for (const result of results) {
      const table = ctx.store.tableOfId(String(result.id));
      if (result.success) ctx.stats.written('deleted', table?.def.name ?? 'unknown');
      else ctx.stats.written('failed', table?.def.name ?? 'unknown');
    }
    res.json(results);
  });

  const retrieve = (req: import('express').Request, res: import('express').Response, idsIn: unknown, fieldsIn: unknown) => {
    const table = ctx.store.table(String(req.params.type));
    if (!table) throw notFound();
    const ids = Array.isArray(idsIn) ? idsIn.map(String) : typeof idsIn === 'string' ? idsIn.split(',') : [];
    const fields = Array.isArray(fieldsIn) ? fieldsIn.map(String) : typeof fieldsIn === 'string' ? fieldsIn.split(',') : [];
    if (ids.length === 0 || fields.length === 0) throw restError(400, 'MISSING_ARGUMENT', 'ids and fields are required');
    if (ids.length > 2000) throw restError(400, 'EXCEEDED_ID_LIMIT', 'record limit reached. cannot submit more than 2000 records into this call');
    for (const name of fields) {
      if (!ctx.store.field(table, name)) throw restError(400, 'INVALID_FIELD', `No such column '${name}' on sobject of type ${table.def.name}`);
    }
    const wanted = fields.map((f) => f.toLowerCase());
    res.json(ids.map((idText) => {
      const id = normalizeId(idText.trim());
      const stored = id ? table.rows.get(id) : undefined;
      const row = stored ? ctx.store.committed(stored) : null;
      return row && row.IsDeleted !== true ? recordJson(table, row, apiVersionOf(req), wanted) : null;
    }));
  };
  router.get('/composite/sobjects/:type', (req, res) => retrieve(req, res, req.query.ids, req.query.fields));
  router.post('/composite/sobjects/:type', (req, res) => {
    const body = (req.body ?? {}) as { ids?: unknown; fields?: unknown };
    retrieve(req, res, body.ids, body.fields);
  });

  return router;
}
