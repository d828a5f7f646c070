/**
 * Associations v4: `POST /crm/v4/associations/:from/:to/batch/read` (≤1,000 inputs since
 * 2025-02-10) and `GET /crm/v4/objects/:type/:id/associations/:toType`. An input with no
 * associations is reported as HubSpot does: a 207 error with subCategory
 * `crm.associations.NO_ASSOCIATIONS_FOUND`, not an empty result; an input the `associationFailIds`
 * fault names fails in the same 207 with `INTERNAL_ERROR` and no subCategory (retry), which a reader
 * must not take for "no associations".
 */
import { Router } from 'express';
import { batchTimes, type SandboxContext } from '../context';
import { intParam, stringParam } from '../crm-view';
import { batchError, validationError, type BatchError } from '../errors';
import { associationTypes, SINGULAR, type CrmObjectType } from '../object-types';
import { checkBatchSize, objectTypeParam } from './crm-objects';

export const ASSOCIATION_BATCH_LIMIT = 1000;

/**
 * `toObjectId` as the v4 spec types it, a string (`MultiAssociatedObjectWithLabel`), or as the API has
 * been seen to send it, a number (hubspot-api-nodejs#552): `associationIdType`.
 */
function toEntries(ids: string[], from: CrmObjectType, to: CrmObjectType, idType: 'string' | 'number') {
  const types = associationTypes(from, to) ?? [];
  return ids.map((id) => ({
    toObjectId: idType === 'number' ? Number(id) : id,
    associationTypes: types.map((t) => ({ category: 'HUBSPOT_DEFINED', typeId: t.typeId, label: t.label })),
  }));
}

export function associationsRouter(ctx: SandboxContext): Router {
  const router = Router();

  router.post('/crm/v4/associations/:fromObjectType/:toObjectType/batch/read', (req, res) => {
    const started = ctx.clock.now();
    const from = objectTypeParam(req.params.fromObjectType);
    const to = objectTypeParam(req.params.toObjectType);
    const inputs = checkBatchSize(((req.body ?? {}) as Record<string, unknown>).inputs, ASSOCIATION_BATCH_LIMIT);
    if (!associationTypes(from, to)) throw validationError(`The sandbox has no associations from ${from} to ${to}`);
    const results: { from: { id: string }; to: ReturnType<typeof toEntries> }[] = [];
    const errors: BatchError[] = [];
    inputs.forEach((input, i) => {
      const id = (input as { id?: unknown } | null)?.id;
      if (typeof id !== 'string' && typeof id !== 'number') throw validationError(`inputs[${i}].id is required`);
      if (ctx.faults.associationReadFails(String(id))) {
        ctx.stats.fault('batchRecordFailures');
        errors.push(batchError({
          category: 'INTERNAL_ERROR',
          message: `Simulated failure reading the ${SINGULAR[to]} associations of ${SINGULAR[from]} ${String(id)} (sandbox fault); retry the request.`,
          context: { fromObjectId: [String(id)] },
        }));
        return;
      }
      const ids = ctx.store.associatedIds(from, String(id), to) ?? [];
      if (ids.length === 0) {
        errors.push(batchError({
          category: 'OBJECT_NOT_FOUND', subCategory: 'crm.associations.NO_ASSOCIATIONS_FOUND',
          message: `No ${SINGULAR[to]} is associated with ${SINGULAR[from]} ${String(id)}.`,
          context: { fromObjectId: [String(id)], fromObjectType: [SINGULAR[from]], toObjectType: [SINGULAR[to]] },
        }));
        return;
      }
      results.push({ from: { id: String(id) }, to: toEntries(ids, from, to, ctx.associationIdType) });
    });
    const payload: Record<string, unknown> = { status: 'COMPLETE', results, ...batchTimes(ctx, started) };
    if (errors.length) Object.assign(payload, { numErrors: errors.length, errors });
    res.status(errors.length ? 207 : 200).json(payload);
  });

  router.get('/crm/v4/objects/:objectType/:objectId/associations/:toObjectType', (req, res) => {
    const from = objectTypeParam(req.params.objectType);
    const to = objectTypeParam(req.params.toObjectType);
    if (!associationTypes(from, to)) throw validationError(`The sandbox has no associations from ${from} to ${to}`);
    const limit = intParam(req.query.limit, 'limit', 500, 500);
    const offset = Number(stringParam(req.query.after) ?? 0);
    const ids = ctx.store.associatedIds(from, req.params.objectId, to) ?? [];
    const page = ids.slice(offset, offset + limit);
    const body: Record<string, unknown> = { results: toEntries(page, from, to, ctx.associationIdType) };
    if (offset + limit < ids.length) body.paging = { next: { after: String(offset + limit) } };
    res.json(body);
  });

  return router;
}
