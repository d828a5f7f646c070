/**
 * Generic CRM object reads, shared by contacts, companies, deals, tasks, meetings and calls:
 * list with `after` paging (≤100 per page), get by id, search (see search-filter.ts) and batch read
 * (≤100 inputs; unknown ids → 207 with one OBJECT_NOT_FOUND error listing them).
 */
import { Router, type Request } from 'express';
import { batchTimes, callerOf, type SandboxContext } from '../context';
import type { CrmRecord } from '../crm-record';
import { intParam, listParam, stringParam, toApiObject, type ApiObject } from '../crm-view';
import { batchError, HubSpotError, notFound, validationError, type BatchError } from '../errors';
import { associationTypes, normalizeObjectType, SINGULAR, type CrmObjectType } from '../object-types';
import { EMAIL_CONTENT_PROPERTIES } from '../property-catalog';
import { indexedRange, matchesSearch, parseSearchRequest, searchComparator } from '../search-filter';
import type { CrmCollection } from '../store';

export const BATCH_LIMIT = 100;

const QUERY_FIELDS: Record<CrmObjectType, string[]> = {
  contacts: ['email', 'firstname', 'lastname', 'phone', 'company'],
  companies: ['name', 'domain', 'website'],
  deals: ['dealname'],
  tasks: ['hs_task_subject', 'hs_task_body'],
  meetings: ['hs_meeting_title'],
  calls: ['hs_call_title'],
  emails: ['hs_email_subject'],
};

export function objectTypeParam(value: string | undefined): CrmObjectType {
  const type = normalizeObjectType(value ?? '');
  if (!type) throw notFound(`Unable to infer object type from: ${value}`);
  return type;
}

export function checkBatchSize(inputs: unknown, limit = BATCH_LIMIT): unknown[] {
  if (!Array.isArray(inputs)) throw validationError('Invalid input JSON: "inputs" must be an array');
  if (inputs.length > limit) {
    throw validationError(`Too many inputs: ${inputs.length} were sent, but a batch request accepts at most ${limit}.`, {
      context: { maxInputs: [String(limit)], inputs: [String(inputs.length)] },
    });
  }
  return inputs;
}

/**
 * What an email engagement shows a token without the sales-email-read scope: the record, its content
 * (subject, body) redacted to null, as HubSpot does. Private-app tokens are never scope-checked here.
 */
function redacted(type: CrmObjectType, locals: Record<string, unknown>, object: ApiObject): ApiObject {
  if (type !== 'emails') return object;
  const caller = callerOf(locals);
  if (caller.kind !== 'oauth' || caller.scopes.includes('sales-email-read')) return object;
  const properties = { ...object.properties };
  for (const name of EMAIL_CONTENT_PROPERTIES) if (name in properties) properties[name] = null;
  return { ...object, properties };
}

function selfLink(req: Request, after: string): string {
  return `http://${req.get('host') ?? '127.0.0.1'}${req.baseUrl}${req.path}?after=${encodeURIComponent(after)}`;
}

export function crmObjectsRouter(ctx: SandboxContext): Router {
  const router = Router();

  const withAssociations = (object: ApiObject, from: CrmObjectType, toTypes: string[] | undefined): ApiObject => {
    if (!toTypes) return object;
    for (const name of toTypes) {
      const to = normalizeObjectType(name);
      if (!to) continue;
      const ids = ctx.store.associatedIds(from, object.id, to);
      const types = associationTypes(from, to);
      if (!ids || ids.length === 0 || !types) continue;
      object.associations ??= {};
      object.associations[name] = {
        results: ids.flatMap((id) => types.map((t) => ({ id, type: t.v3Name }))),
      };
    }
    return object;
  };

  const findByIdProperty = (collection: CrmCollection, idProperty: string | undefined, id: string): CrmRecord | undefined => {
    if (!idProperty || idProperty === 'hs_object_id') return collection.get(id);
    const wanted = id.toLowerCase();
    for (const record of collection.scan()) if (record.properties[idProperty]?.toLowerCase() === wanted) return record;
    return undefined;
  };

  router.get('/crm/v3/objects/:objectType', (req, res) => {
    const type = objectTypeParam(req.params.objectType);
    const collection = ctx.store.collection(type);
    const limit = intParam(req.query.limit, 'limit', 10, 100);
    if (req.query.archived === 'true') {
      res.json({ results: [] });
      return;
    }
    const page = collection.page(stringParam(req.query.after), limit);
    const properties = listParam(req.query.properties);
    const associations = listParam(req.query.associations);
    const body: Record<string, unknown> = {
      results: page.records.map((r) => redacted(type, res.locals, withAssociations(toApiObject(r, collection, properties), type, associations))),
    };
    if (page.next) body.paging = { next: { after: page.next, link: selfLink(req, page.next) } };
    res.json(body);
  });

  router.get('/crm/v3/objects/:objectType/:objectId', (req, res) => {
    const type = objectTypeParam(req.params.objectType);
    const collection = ctx.store.collection(type);
    const record = findByIdProperty(collection, stringParam(req.query.idProperty), req.params.objectId);
    if (!record) {
      throw new HubSpotError(404, {
        status: 'error', message: 'Object not found.  objectId are usually numeric.', category: 'OBJECT_NOT_FOUND',
        context: { id: [req.params.objectId] },
      });
    }
    res.json(redacted(type, res.locals, withAssociations(toApiObject(record, collection, listParam(req.query.properties)), type, listParam(req.query.associations))));
  });

  router.post('/crm/v3/objects/:objectType/search', (req, res) => {
    const type = objectTypeParam(req.params.objectType);
    const collection = ctx.store.collection(type);
    const search = parseSearchRequest(req.body);
    const typeOf = (name: string) => collection.propertyType(name);
    const index = collection.indexed;
    const planned = index ? indexedRange(search, index.property) : null;
    let total: number;
    let page: CrmRecord[];
    if (index && planned?.covered && search.sort?.propertyName === index.property && !search.sort.descending) {
      // the index alone answers: the range's size and the page, without reading the other records
      total = index.count(planned.range);
      page = index.slice(planned.range, search.offset, search.limit);
      ctx.stats.searched(page.length);
    } else {
      const matches: CrmRecord[] = [];
      let read = 0;
      for (const record of index && planned ? index.records(planned.range) : collection.scan()) {
        read += 1;
        if (matchesSearch(record, search, typeOf, QUERY_FIELDS[type])) matches.push(record);
      }
      ctx.stats.searched(read);
      matches.sort(searchComparator(search, typeOf));
      total = matches.length;
      page = matches.slice(search.offset, search.offset + search.limit);
    }
    const body: Record<string, unknown> = {
      total,
      results: page.map((r) => redacted(type, res.locals, toApiObject(r, collection, search.properties))),
    };
    const next = search.offset + search.limit;
    if (next < total && search.limit > 0) body.paging = { next: { after: String(next) } };
    res.json(body);
  });

  router.post('/crm/v3/objects/:objectType/batch/read', (req, res) => {
    const started = ctx.clock.now();
    const type = objectTypeParam(req.params.objectType);
    const collection = ctx.store.collection(type);
    const body = (req.body ?? {}) as Record<string, unknown>;
    const inputs = checkBatchSize(body.inputs);
    const properties = Array.isArray(body.properties) ? body.properties.map(String) : undefined;
    const idProperty = typeof body.idProperty === 'string' ? body.idProperty : undefined;
    const results: ApiObject[] = [];
    const missing: string[] = [];
    inputs.forEach((input, i) => {
      const id = (input as { id?: unknown } | null)?.id;
      if (typeof id !== 'string' && typeof id !== 'number') throw validationError(`inputs[${i}].id is required`);
      const record = findByIdProperty(collection, idProperty, String(id));
      if (record) results.push(redacted(type, res.locals, toApiObject(record, collection, properties)));
      else missing.push(String(id));
    });
    const errors: BatchError[] = missing.length
      ? [batchError({
          category: 'OBJECT_NOT_FOUND',
          message: `Could not get some ${SINGULAR[type].toUpperCase()} objects, they may be deleted or not exist. Check that ids are valid.`,
          context: { ids: missing },
        })]
      : [];
    const payload: Record<string, unknown> = { status: 'COMPLETE', results, ...batchTimes(ctx, started) };
    if (errors.length) Object.assign(payload, { numErrors: errors.length, errors });
    res.status(errors.length ? 207 : 200).json(payload);
  });

  return router;
}
