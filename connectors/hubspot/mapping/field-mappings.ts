/**
 * The effective mappings of one connector: the shipped defaults with the installation's own
 * mappings laid over them, split into the read side (one source property per canonical field) and
 * the write side (a canonical field may feed several properties: `stage` → leadstage_stage and
 * lifecyclestage). Only contact mappings apply: the connector syncs HubSpot contacts.
 */
import type { FieldMapping } from '../../../src/connector/field-mapping';
import type { HubSpotFieldMapping } from './mapping-schema';

const OBJECT_TYPE = 'contact';

const reads = (m: FieldMapping) => m.direction === 'read' || m.direction === 'both';
const writes = (m: FieldMapping) => m.direction === 'write' || m.direction === 'both';

export class FieldMappings {
  readonly read: readonly HubSpotFieldMapping[];
  readonly write: readonly HubSpotFieldMapping[];

  constructor(defaults: readonly HubSpotFieldMapping[], overrides: readonly HubSpotFieldMapping[] = []) {
    const mine = (list: readonly HubSpotFieldMapping[]) => list.filter((m) => m.objectType === OBJECT_TYPE || m.objectType === 'contacts');
    const base = mine(defaults);
    const over = mine(overrides);

    const overReadFields = new Set(over.filter(reads).map((m) => m.canonicalField));
    this.read = [
      ...base.filter((m) => reads(m) && !overReadFields.has(m.canonicalField)),
      ...over.filter(reads).map((m) => inherit(m, base.find((d) => reads(d) && d.canonicalField === m.canonicalField))),
    ];

    const pair = (m: FieldMapping) => `${m.canonicalField}\u0000${m.crmProperty}`;
    const overWritePairs = new Set(over.filter(writes).map(pair));
    this.write = [
      ...base.filter((m) => writes(m) && !overWritePairs.has(pair(m))),
      ...over.filter(writes).map((m) => inherit(m, base.find((d) => writes(d) && pair(d) === pair(m)))),
    ];
  }

  /** Properties a contact pull must request: everything read, plus the current values of what is written. */
  get pullProperties(): string[] {
    const names = new Set<string>();
    for (const m of this.read) names.add(m.crmProperty);
    for (const m of this.write) names.add(m.crmProperty);
    return [...names].sort();
  }

  get companyProperties(): string[] {
    return [...new Set(this.read.flatMap((m) => (m.companyProperty ? [m.companyProperty] : [])))].sort();
  }

  /** Write mappings Leadstage may actually write (policy not `never`). */
  get writable(): HubSpotFieldMapping[] {
    return this.write.filter((m) => m.writePolicy !== 'never');
  }

  writeMappingFor(crmProperty: string): HubSpotFieldMapping | undefined {
    return this.write.find((m) => m.crmProperty === crmProperty);
  }
}

/** A store row has no columns for the HubSpot details: it keeps those of the default it replaces. */
function inherit(mapping: HubSpotFieldMapping, replaced: HubSpotFieldMapping | undefined): HubSpotFieldMapping {
  if (!replaced) return mapping;
  const sameProperty = replaced.crmProperty === mapping.crmProperty;
  return {
    ...mapping,
    companyProperty: mapping.companyProperty ?? replaced.companyProperty,
    allowBackward: mapping.allowBackward ?? (sameProperty ? replaced.allowBackward : undefined),
    values: mapping.values ?? (sameProperty ? replaced.values : undefined),
  };
}
