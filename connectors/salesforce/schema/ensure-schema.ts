/**
 * Makes sure the org has every field Leadstage writes, and that the connected user may write them,
 * before the first write; what it cannot do becomes a problem with the admin's steps, never a
 * stopped sync:
 *
 * 1. describes Lead, Contact and Task (three calls; a second run stops after step 2 when nothing is
 *    missing);
 * 2. checks the write mappings against the org: a mapped native field must exist and be updateable,
 *    and each Lead Status a transition writes must be an active value of the org's picklist. A
 *    mapping the org cannot take is a problem with its fix; the field is left out of writes (a
 *    transition to a missing status is simply never made);
 * 3. creates the missing Leadstage fields through the Tooling API (`CustomField`); a refusal
 *    (INSUFFICIENT_ACCESS…, a non-retryable answer) leaves those fields missing: one problem lists
 *    the exact Setup steps for each;
 * 4. a field created through the Tooling API is granted to no profile, so the connected user cannot
 *    see it: when a Leadstage field exists but is not editable, the `Leadstage_Integration`
 *    permission set grants read and edit on every Leadstage field and is assigned to the user
 *    (permission-set.ts, idempotent), and the objects are described again. What stays hidden (the
 *    user may not manage permission sets…) is one problem with the admin's steps.
 *
 * Fields that stay unwritable are marked in `writable`: the writer and propertiesFor skip them, so
 * scores go to the fields the user can edit. Retryable failures (5xx, network, the quota) are thrown
 * as they are: the job retries.
 */
import type { InstallationProblem, SchemaSetupResult } from '../../../src/connector/crm-connector';
import { LEAD_STATUS_FIELD } from '../mapping/field-mappings';
import type { SalesforceFieldMappings } from '../mapping/field-mappings';
import { SalesforceApiError } from '../salesforce-api-error';
import type { SalesforceApi, SfFieldDescribe } from '../salesforce-api.types';
import { customFieldMetadata, DESCRIBE_TYPES, LEADSTAGE_FIELDS, leadstageField, type LeadstageField, type LeadstageObjectFields } from './leadstage-fields.constant';
import type { OrgSchema } from './org-schema';
import { grantFieldAccess, PERMISSION_SET_LABEL, PERMISSION_SET_NAME, type FieldGrant } from './permission-set';
import { fieldAccessProblem, fieldsMissingProblem, type MissingField } from './schema-setup-required.error';
import type { WritableFields } from './writable-fields';

export interface SchemaLogger {
  warn(message: string, meta?: Record<string, unknown>): void;
  error?(message: string, meta?: Record<string, unknown>): void;
}

/** Someone (another worker, an admin) created it between our describe and our create. */
const ALREADY_EXISTS = new Set(['DUPLICATE_DEVELOPER_NAME', 'DUPLICATE_VALUE', 'DUPLICATE_NAME']);
const SOBJECT_OF = { lead: 'Lead', contact: 'Contact' } as const;

export interface EnsureSchemaDeps {
  installationId: string;
  api: Pick<SalesforceApi, 'createCustomField'> & Partial<Pick<SalesforceApi, 'query' | 'queryMore' | 'createRecords' | 'updateRecords' | 'currentUserId'>>;
  schema: OrgSchema;
  mappings: SalesforceFieldMappings;
  /** Filled with what stays unwritable (default: a throwaway). */
  writable?: WritableFields | undefined;
  logger?: SchemaLogger | undefined;
}

type Described = Map<string, Map<string, SfFieldDescribe>>;

export async function ensureSchema(deps: EnsureSchemaDeps): Promise<SchemaSetupResult> {
  const { api, schema, logger, installationId } = deps;
  deps.writable?.reset();
  const described = await describeAll(schema);
  const problems: InstallationProblem[] = await checkMappings(deps, described);

  const missing: MissingField[] = [];
  /** Leadstage fields that exist in the org, whether or not the user sees them. */
  const defined: { object: LeadstageObjectFields; field: LeadstageField }[] = [];
  let created = 0;
  for (const object of LEADSTAGE_FIELDS) {
    const fields = described.get(object.sobject)!;
    for (const field of object.fields) {
      const found = fields.get(field.name.toLowerCase());
      if (found) {
        if (!DESCRIBE_TYPES[field.type].includes(found.type)) {
          logger?.warn('Salesforce field exists with another type; Leadstage writes to it may fail', {
            field: `${object.sobject}.${field.name}`, expected: field.type, actual: found.type,
          });
        }
        defined.push({ object, field });
        continue;
      }
      try {
        await api.createCustomField(`${object.definedOn}.${field.name}`, customFieldMetadata(field));
        created += 1;
        defined.push({ object, field });
      } catch (error) {
        if (!(error instanceof SalesforceApiError) || error.retryable) throw error;
        // created meanwhile, or it exists but the user cannot see it (no field-level security)
        if (ALREADY_EXISTS.has(error.errorCode)) defined.push({ object, field });
        else missing.push({ definedOn: object.definedOn, field, reason: `${error.errorCode}: ${stripPrefix(error.message)}` });
      }
    }
  }

  let current = created > 0 ? await describeAll(schema) : described;
  let hidden = unusable(defined, current);
  let refused: { step: string; reason: string } | null = null;
  if (hidden.length > 0) {
    // a field made through the Tooling API is granted to no profile: grant them all in one permission set
    const grant = await grantAccess(deps, defined);
    if (grant.ok) current = await describeAll(schema);
    else refused = grant;
    hidden = unusable(defined, current);
  }

  if (missing.length > 0) problems.push(fieldsMissingProblem(installationId, missing));
  if (hidden.length > 0) {
    problems.push(fieldAccessProblem(hidden.map((h) => ({ sobject: h.object.sobject, field: h.field.name })), refused, { name: PERMISSION_SET_NAME, label: PERMISSION_SET_LABEL }));
  }
  for (const m of missing) deps.writable?.mark(sobjectOf(m.definedOn), m.field.name, `not created (${m.reason})`);
  for (const h of hidden) deps.writable?.mark(h.object.sobject, h.field.name, 'the connected user cannot edit it (field-level security)');
  if (problems.length > 0) {
    (logger?.error ?? logger?.warn)?.call(logger, 'Salesforce setup incomplete: the sync goes on without what is missing', {
      installationId, problems: problems.map((p) => p.message),
    });
  }
  return { problems };
}

async function describeAll(schema: OrgSchema): Promise<Described> {
  const out: Described = new Map();
  for (const { sobject } of LEADSTAGE_FIELDS) {
    schema.forget(sobject); // setup reads the org as it is now
    out.set(sobject, new Map((await schema.describe(sobject)).fields.map((f) => [f.name.toLowerCase(), f])));
  }
  return out;
}

/** Defined Leadstage fields the connected user cannot see, or sees but cannot edit. */
function unusable(defined: readonly { object: LeadstageObjectFields; field: LeadstageField }[], described: Described) {
  return defined.filter(({ object, field }) => {
    const found = described.get(object.sobject)?.get(field.name.toLowerCase());
    return !found || (!found.updateable && !found.createable);
  });
}

async function grantAccess(deps: EnsureSchemaDeps, defined: readonly { object: LeadstageObjectFields; field: LeadstageField }[]) {
  const { api } = deps;
  if (!api.query || !api.queryMore || !api.createRecords || !api.updateRecords || !api.currentUserId) {
    return { ok: false as const, step: 'grant field access', reason: 'this connection cannot write permission sets' };
  }
  // FieldPermissions names a Task custom field on Task (it is defined on Activity)
  const fields: FieldGrant[] = defined.map(({ object, field }) => ({ sobject: object.sobject, field: field.name }));
  const outcome = await grantFieldAccess(api as Parameters<typeof grantFieldAccess>[0], fields);
  if (!outcome.ok) deps.logger?.warn('Salesforce permission set for the Leadstage fields could not be set up', { step: outcome.step, reason: outcome.reason });
  return outcome;
}

/**
 * Mapped native fields (not Leadstage's own, which step 3 creates) must exist and be writable, and
 * every Lead Status a transition writes must be active in the org. Each that is not is a problem
 * with its fix; an unwritable field is left out of writes.
 */
async function checkMappings(deps: EnsureSchemaDeps, described: Described): Promise<InstallationProblem[]> {
  const { mappings, schema, logger } = deps;
  const problems: InstallationProblem[] = [];
  for (const objectType of ['lead', 'contact'] as const) {
    const sobject = SOBJECT_OF[objectType];
    const fields = described.get(sobject)!;
    for (const mapping of mappings.writable(objectType)) {
      if (leadstageField(mapping.crmProperty)) continue;
      const field = fields.get(mapping.crmProperty.toLowerCase());
      if (field && field.updateable) continue;
      const what = `write mapping ${objectType} ${mapping.canonicalField} → ${mapping.crmProperty}`;
      const reason = field ? `${sobject}.${field.name} is not updateable by the connected user` : `${sobject} has no field "${mapping.crmProperty}" (or the connected user cannot see it)`;
      deps.writable?.mark(sobject, mapping.crmProperty, reason);
      problems.push({
        key: `mapping:${objectType}:${mapping.crmProperty.toLowerCase()}`,
        code: 'MAPPING_FIELD_UNWRITABLE',
        message: `${what}: ${reason}. Leadstage leaves ${mapping.crmProperty} out of its writes.`,
        fix: field
          ? `Give the connected Salesforce user edit access to ${sobject}.${field.name} (Setup → Object Manager → ${sobject} → Fields & Relationships → ${field.label} → Set Field-Level Security), or change the mapping on Leadstage's mapping page.`
          : `Create ${sobject}.${mapping.crmProperty} (Setup → Object Manager → ${sobject} → Fields & Relationships → New) and make it visible and editable for the connected user, or change the mapping on Leadstage's mapping page to a field the org has.`,
        details: { objectType, canonicalField: mapping.canonicalField, field: mapping.crmProperty, mappingPage: true },
      });
    }
  }
  const statusMapped = mappings.writable('lead').some((m) => m.crmProperty.toLowerCase() === LEAD_STATUS_FIELD.toLowerCase());
  if (statusMapped) {
    const values = await schema.activeValues('Lead', LEAD_STATUS_FIELD);
    const active = new Set(values.map((v) => v.toLowerCase()));
    mappings.leadStatusTransitions.forEach((t, i) => {
      if (!active.has(t.to.trim().toLowerCase())) {
        problems.push({
          key: `lead-status:${t.stage}:${t.to.trim().toLowerCase()}`,
          code: 'LEAD_STATUS_VALUE_MISSING',
          message: `leadStatusTransitions[${i}]: Leads reaching ${t.stage} should move to Lead Status "${t.to}", which is not an active Lead Status in this org (active: ${values.join(', ') || 'none'}). ` +
            'Leadstage writes scores and stages as usual and leaves Lead Status alone for this transition.',
          fix: `Either add "${t.to}" to the Lead Status picklist (Setup → Object Manager → Lead → Fields & Relationships → Lead Status → Values → New, ` +
            'and to each Lead record type and sales process that should use it), or map the transition to one of the active values on Leadstage\'s mapping page ' +
            `(leadStatusTransitions[${i}].to).`,
          details: { transition: i, stage: t.stage, to: t.to, active: values, objectType: 'lead', field: LEAD_STATUS_FIELD, mappingPage: true },
        });
      }
      const unknown = t.from.filter((f) => !active.has(f.trim().toLowerCase()));
      if (unknown.length > 0) logger?.warn('Lead Status transition names statuses the org does not have', { transition: i, unknown });
    });
  }
  return problems;
}

function sobjectOf(definedOn: string): string {
  return definedOn === 'Activity' ? 'Task' : definedOn;
}

function stripPrefix(message: string): string {
  return message.replace(/^Salesforce \S+ \S+ answered \d+ \S+: /, '');
}
