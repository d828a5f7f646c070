/**
 * Makes sure the org has every field Leadstage writes, before the first write:
 *
 * 1. describes Lead, Contact and Task (three calls; a second run stops here when nothing is missing);
 * 2. checks the write mappings against the org (STYLE.md, cal.com): a mapped native field exists and
 *    is updateable, and each Lead Status a transition writes is an active value of the org's picklist;
 *    a mapping that would fail every record later fails here, naming the mapping;
 * 3. creates the missing Leadstage fields through the Tooling API (`CustomField`); a refusal
 *    (INSUFFICIENT_ACCESS…, a non-retryable answer) is collected, and if any remain missing, a
 *    SalesforceSchemaSetupRequired lists the exact setup steps for each one, and is logged;
 * 4. describes again what it created: a field the connected user cannot see or edit (no field-level
 *    security) is unusable too, and gets its own step.
 * Retryable failures (5xx, network, the quota) are thrown as they are: the job retries.
 */
import { LEAD_STATUS_FIELD } from '../mapping/field-mappings';
import type { SalesforceFieldMappings } from '../mapping/field-mappings';
import { SalesforceMappingError } from '../mapping/load-mappings';
import { SalesforceApiError } from '../salesforce-api-error';
import type { SalesforceApi, SfFieldDescribe } from '../salesforce-api.types';
import { customFieldMetadata, DESCRIBE_TYPES, LEADSTAGE_FIELDS, leadstageField, type LeadstageObjectFields } from './leadstage-fields.constant';
import type { OrgSchema } from './org-schema';
import { SalesforceSchemaSetupRequired, type MissingField } from './schema-setup-required.error';

export interface SchemaLogger {
  warn(message: string, meta?: Record<string, unknown>): void;
  error?(message: string, meta?: Record<string, unknown>): void;
}

/** Someone (another worker, an admin) created it between our describe and our create. */
const ALREADY_EXISTS = new Set(['DUPLICATE_DEVELOPER_NAME', 'DUPLICATE_VALUE', 'DUPLICATE_NAME']);
const SOBJECT_OF = { lead: 'Lead', contact: 'Contact' } as const;

export interface EnsureSchemaDeps {
  installationId: string;
  api: Pick<SalesforceApi, 'createCustomField'>;
  schema: OrgSchema;
  mappings: SalesforceFieldMappings;
  logger?: SchemaLogger | undefined;
}

export async function ensureSchema(deps: EnsureSchemaDeps): Promise<void> {
  const { api, schema, mappings, logger, installationId } = deps;
  const described = new Map<string, Map<string, SfFieldDescribe>>();
  for (const { sobject } of LEADSTAGE_FIELDS) {
    schema.forget(sobject); // setup reads the org as it is now
    described.set(sobject, new Map((await schema.describe(sobject)).fields.map((f) => [f.name.toLowerCase(), f])));
  }

  await checkMappings(deps, described);

  const missing: MissingField[] = [];
  const created: { object: LeadstageObjectFields; name: string }[] = [];
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
        if (!found.updateable && !found.createable) {
          missing.push({ definedOn: object.definedOn, field, reason: 'the field exists but the connected user cannot edit it', needsFieldSecurity: true });
        }
        continue;
      }
      try {
        await api.createCustomField(`${object.definedOn}.${field.name}`, customFieldMetadata(field));
        created.push({ object, name: field.name });
      } catch (error) {
        if (!(error instanceof SalesforceApiError) || error.retryable) throw error;
        if (ALREADY_EXISTS.has(error.errorCode)) {
          created.push({ object, name: field.name });
          continue;
        }
        missing.push({ definedOn: object.definedOn, field, reason: `${error.errorCode}: ${stripPrefix(error.message)}` });
      }
    }
  }

  // Created fields must now be visible and editable to the connected user (field-level security).
  for (const sobject of new Set(created.map((c) => c.object.sobject))) {
    schema.forget(sobject);
    const fields = new Map((await schema.describe(sobject)).fields.map((f) => [f.name.toLowerCase(), f]));
    for (const { object, name } of created.filter((c) => c.object.sobject === sobject)) {
      const field = object.fields.find((f) => f.name === name)!;
      const found = fields.get(name.toLowerCase());
      if (!found || (!found.updateable && !found.createable)) {
        missing.push({
          definedOn: object.definedOn, field, needsFieldSecurity: true,
          reason: found ? 'created, but the connected user cannot edit it' : 'created, but the connected user cannot see it',
        });
      }
    }
  }

  if (missing.length > 0) {
    const error = new SalesforceSchemaSetupRequired(installationId, missing);
    (logger?.error ?? logger?.warn)?.call(logger, 'Salesforce schema setup required', {
      installationId, fields: missing.map((m) => `${m.definedOn}.${m.field.name}`), steps: error.message,
    });
    throw error;
  }
}

/** Mapped native fields (not Leadstage's own, which step 3 creates) must exist and be writable. */
async function checkMappings(deps: EnsureSchemaDeps, described: Map<string, Map<string, SfFieldDescribe>>): Promise<void> {
  const { mappings, schema, logger } = deps;
  const problems: string[] = [];
  for (const objectType of ['lead', 'contact'] as const) {
    const sobject = SOBJECT_OF[objectType];
    const fields = described.get(sobject)!;
    for (const mapping of mappings.writable(objectType)) {
      if (leadstageField(mapping.crmProperty)) continue;
      const field = fields.get(mapping.crmProperty.toLowerCase());
      if (!field) problems.push(`write mapping ${objectType} ${mapping.canonicalField} → ${mapping.crmProperty}: ${sobject} has no field "${mapping.crmProperty}" (or the connected user cannot see it)`);
      else if (!field.updateable) problems.push(`write mapping ${objectType} ${mapping.canonicalField} → ${mapping.crmProperty}: ${sobject}.${field.name} is not updateable`);
    }
  }
  const statusMapped = mappings.writable('lead').some((m) => m.crmProperty.toLowerCase() === LEAD_STATUS_FIELD.toLowerCase());
  if (statusMapped) {
    const active = new Set((await schema.activeValues('Lead', LEAD_STATUS_FIELD)).map((v) => v.toLowerCase()));
    mappings.leadStatusTransitions.forEach((t, i) => {
      if (!active.has(t.to.trim().toLowerCase())) {
        problems.push(`leadStatusTransitions[${i}].to: "${t.to}" is not an active Lead Status in this org; active: ${[...active].join(', ') || '(none)'}`);
      }
      const unknown = t.from.filter((f) => !active.has(f.trim().toLowerCase()));
      if (unknown.length > 0) logger?.warn('Lead Status transition names statuses the org does not have', { transition: i, unknown });
    });
  }
  if (problems.length > 0) throw new SalesforceMappingError('Salesforce field mappings', problems);
}

function stripPrefix(message: string): string {
  return message.replace(/^Salesforce \S+ \S+ answered \d+ \S+: /, '');
}
