/**
 * The shape of config/mappings/salesforce.default.yaml: field mappings (the store's FieldMapping plus
 * Salesforce details the store table has no columns for), the Lead Status transitions Leadstage may
 * make, and the rules that turn CampaignMembers and Tasks into engagement events. Validated with zod
 * at load; every problem names its YAML path.
 */
import { z } from 'zod';
import { EVENT_TYPES } from '../../../src/model/event';
import { STAGES } from '../../../src/model/stage';
import type { FieldMapping } from '../../../src/connector/field-mapping';

export const SF_OBJECT_TYPES = ['lead', 'contact'] as const;
export type SalesforceObjectType = (typeof SF_OBJECT_TYPES)[number];

/** A field's API name (`Email`, `BANT_Budget__c`), or one parent hop for contacts (`Account.Industry`). */
const fieldPath = z
  .string()
  .regex(/^[A-Za-z][A-Za-z0-9_]*(\.[A-Za-z][A-Za-z0-9_]*)?$/, 'expected a Salesforce field API name such as "Email" or "Account.Industry"');

/** Person fields a read mapping fills directly; any other name becomes `person.attributes[name]`. */
export const PERSON_FIELDS = [
  'email', 'firstName', 'lastName', 'title', 'company', 'employees', 'annualRevenue', 'industry', 'country', 'ipCountry',
  'phone', 'ownerId', 'leadStatus', 'crmStage', 'bant.budget', 'bant.authority', 'bant.need', 'bant.timing',
] as const;

/** What the writer can put into Salesforce (a Decision's parts; connectors/salesforce/write). */
export const WRITE_FIELDS = [
  'stage', 'score', 'fitScore', 'fitGrade', 'engagementScore', 'priority', 'reasons', 'rulebookVersion', 'mqlDate',
  'sqlDate', 'mqlTier', 'slaDue', 'slaStatus', 'slaFirstTouch', 'slaNextStep', 'leadStatus',
] as const;

const RESERVED_READ = new Set(['id', 'deals', 'attributes', 'bant']);

const stringList = z.array(z.string().min(1)).min(1);

const MappingEntrySchema = z
  .strictObject({
    objectType: z.union([z.enum(SF_OBJECT_TYPES), z.array(z.enum(SF_OBJECT_TYPES)).min(1)]),
    canonicalField: z.string().regex(/^[a-z][A-Za-z0-9_]*(\.[a-z][A-Za-z0-9_]*)?$/, 'expected a canonical field such as "title" or "bant.budget"'),
    crmProperty: fieldPath,
    direction: z.enum(['read', 'write', 'both']),
    writePolicy: z.enum(['always', 'if_empty', 'never']),
    fallback: z.array(fieldPath).min(1).optional(),
    values: z.record(z.string(), z.string()).optional(),
    optional: z.boolean().optional(),
  })
  .superRefine((m, ctx) => {
    const reads = m.direction !== 'write';
    const writes = m.direction !== 'read';
    if (reads && (RESERVED_READ.has(m.canonicalField) || (m.canonicalField.includes('.') && !(PERSON_FIELDS as readonly string[]).includes(m.canonicalField)))) {
      ctx.addIssue({ code: 'custom', path: ['canonicalField'], message: `"${m.canonicalField}" cannot be read from Salesforce` });
    }
    if (writes && !(WRITE_FIELDS as readonly string[]).includes(m.canonicalField)) {
      ctx.addIssue({ code: 'custom', path: ['canonicalField'], message: `Leadstage writes none of "${m.canonicalField}"; writable: ${WRITE_FIELDS.join(', ')}` });
    }
    if (writes && m.crmProperty.includes('.')) {
      ctx.addIssue({ code: 'custom', path: ['crmProperty'], message: 'a parent field (Account.*) cannot be written' });
    }
    if (m.fallback && !reads) ctx.addIssue({ code: 'custom', path: ['fallback'], message: 'fallback applies to read mappings only' });
  });

const LeadStatusTransitionSchema = z.strictObject({
  stage: z.enum(STAGES),
  to: z.string().min(1),
  /** Only from these current statuses (empty status counts as the org's default, "Open - Not Contacted"). */
  from: stringList,
});

const regex = z.string().min(1).refine((source) => {
  try {
    new RegExp(source, 'i');
    return true;
  } catch {
    return false;
  }
}, 'expected a valid regular expression');

const CampaignMemberRuleSchema = z.strictObject({
  campaignType: stringList.optional(),
  status: stringList.optional(),
  responded: z.boolean().optional(),
  nameMatches: regex.optional(),
  event: z.enum(EVENT_TYPES),
});

const TaskRuleSchema = z
  .strictObject({
    taskSubtype: stringList.optional(),
    type: stringList.optional(),
    completedOnly: z.boolean().optional(),
    event: z.enum(EVENT_TYPES),
  })
  .refine((r) => r.taskSubtype !== undefined || r.type !== undefined, 'a task rule needs taskSubtype or type');

const taskKinds = <T extends z.ZodType>(value: T) => z.strictObject({ call: value.optional(), email: value.optional(), todo: value.optional() });

/** How Leadstage's own Tasks are made (the write side of `tasks`). */
const TaskCreateSchema = z.strictObject({
  /** Task Status of a new task; default: the org's default Task Status (describe). */
  status: z.string().min(1).optional(),
  /** TaskSubtype per kind of task: a to-do is Task or Call; Email marks a sent email in the timeline. */
  subtype: taskKinds(z.string().min(1)).default({}),
  /** Task Type per kind (optional picklist values such as Call, Email). */
  type: taskKinds(z.string().min(1)).default({}),
  /**
   * Before the first-touch task of a queue-owned Lead, run the org's lead assignment rule on it
   * (an update with Sforce-Auto-Assign: TRUE) so the task goes to the rep it picks. Off by default:
   * otherwise no write of Leadstage's ever runs assignment rules.
   */
  assignQueueOwnedLeads: z.boolean().default(false),
});

export const DEFAULT_TASK_CREATE = { subtype: {}, type: {}, assignQueueOwnedLeads: false };

export const SalesforceMappingFileSchema = z.strictObject({
  mappings: z.array(MappingEntrySchema).min(1),
  leadStatusTransitions: z.array(LeadStatusTransitionSchema).default([]),
  campaignMembers: z.strictObject({
    eventTypeField: fieldPath.optional(),
    rules: z.array(CampaignMemberRuleSchema).default([]),
  }).default({ rules: [] }),
  tasks: z.strictObject({
    leadstageKeyField: fieldPath.optional(),
    create: TaskCreateSchema.default(DEFAULT_TASK_CREATE),
    rules: z.array(TaskRuleSchema).default([]),
  }).default({ create: DEFAULT_TASK_CREATE, rules: [] }),
  recordEvents: z.array(z.strictObject({
    objectType: z.union([z.enum(SF_OBJECT_TYPES), z.array(z.enum(SF_OBJECT_TYPES)).min(1)]).optional(),
    field: z.string().regex(/^[A-Za-z][A-Za-z0-9_]*$/, 'expected a field of the Lead or Contact itself, such as "HasOptedOutOfEmail"'),
    event: z.enum(EVENT_TYPES),
  })).default([]),
});

export type SalesforceMappingFile = z.infer<typeof SalesforceMappingFileSchema>;
export type LeadStatusTransition = z.infer<typeof LeadStatusTransitionSchema>;
export type CampaignMemberRule = z.infer<typeof CampaignMemberRuleSchema>;
export type TaskRule = z.infer<typeof TaskRuleSchema>;
export type TaskCreateConfig = z.infer<typeof TaskCreateSchema>;

/** A Lead/Contact field whose value is itself an event (opted out of email, email bounced). */
export interface RecordEventRule {
  objectType: SalesforceObjectType;
  field: string;
  event: (typeof EVENT_TYPES)[number];
}

/** One mapping for one object: the store's FieldMapping plus the Salesforce details. */
export type SalesforceFieldMapping = FieldMapping & {
  objectType: SalesforceObjectType;
  fallback?: string[] | undefined;
  values?: Record<string, string> | undefined;
  optional?: boolean | undefined;
};

/** The validated file, with mappings expanded to one per object type. */
export interface SalesforceMappingConfig {
  mappings: SalesforceFieldMapping[];
  leadStatusTransitions: LeadStatusTransition[];
  campaignMembers: { eventTypeField?: string | undefined; rules: CampaignMemberRule[] };
  tasks: { leadstageKeyField?: string | undefined; create: TaskCreateConfig; rules: TaskRule[] };
  recordEvents: RecordEventRule[];
}
