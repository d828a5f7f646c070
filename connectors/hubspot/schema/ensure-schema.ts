/**
 * Creates the `leadstage` property group and the Leadstage contact properties that are missing.
 * HubSpot has no idempotency key for these, so it reads first (two calls) and then creates only
 * what is absent, treating 409 as "someone else just created it". A second run makes no writes.
 * Before creating anything it checks the write mappings against the schema (STYLE.md, cal.com):
 * a mapping to a missing or read-only property would fail every record later, so it fails here.
 */
import type { HubSpotHttp } from '../hubspot-http';
import { HubSpotApiError } from '../hubspot-api-error';
import type { FieldMappings } from '../mapping/field-mappings';
import { HubSpotMappingError } from '../mapping/load-mappings';
import { LEADSTAGE_GROUP, LEADSTAGE_PROPERTIES } from './leadstage-properties.constant';

export interface SchemaLogger {
  warn(message: string, meta?: Record<string, unknown>): void;
}

const isConflict = (error: unknown) => error instanceof HubSpotApiError && error.status === 409;

export async function ensureSchema(http: HubSpotHttp, mappings: FieldMappings, logger?: SchemaLogger): Promise<void> {
  const groups = await http.sdk('standard', 'GET /crm/v3/properties/contacts/groups', (c) => c.crm.properties.groupsApi.getAll('contacts'));
  const properties = await http.sdk('standard', 'GET /crm/v3/properties/contacts', (c) => c.crm.properties.coreApi.getAll('contacts'));
  const existing = new Map(properties.results.map((p) => [p.name, p]));

  const problems: string[] = [];
  for (const mapping of mappings.writable) {
    const name = mapping.crmProperty;
    if (LEADSTAGE_PROPERTIES.some((p) => p.name === name)) continue;
    const property = existing.get(name);
    if (!property) problems.push(`write mapping ${mapping.canonicalField} → ${name}: HubSpot has no contact property "${name}"`);
    else if (property.modificationMetadata?.readOnlyValue) {
      problems.push(`write mapping ${mapping.canonicalField} → ${name}: "${name}" is read-only in HubSpot`);
    }
  }
  if (problems.length > 0) throw new HubSpotMappingError('HubSpot field mappings', problems);

  for (const wanted of LEADSTAGE_PROPERTIES) {
    const found = existing.get(wanted.name);
    if (found && found.type !== wanted.type) {
      logger?.warn('HubSpot property exists with another type; Leadstage writes may fail', {
        property: wanted.name, expected: wanted.type, actual: found.type,
      });
    }
  }

  if (!groups.results.some((g) => g.name === LEADSTAGE_GROUP.name)) {
    try {
      await http.sdk('standard', 'POST /crm/v3/properties/contacts/groups', (c) =>
        c.crm.properties.groupsApi.create('contacts', { ...LEADSTAGE_GROUP }));
    } catch (error) {
      if (!isConflict(error)) throw error;
    }
  }
  for (const wanted of LEADSTAGE_PROPERTIES) {
    if (existing.has(wanted.name)) continue;
    try {
      await http.sdk('standard', 'POST /crm/v3/properties/contacts', (c) =>
        c.crm.properties.coreApi.create('contacts', {
          name: wanted.name,
          label: wanted.label,
          description: wanted.description,
          groupName: LEADSTAGE_GROUP.name,
          type: wanted.type as never,
          fieldType: wanted.fieldType as never,
          ...(wanted.options ? { options: wanted.options.map((o) => ({ ...o, hidden: false })) } : {}),
        }));
    } catch (error) {
      if (!isConflict(error)) throw error;
    }
  }
}
