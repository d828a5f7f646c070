/**
 * The effective Salesforce mappings of one installation: the shipped defaults with the
 * installation's own mappings (store rows) laid over them, per object (Lead, Contact), split into the
 * read side (one source field, with fallbacks, per canonical field) and the write side (the
 * Leadstage_*__c fields and the native Lead Status). Streams ask it which fields to select; the
 * writer asks it what to write, under which policy, and when Lead Status moves.
 */
import type { Stage } from '../../../src/model/stage';
import type { FieldMapping, WritePolicy } from '../../../src/store/records';
import type {
  CampaignMemberRule,
  LeadStatusTransition,
  RecordEventRule,
  SalesforceFieldMapping,
  SalesforceMappingConfig,
  SalesforceObjectType,
  TaskCreateConfig,
  TaskRule,
} from './mapping-schema';

const reads = (m: FieldMapping) => m.direction === 'read' || m.direction === 'both';
const writes = (m: FieldMapping) => m.direction === 'write' || m.direction === 'both';

const OBJECT_ALIASES: Record<string, SalesforceObjectType> = { lead: 'lead', leads: 'lead', contact: 'contact', contacts: 'contact' };

/** The native field Leadstage's Lead Status transitions write. */
export const LEAD_STATUS_FIELD = 'Status';

export class SalesforceFieldMappings {
  private readonly readByObject: Record<SalesforceObjectType, SalesforceFieldMapping[]>;
  private readonly writeByObject: Record<SalesforceObjectType, SalesforceFieldMapping[]>;

  constructor(
    readonly config: SalesforceMappingConfig,
    overrides: readonly FieldMapping[] = [],
  ) {
    const over: SalesforceFieldMapping[] = overrides.flatMap((m) => {
      const objectType = OBJECT_ALIASES[m.objectType.toLowerCase()];
      return objectType ? [{ ...m, objectType }] : [];
    });
    this.readByObject = { lead: [], contact: [] };
    this.writeByObject = { lead: [], contact: [] };
    for (const objectType of ['lead', 'contact'] as const) {
      const base = config.mappings.filter((m) => m.objectType === objectType);
      const mine = over.filter((m) => m.objectType === objectType);

      const overReadFields = new Set(mine.filter(reads).map((m) => m.canonicalField));
      this.readByObject[objectType] = [
        ...base.filter((m) => reads(m) && !overReadFields.has(m.canonicalField)),
        ...mine.filter(reads).map((m) => inherit(m, base.find((d) => reads(d) && d.canonicalField === m.canonicalField))),
      ];

      const pair = (m: FieldMapping) => `${m.canonicalField}\u0000${m.crmProperty}`;
      const overWritePairs = new Set(mine.filter(writes).map(pair));
      this.writeByObject[objectType] = [
        ...base.filter((m) => writes(m) && !overWritePairs.has(pair(m))),
        ...mine.filter(writes).map((m) => inherit(m, base.find((d) => writes(d) && pair(d) === pair(m)))),
      ];
    }
  }

  /** Read mappings of one object, one per canonical field. */
  readMappings(objectType: SalesforceObjectType): readonly SalesforceFieldMapping[] {
    return this.readByObject[objectType];
  }

  /** Write mappings (Leadstage_*__c, Lead Status), of one object or of both; policy `never` included. */
  writeMappings(objectType?: SalesforceObjectType): readonly SalesforceFieldMapping[] {
    return objectType ? this.writeByObject[objectType] : [...this.writeByObject.lead, ...this.writeByObject.contact];
  }

  /** Write mappings Leadstage may actually write (policy not `never`). */
  writable(objectType: SalesforceObjectType): SalesforceFieldMapping[] {
    return this.writeByObject[objectType].filter((m) => m.writePolicy !== 'never');
  }

  /**
   * Every field a pull of this object selects: the read fields with their fallbacks, and the written
   * fields (their current values become PulledPerson.writableValues). Dot paths name the Account.
   */
  readFields(objectType: SalesforceObjectType): string[] {
    const names = new Set<string>();
    for (const m of this.readByObject[objectType]) {
      names.add(m.crmProperty);
      for (const f of m.fallback ?? []) names.add(f);
    }
    for (const f of this.writeFields(objectType)) names.add(f);
    for (const r of this.recordEvents(objectType)) names.add(r.field);
    return [...names].sort();
  }

  /** The fields Leadstage writes on this object (their current values are pulled). */
  writeFields(objectType: SalesforceObjectType): string[] {
    return [...new Set(this.writeByObject[objectType].map((m) => m.crmProperty))].sort();
  }

  writeMappingFor(field: string, objectType?: SalesforceObjectType): SalesforceFieldMapping | undefined {
    const lower = field.toLowerCase();
    return this.writeMappings(objectType).find((m) => m.crmProperty.toLowerCase() === lower);
  }

  /** The admin's policy for a field Leadstage writes (default: always, as CrmConnector.writePolicyFor says). */
  writePolicyFor(field: string, objectType?: SalesforceObjectType): WritePolicy {
    return this.writeMappingFor(field, objectType)?.writePolicy ?? 'always';
  }

  /**
   * The Lead Status to write for a lead now at `stage` whose status is `current`, or undefined to
   * leave it: the first transition for the stage applies only from its listed statuses, never when
   * Status is not mapped for writing (or `never`/`if_empty`: a lead always has a status), and never
   * when the value is already there or unknown (null: not pulled).
   */
  leadStatusFor(stage: Stage, current: string | null | undefined): string | undefined {
    const mapping = this.writeMappingFor(LEAD_STATUS_FIELD, 'lead');
    if (!mapping || mapping.writePolicy !== 'always') return undefined;
    if (current === null || current === undefined || current.trim() === '') return undefined;
    const transition = this.leadStatusTransitions.find((t) => t.stage === stage);
    if (!transition) return undefined;
    const now = current.trim().toLowerCase();
    if (transition.to.trim().toLowerCase() === now) return undefined;
    return transition.from.some((f) => f.trim().toLowerCase() === now) ? transition.to : undefined;
  }

  /**
   * The transitions as this installation spells them. The mapping file names the Lead Statuses of a
   * standard org; the Lead Status value map (Salesforce option ↔ Leadstage value, editable on the
   * console's mapping page) says which option stands for each Leadstage value in this org. A status
   * the file names is read through the shipped map (`Working - Contacted` → IN_PROGRESS) and written
   * as the installation's option for that value; a status neither map names stays as it is.
   */
  get leadStatusTransitions(): readonly LeadStatusTransition[] {
    this.transitions ??= this.translatedTransitions();
    return this.transitions;
  }

  private transitions: readonly LeadStatusTransition[] | undefined;

  private translatedTransitions(): readonly LeadStatusTransition[] {
    const isStatus = (m: SalesforceFieldMapping) => m.objectType === 'lead' && reads(m) && m.canonicalField === 'leadStatus' && m.crmProperty.toLowerCase() === LEAD_STATUS_FIELD.toLowerCase();
    const shipped = this.config.mappings.find(isStatus)?.values;
    const own = this.readByObject.lead.find(isStatus)?.values;
    if (!shipped || !own || JSON.stringify(shipped) === JSON.stringify(own)) return this.config.leadStatusTransitions;
    const valueOf = new Map(Object.entries(shipped).map(([option, value]) => [option.trim().toLowerCase(), value]));
    const optionFor = new Map<string, string>();
    for (const [option, value] of Object.entries(own)) if (!optionFor.has(value)) optionFor.set(value, option);
    const translate = (status: string) => {
      const value = valueOf.get(status.trim().toLowerCase());
      return (value !== undefined ? optionFor.get(value) : undefined) ?? status;
    };
    return this.config.leadStatusTransitions.map((t) => ({ ...t, to: translate(t.to), from: t.from.map(translate) }));
  }

  get campaignMemberRules(): readonly CampaignMemberRule[] {
    return this.config.campaignMembers.rules;
  }

  get campaignEventTypeField(): string | undefined {
    return this.config.campaignMembers.eventTypeField;
  }

  get taskRules(): readonly TaskRule[] {
    return this.config.tasks.rules;
  }

  get leadstageKeyField(): string | undefined {
    return this.config.tasks.leadstageKeyField;
  }

  /** How Leadstage's own Tasks are made: status, subtype and type per kind, assignment of queue-owned Leads. */
  get taskCreate(): TaskCreateConfig {
    return this.config.tasks.create;
  }

  /** Lead/Contact fields whose value is an event (HasOptedOutOfEmail → unsubscribe, EmailBouncedDate → hard_bounce). */
  recordEvents(objectType: SalesforceObjectType): readonly RecordEventRule[] {
    return this.config.recordEvents.filter((r) => r.objectType === objectType);
  }
}

/** A store row has no columns for the Salesforce details: it keeps those of the default it replaces. */
function inherit(mapping: SalesforceFieldMapping, replaced: SalesforceFieldMapping | undefined): SalesforceFieldMapping {
  if (!replaced || replaced.crmProperty !== mapping.crmProperty) return mapping;
  return {
    ...mapping,
    fallback: mapping.fallback ?? replaced.fallback,
    values: mapping.values ?? replaced.values,
    optional: mapping.optional ?? replaced.optional,
  };
}
