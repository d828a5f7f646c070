/**
 * Contact writes: `POST /crm/v3/objects/contacts/batch/update` (≤100 inputs, unique ids; per-record
 * failures answered 207) and the single `PATCH /crm/v3/objects/contacts/:id`. The rules for values
 * and for `lifecyclestage` are in contact-writes.ts; switchable partial failures in faults.ts. Every
 * change becomes `contact.propertyChange` webhook events with `changeSource: 'INTEGRATION'` and the
 * writing app's id as `sourceId` (contact-changes.ts), so the app sees its own echo, as on HubSpot.
 */
import { Router } from 'express';
import { apiWriteSource, emitPropertyChanges } from '../contact-changes';
import { batchTimes, callerOf, type SandboxContext } from '../context';
import { toApiObject } from '../crm-view';
import { derivedChanges, planContactUpdate, type PropertyProblem } from '../contact-writes';
import { batchError, HubSpotError, validationError, type BatchError } from '../errors';
import { checkBatchSize } from './crm-objects';

function invalidPropertiesMessage(problems: PropertyProblem[]): string {
  const details = problems.map((p) => ({ isValid: false, message: p.message, error: p.error, name: p.name }));
  return `Property values were not valid: ${JSON.stringify(details)}`;
}

export function contactsUpdateRouter(ctx: SandboxContext): Router {
  const router = Router();
  const store = ctx.store;
  const definitions = (name: string) => store.contactProperties.get(name);
  const contacts = () => store.collection('contacts');

  router.post('/crm/v3/objects/contacts/batch/update', (req, res) => {
    const started = ctx.clock.now();
    const body = (req.body ?? {}) as Record<string, unknown>;
    const inputs = checkBatchSize(body.inputs);
    ctx.stats.write('contactBatchUpdateRequests');
    const parsed = inputs.map((input, i) => {
      const { id, properties, idProperty } = (input ?? {}) as Record<string, unknown>;
      if (typeof id !== 'string' && typeof id !== 'number') throw validationError(`inputs[${i}].id is required`);
      if (typeof properties !== 'object' || properties === null || Array.isArray(properties)) {
        throw validationError(`inputs[${i}].properties must be an object of property values`);
      }
      if (idProperty !== undefined && idProperty !== 'hs_object_id') {
        throw validationError(`inputs[${i}].idProperty "${String(idProperty)}" is not supported by the sandbox; send record ids`);
      }
      return { id: String(id), properties: properties as Record<string, unknown> };
    });
    const seen = new Set<string>();
    const duplicates = parsed.filter((p) => (seen.has(p.id) ? true : (seen.add(p.id), false))).map((p) => p.id);
    if (duplicates.length > 0) {
      throw validationError(`Duplicate IDs found in batch input: [${[...new Set(duplicates)].join(', ')}]. IDs must be unique`);
    }

    // Judge every input against the portal as it was when the request arrived (see contact-writes.ts).
    const before = new Map<string, Record<string, string>>();
    for (const { id } of parsed) {
      const index = store.contactIndexOf(id);
      if (index !== undefined) before.set(id, { ...store.contactRecord(index).properties });
    }

    const nowIso = new Date(ctx.clock.now()).toISOString();
    const source = apiWriteSource(ctx, callerOf(res.locals));
    const results = [];
    const missing: string[] = [];
    const errors: BatchError[] = [];
    for (const { id, properties } of parsed) {
      const index = store.contactIndexOf(id);
      const snapshot = before.get(id);
      if (index === undefined || !snapshot) {
        missing.push(id);
        continue;
      }
      if (ctx.faults.batchRecordFails(id)) {
        ctx.stats.fault('batchRecordFailures');
        errors.push(batchError({
          category: 'INTERNAL_ERROR',
          message: `Simulated failure updating contact ${id} (sandbox fault); the record was not changed and may be retried.`,
          context: { ids: [id] },
        }));
        continue;
      }
      const plan = planContactUpdate(snapshot, properties, definitions);
      if (plan.problems.length > 0) {
        ctx.stats.write('contactUpdateErrors');
        errors.push(batchError({
          category: 'VALIDATION_ERROR', message: invalidPropertiesMessage(plan.problems),
          context: { ids: [id], propertyName: plan.problems.map((p) => p.name) },
          errors: plan.problems.map((p) => ({ message: p.message, code: p.error, context: { propertyName: [p.name] } })),
        }));
        continue;
      }
      if (Object.keys(plan.changes).length > 0) {
        const changes = { ...plan.changes, ...derivedChanges(snapshot, plan.changes, nowIso) };
        store.writeContact(index, changes);
        ctx.stats.write('contactsUpdated');
        emitPropertyChanges(ctx, id, changes, source);
      }
      if (plan.ignored.length > 0) ctx.stats.write('contactUpdatesIgnored');
      results.push(toApiObject(store.contactRecord(index), contacts(), Object.keys(properties)));
    }
    if (missing.length > 0) {
      errors.unshift(batchError({
        category: 'OBJECT_NOT_FOUND',
        message: 'Could not get some CONTACT objects, they may be deleted or not exist. Check that ids are valid.',
        context: { ids: missing },
      }));
    }
    const payload: Record<string, unknown> = { status: 'COMPLETE', results, ...batchTimes(ctx, started) };
    if (errors.length > 0) Object.assign(payload, { numErrors: errors.length, errors });
    res.status(errors.length > 0 ? 207 : 200).json(payload);
  });

  router.patch('/crm/v3/objects/contacts/:contactId', (req, res) => {
    const id = req.params.contactId;
    const index = store.contactIndexOf(id);
    if (index === undefined) {
      throw new HubSpotError(404, { status: 'error', message: 'Object not found.  objectId are usually numeric.', category: 'OBJECT_NOT_FOUND', context: { id: [id] } });
    }
    const properties = (req.body as { properties?: unknown } | undefined)?.properties;
    if (typeof properties !== 'object' || properties === null || Array.isArray(properties)) {
      throw validationError('properties must be an object of property values');
    }
    const snapshot = { ...store.contactRecord(index).properties };
    const plan = planContactUpdate(snapshot, properties as Record<string, unknown>, definitions);
    if (plan.problems.length > 0) {
      ctx.stats.write('contactUpdateErrors');
      throw validationError(invalidPropertiesMessage(plan.problems), { errors: plan.problems.map((p) => ({ message: p.message, code: p.error, context: { propertyName: [p.name] } })) });
    }
    if (Object.keys(plan.changes).length > 0) {
      const changes = { ...plan.changes, ...derivedChanges(snapshot, plan.changes, new Date(ctx.clock.now()).toISOString()) };
      store.writeContact(index, changes);
      ctx.stats.write('contactsUpdated');
      emitPropertyChanges(ctx, id, changes, apiWriteSource(ctx, callerOf(res.locals)));
    }
    if (plan.ignored.length > 0) ctx.stats.write('contactUpdatesIgnored');
    res.json(toApiObject(store.contactRecord(index), contacts(), Object.keys(properties)));
  });

  return router;
}
