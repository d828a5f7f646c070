import { z } from 'zod';
import { CONTENT_STAGES, EVENT_TYPES } from '../model/event';
import { DURATION_PATTERN } from '../util/duration.util';
import { AssignmentSchema, EscalationTargetSchema, WorkingHoursSchema } from './assignment-schema';

/**
 * The rulebook document (SPEC.md §3). Every object is strict: an unknown key is an error, because
 * a typo such as `poinst:` must never silently disable a rule. Cross-references (list names, decay
 * groups, fields, templates) are checked afterwards in references.ts, with the same paths.
 */

const id = z.string().regex(/^[a-z][a-z0-9_]*$/, 'expected an id in snake_case, such as "pricing_page"');
const duration = z.string().regex(DURATION_PATTERN, 'expected a duration such as 30m, 12h, 7d or 2w');
const points = z.number().finite();
const scalar = z.union([z.string(), z.number(), z.boolean(), z.null()]);

export interface Condition {
  field?: string | undefined;
  equals?: string | number | boolean | null | undefined;
  in?: Array<string | number> | undefined;
  not_in?: Array<string | number> | undefined;
  gte?: number | undefined;
  gt?: number | undefined;
  lte?: number | undefined;
  lt?: number | undefined;
  in_list?: string | undefined;
  not_in_list?: string | undefined;
  matches?: string | undefined;
  matches_list?: string | undefined;
  domain_in_list?: string | undefined;
  present?: boolean | undefined;
  all?: Condition[] | undefined;
  any?: Condition[] | undefined;
  not?: Condition | undefined;
}

export const FIELD_OPERATORS = [
  'equals',
  'in',
  'not_in',
  'gte',
  'gt',
  'lte',
  'lt',
  'in_list',
  'not_in_list',
  'matches',
  'matches_list',
  'domain_in_list',
  'present',
] as const;
const COMPOSITE_OPERATORS = ['all', 'any', 'not'] as const;

export const ConditionSchema: z.ZodType<Condition> = z.lazy(() =>
  z
    .strictObject({
      field: z.string().optional(),
      equals: scalar.optional(),
      in: z.array(z.union([z.string(), z.number()])).min(1).optional(),
      not_in: z.array(z.union([z.string(), z.number()])).min(1).optional(),
      gte: z.number().optional(),
      gt: z.number().optional(),
      lte: z.number().optional(),
      lt: z.number().optional(),
      in_list: z.string().optional(),
      not_in_list: z.string().optional(),
      matches: z.string().optional(),
      matches_list: z.string().optional(),
      domain_in_list: z.string().optional(),
      present: z.boolean().optional(),
      all: z.array(ConditionSchema).min(1).optional(),
      any: z.array(ConditionSchema).min(1).optional(),
      not: ConditionSchema.optional(),
    })
    .superRefine((condition, ctx) => {
      const composites = COMPOSITE_OPERATORS.filter((key) => condition[key] !== undefined);
      const operators = FIELD_OPERATORS.filter((key) => condition[key] !== undefined);
      if (composites.length > 0) {
        if (composites.length > 1 || operators.length > 0 || condition.field !== undefined) {
          ctx.addIssue({
            code: 'custom',
            message: `a condition with "${composites[0]}" must contain nothing else; nest the other tests inside it`,
          });
        }
        return;
      }
      if (condition.field === undefined) {
        ctx.addIssue({ code: 'custom', message: 'a condition needs "field" (or one of all / any / not)' });
      } else if (operators.length === 0) {
        ctx.addIssue({
          code: 'custom',
          path: ['field'],
          message: `a condition on "${condition.field}" needs an operator: ${FIELD_OPERATORS.join(', ')}`,
        });
      }
    }),
);

/** Which events a rule counts: the type plus optional property patterns (URL and name globs). */
export const EventMatchSchema = z.strictObject({
  types: z.array(z.enum(EVENT_TYPES)).min(1),
  url: z.array(z.string()).min(1).optional(),
  form_id: z.array(z.string()).min(1).optional(),
  form_name: z.array(z.string()).min(1).optional(),
  asset_title: z.array(z.string()).min(1).optional(),
  content_stage: z.array(z.enum(CONTENT_STAGES)).min(1).optional(),
  source: z.array(z.string()).min(1).optional(),
  properties: z.record(z.string(), z.array(z.string()).min(1)).optional(),
});
export type EventMatch = z.infer<typeof EventMatchSchema>;

const ExclusionSchema = z
  .strictObject({
    id,
    when: ConditionSchema,
    outcome: z.enum(['disqualify', 'nurture']),
    tier: z.number().int().min(1).max(9).optional(),
    reason: z.string().min(1),
  })
  .superRefine((exclusion, ctx) => {
    if (exclusion.outcome === 'disqualify' && exclusion.tier !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['tier'], message: 'a tier only applies to outcome "nurture"' });
    }
  });

const FitRuleSchema = z.strictObject({
  id,
  when: ConditionSchema,
  points,
  reason: z.string().min(1),
});

const GradeBandSchema = z.strictObject({ grade: z.string().min(1).max(3), min: z.number() });

const CapSchema = z.strictObject({ points: z.number().positive(), window: duration.optional() });

const EngagementRuleSchema = z.strictObject({
  id,
  match: EventMatchSchema,
  points,
  reason: z.string().min(1),
  group: id.optional(),
  cap: CapSchema.optional(),
});

const signalCommon = { id, points, reason: z.string().min(1), group: id.optional() };
const SignalSchema = z.discriminatedUnion(
  'kind',
  [
  z.strictObject({
    ...signalCommon,
    kind: z.literal('velocity'),
    match: EventMatchSchema,
    count: z.number().int().min(2),
    window: duration,
  }),
  z.strictObject({
    ...signalCommon,
    kind: z.literal('content_progression'),
    reach: z.enum(['consideration', 'decision']),
    window: duration,
  }),
  z.strictObject({
    ...signalCommon,
    kind: z.literal('repeat_visits'),
    match: EventMatchSchema,
    days: z.number().int().min(2),
    window: duration,
  }),
  ],
  { error: 'expected kind: velocity, content_progression or repeat_visits' },
);
export type Signal = z.infer<typeof SignalSchema>;

export const DecayModelSchema = z.union(
  [
    z.literal('none'),
    z.strictObject({ half_life: duration }),
    z.strictObject({ percent: z.number().gt(0).lte(100), every: duration }),
  ],
  { error: 'expected "none", {half_life: 30d} or {percent: 25, every: 30d}' },
);
export type DecayModel = z.infer<typeof DecayModelSchema>;

const MqlTierSchema = z.strictObject({
  id,
  label: z.string().min(1),
  when: ConditionSchema,
  /** A tier sales follows up at once (e.g. a hand-raise that is not yet an SQL): it gets an SLA handoff of its own (§3.10). */
  handoff: z.boolean().default(false),
});

const StagesSchema = z.strictObject({
  lead: z.strictObject({ when: ConditionSchema }),
  mql: z.strictObject({ tiers: z.array(MqlTierSchema).min(1) }),
  sql: z.strictObject({
    engagement_threshold: z.number().positive().optional(),
    fast_track: z
      .strictObject({ events: z.array(EventMatchSchema).min(1), within: duration })
      .optional(),
    bant: z.strictObject({ min_yes: z.number().int().min(1).max(4) }).optional(),
    sales_accepted: ConditionSchema.optional(),
  }),
  recycle: z.array(z.strictObject({ id, when: ConditionSchema, reason: z.string().min(1) })).default([]),
});

/** provider id (connectors/registry.ts) → a CRM owner id in that system. */
const providerOwners = z.record(
  z.string().regex(/^[a-z][a-z0-9_]*$/, 'expected a provider id (connectors/registry.ts), in snake_case'),
  z.string().trim().min(1, 'expected the owner id of a user in that system'),
);

const PriorityBandSchema = z.strictObject({
  priority: z.enum(['hot', 'warm', 'cold']),
  when: ConditionSchema.optional(),
});

const SlaSchema = z.strictObject({
  first_touch: duration,
  deadline: duration,
  // --- who works a handoff and when (assignment-schema.ts) ---
  working_hours: WorkingHoursSchema.optional(),
  escalation: z.strictObject({ after: duration, to: EscalationTargetSchema }),
  // --- end ---
  cadence: z
    .array(z.strictObject({ after: duration, channel: z.enum(['call', 'email']), subject: z.string().min(1) }))
    .min(1),
  on_expiry: z.strictObject({ stage: z.literal('nurture'), reason: z.string().min(1) }),
  targets: z
    .strictObject({ mql_per_quarter: z.number().int().min(0), sql_per_quarter: z.number().int().min(0) })
    .optional(),
});

export const RulebookSchema = z.strictObject({
  version: z.string().min(1),
  name: z.string().min(1),
  description: z.string().optional(),
  lists: z.record(id, z.array(z.string().min(1))).default({}),
  exclusions: z.array(ExclusionSchema).default([]),
  fit: z.strictObject({
    max: z.number().positive().default(100),
    rules: z.array(FitRuleSchema).min(1),
    grades: z.array(GradeBandSchema).min(1),
  }),
  engagement: z.strictObject({
    max: z.number().positive().default(100),
    rules: z.array(EngagementRuleSchema).min(1),
    signals: z.array(SignalSchema).default([]),
  }),
  decay: z.strictObject({
    horizon: duration,
    default: DecayModelSchema,
    groups: z.record(id, DecayModelSchema).default({}),
  }),
  score: z.strictObject({
    fit_weight: z.number().min(0).max(1),
    engagement_weight: z.number().min(0).max(1),
  }),
  stages: StagesSchema,
  priority: z.array(PriorityBandSchema).min(1),
  handoff: z.strictObject({
    required_fields: z.array(z.string()).default([]),
    /** Who completes a held handoff's missing fields: a CRM owner id per provider (owner ids are per CRM). */
    marketing_owner: providerOwners.optional(),
  }),
  sla: SlaSchema,
  // who gets a handoff without an active record owner (assignment-schema.ts)
  assignment: AssignmentSchema.optional(),
  reasons: z.strictObject({ max: z.number().int().min(1).max(20) }).default({ max: 5 }),
});

export type Rulebook = z.infer<typeof RulebookSchema>;
