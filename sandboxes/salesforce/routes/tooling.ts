/**
 * Tooling API, the part the connector's setup uses: `POST /tooling/sobjects/CustomField` with
 * `{FullName: "Lead.Leadstage_Stage__c", Metadata: {...}}` creates the field (201 `{id, success,
 * errors}`; it is in describe, SOQL and writes at once), `GET /tooling/sobjects/CustomField/<id>`
 * reads one back, and `GET /tooling/query?q=` answers SOQL over CustomField (Id, DeveloperName,
 * TableEnumOrId, …). With `allowMetadata: false` the integration user lacks "Customize
 * Application": creating answers 403 INSUFFICIENT_ACCESS, so the connector must report setup steps.
 */
import { Router } from 'express';
import type { SandboxContext } from '../context';
import { apiVersionOf } from '../context';
import { customFieldFromMetadata } from '../custom-fields';
import { notFound, restError } from '../errors';
import { KEY_PREFIXES, normalizeId } from '../ids';
import type { FieldDef } from '../object-catalog';
import { executeSoql, parseSoql, type SoqlDataSource, type SoqlObjectDescribe, type SoqlRow } from '../soql';
import { sfDateTime } from '../sf-time';

/** Objects that take custom fields here; Task fields are created on Activity. */
const CUSTOMIZABLE = ['Lead', 'Contact', 'Account', 'Opportunity', 'Campaign', 'CampaignMember', 'Activity'];

interface CustomFieldRecord {
  id: string;
  object: string;
  field: FieldDef;
}

/** Every custom field of the org (created through this API or seeded with `withLeadstageFields`). */
function customFields(ctx: Pick<SandboxContext, 'store'>): CustomFieldRecord[] {
  return ctx.store.objects().flatMap((def) =>
    def.fields.flatMap((field) => (field.customFieldId ? [{ id: field.customFieldId, object: def.name === 'Task' ? 'Activity' : def.name, field }] : [])));
}

const CUSTOM_FIELD_DESCRIBE: SoqlObjectDescribe = {
  name: 'CustomField',
  fields: [
    { name: 'Id', type: 'id' }, { name: 'DeveloperName', type: 'string' }, { name: 'TableEnumOrId', type: 'string' },
    { name: 'NamespacePrefix', type: 'string' }, { name: 'Description', type: 'string' }, { name: 'CreatedDate', type: 'datetime' },
    { name: 'LastModifiedDate', type: 'datetime' }, { name: 'CreatedById', type: 'reference' },
  ],
  childRelationships: [],
};

export function toolingRouter(ctx: SandboxContext): Router {
  const router = Router({ mergeParams: true });

  const rowOf = (f: CustomFieldRecord): SoqlRow => ({
    Id: f.id, DeveloperName: f.field.name.replace(/__c$/, ''), TableEnumOrId: f.object, NamespacePrefix: null,
    Description: (f.field.metadata?.description as string | undefined) ?? null,
    CreatedDate: sfDateTime(f.field.createdAt ?? 0), LastModifiedDate: sfDateTime(f.field.createdAt ?? 0), CreatedById: f.field.createdById ?? null,
  });
  const source: SoqlDataSource = {
    describe: (name) => (name.toLowerCase() === 'customfield' ? CUSTOM_FIELD_DESCRIBE : undefined),
    rows: () => customFields(ctx).map(rowOf),
    byId: (id) => {
      const f = customFields(ctx).find((x) => x.id === normalizeId(id));
      return f ? { sobject: 'CustomField', row: rowOf(f) } : undefined;
    },
  };

  router.post('/tooling/sobjects/CustomField', (req, res) => {
    if (!ctx.settings.allowMetadata) {
      throw restError(403, 'INSUFFICIENT_ACCESS', 'insufficient access rights on object id: the integration user needs the "Customize Application" permission to create custom fields');
    }
    const body = (req.body ?? {}) as { FullName?: unknown; Metadata?: unknown };
    const parsed = customFieldFromMetadata(body.FullName, body.Metadata);
    if ('problems' in parsed) throw restError(400, 'FIELD_INTEGRITY_EXCEPTION', parsed.problems.join('; '));
    if (!CUSTOMIZABLE.includes(parsed.object)) {
      const hint = parsed.object === 'Task' || parsed.object === 'Event' ? ' Custom fields for Task and Event are created on Activity (FullName "Activity.<Name>__c").' : '';
      throw restError(400, 'FIELD_INTEGRITY_EXCEPTION', `Cannot create custom fields on ${parsed.object}.${hint}`);
    }
    if (parsed.object === 'Activity' && ctx.settings.refuseUniqueActivityFields && (parsed.field.unique || parsed.field.externalId)) {
      throw restError(400, 'FIELD_INTEGRITY_EXCEPTION', 'Unique and External ID are not available for activity custom fields in this org');
    }
    const tableName = parsed.object === 'Activity' ? 'Task' : parsed.object;
    const table = ctx.store.table(tableName)!;
    if (ctx.store.definedField(table, parsed.field.name)) {
      throw restError(400, 'DUPLICATE_DEVELOPER_NAME', `There is already a field named ${parsed.field.name.replace(/__c$/, '')} on ${parsed.object}.`);
    }
    const id = ctx.store.ids.take(KEY_PREFIXES.CustomField);
    Object.assign(parsed.field, { customFieldId: id, createdAt: ctx.clock.now(), createdById: String(res.locals.userId) });
    // a field created through the Tooling API is granted to no profile: the user sees it once a
    // permission set granting it is assigned (permissions.ts), or an admin grants it
    parsed.field.profileAccess = ctx.settings.customFieldAccess;
    ctx.store.addField(table, parsed.field);
    ctx.refreshFieldAccess();
    ctx.stats.counters.tooling.customFieldsCreated += 1;
    res.status(201).json({ id, success: true, errors: [], warnings: [], infos: [] });
  });

  router.get('/tooling/sobjects/CustomField/:id', (req, res) => {
    const id = normalizeId(String(req.params.id));
    const f = customFields(ctx).find((x) => x.id === id);
    if (!f) throw notFound();
    res.json({
      attributes: { type: 'CustomField', url: `/services/data/v${apiVersionOf(req)}/tooling/sobjects/CustomField/${f.id}` },
      ...rowOf(f),
      FullName: `${f.object}.${f.field.name}`,
      Metadata: f.field.metadata ?? {},
    });
  });

  // deleting a field: gone from describe, SOQL and writes at once (Salesforce keeps it 15 days under
  // Deleted Fields, where only an admin can restore it)
  router.delete('/tooling/sobjects/CustomField/:id', (req, res) => {
    if (!ctx.settings.allowMetadata) {
      throw restError(403, 'INSUFFICIENT_ACCESS', 'insufficient access rights on object id: the integration user needs the "Customize Application" permission to delete custom fields');
    }
    const id = normalizeId(String(req.params.id));
    const f = customFields(ctx).find((x) => x.id === id);
    if (!f) throw notFound();
    const table = ctx.store.table(f.object === 'Activity' ? 'Task' : f.object)!;
    ctx.store.removeField(table, f.field);
    res.status(204).end();
  });

  router.get('/tooling/query', (req, res) => {
    const q = req.query.q;
    if (typeof q !== 'string' || q.trim() === '') throw restError(400, 'MALFORMED_QUERY', 'A query string has to be specified');
    const result = executeSoql(parseSoql(q), source, { includeDeleted: false, apiVersion: apiVersionOf(req), now: ctx.clock.now() });
    res.json({ size: result.totalSize, totalSize: result.totalSize, done: true, queryLocator: null, entityTypeName: 'CustomField', records: result.records });
  });

  return router;
}

/** Creates fields directly (the `withLeadstageFields` option): same checks as the Tooling API. */
export function createCustomFieldNow(
  ctx: Pick<SandboxContext, 'store'>,
  fullName: string,
  metadata: Record<string, unknown>,
  stamp: { at: number; by: string; access: 'edit' | 'read' | 'none' },
): void {
  const parsed = customFieldFromMetadata(fullName, metadata);
  if ('problems' in parsed) throw new Error(`custom field ${fullName}: ${parsed.problems.join('; ')}`);
  const table = ctx.store.table(parsed.object === 'Activity' ? 'Task' : parsed.object);
  if (!table) throw new Error(`custom field ${fullName}: unknown object`);
  if (ctx.store.definedField(table, parsed.field.name)) return;
  Object.assign(parsed.field, { customFieldId: ctx.store.ids.take(KEY_PREFIXES.CustomField), createdAt: stamp.at, createdById: stamp.by, profileAccess: stamp.access });
  ctx.store.addField(table, parsed.field);
  if (stamp.access !== 'edit') ctx.store.setFieldAccess(table, parsed.field, stamp.access);
}
