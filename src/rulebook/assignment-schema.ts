import { z } from 'zod';

/**
 * The rulebook's parts about who works a handoff and when (SPEC.md §3.10): the working hours the
 * SLA clock runs in (`sla.working_hours`), who hears of a late first touch (`sla.escalation.to`),
 * and how a handoff without a record owner gets one (`assignment`). Owner ids are per CRM, so
 * wherever the rulebook names an owner it names one per provider id (the connector's id, as in
 * connectors/registry.ts): one rulebook serves every installation of the workspace.
 */

export const WEEKDAY_NAMES = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type WeekdayName = (typeof WEEKDAY_NAMES)[number];

const TIME_OF_DAY = /^([01]\d|2[0-3]):([0-5]\d)$/;

/** "09:30" → 570. The pattern is checked first. */
export function minuteOfDay(text: string): number {
  const match = TIME_OF_DAY.exec(text)!;
  return Number(match[1]) * 60 + Number(match[2]);
}

const quoted = (value: unknown) => JSON.stringify(value) ?? String(value);

const timeOfDay = z.string({ error: (issue) => `expected a time of day such as "09:00", got ${quoted(issue.input)}` }).refine((text) => TIME_OF_DAY.test(text), {
  error: (issue) => `expected a time of day "HH:MM" from 00:00 to 23:59, such as "09:00", got ${quoted(issue.input)}`,
});

const weekday = z.enum(WEEKDAY_NAMES, { error: (issue) => `expected a weekday: ${WEEKDAY_NAMES.join(', ')}, got ${quoted(issue.input)}` });

export const WorkingHoursSchema = z
  .strictObject({
    days: z.array(weekday).min(1, { error: 'expected at least one working day, such as [mon, tue, wed, thu, fri]' }),
    start: timeOfDay,
    end: timeOfDay,
  })
  .superRefine((hours, ctx) => {
    if (TIME_OF_DAY.test(hours.start) && TIME_OF_DAY.test(hours.end) && minuteOfDay(hours.end) <= minuteOfDay(hours.start)) {
      ctx.addIssue({ code: 'custom', path: ['end'], input: hours.end, message: `end "${hours.end}" is not after start "${hours.start}" (a working day ends later the same day)` });
    }
    const repeated = hours.days.filter((day, index) => hours.days.indexOf(day) !== index);
    if (repeated.length > 0) ctx.addIssue({ code: 'custom', path: ['days'], input: hours.days, message: `"${repeated[0]}" is listed twice` });
  });
export type WorkingHoursConfig = z.infer<typeof WorkingHoursSchema>;

const providerId = /^[a-z][a-z0-9_]*$/;

/** An owner named per CRM: `{ <provider>: "<that CRM's owner id>" }`. */
export const OwnerPerProviderSchema = z
  .record(z.string(), z.string(), { error: (issue) => `expected an owner id per CRM, such as { <provider>: "<owner id>" }, got ${quoted(issue.input)}` })
  .superRefine((owners, ctx) => {
    const entries = Object.entries(owners);
    if (entries.length === 0) ctx.addIssue({ code: 'custom', input: owners, message: 'expected at least one CRM and its owner id, such as { <provider>: "<owner id>" }' });
    for (const [provider, ownerId] of entries) {
      if (!providerId.test(provider)) ctx.addIssue({ code: 'custom', path: [provider], input: provider, message: `"${provider}" is not a CRM's id (expected lower case, such as the connector's name)` });
      else if (ownerId.trim() === '') ctx.addIssue({ code: 'custom', path: [provider], input: ownerId, message: `the owner id for "${provider}" is empty` });
    }
  });
export type OwnerPerProvider = z.infer<typeof OwnerPerProviderSchema>;

/**
 * `manager`: the owner's manager as the CRM knows it; or per CRM an owner id, or `manager` for
 * that CRM alone (a CRM that keeps no managers can name a fixed owner while another escalates up).
 */
export const EscalationTargetSchema = z.union([z.literal('manager'), OwnerPerProviderSchema], {
  error: (issue) =>
    typeof issue.input === 'string' || issue.input === null || typeof issue.input !== 'object'
      ? `expected "manager" or an owner id per CRM such as { <provider>: "<owner id>" }, got ${quoted(issue.input)}`
      : undefined,
});
export type EscalationTarget = z.infer<typeof EscalationTargetSchema>;

const ruleId = z.string().regex(/^[a-z][a-z0-9_]*$/, 'expected an id in snake_case, such as "dach_territory"');
const teamName = z.string().trim().min(1, { error: 'expected a team name as the CRM spells it, such as "Inside Sales"' });
const countryCode = z.string({ error: (issue) => `expected a country code such as "DE", got ${quoted(issue.input)}` }).refine((code) => /^[A-Z]{2}$/.test(code), {
  error: (issue) => `expected an ISO 3166-1 alpha-2 country code in capitals such as "DE", got ${quoted(issue.input)}`,
});

/**
 * One rule, of one kind. `round_robin: { team }`: the turn passes through the team's active owners,
 * one handoff each. `territory: { countries, owner | team }`: a person whose country is listed goes
 * to the owner named for this CRM, or round robin within the team.
 */
export const AssignmentRuleSchema = z
  .strictObject({
    id: ruleId,
    round_robin: z.strictObject({ team: teamName }).optional(),
    territory: z
      .strictObject({
        countries: z.array(countryCode).min(1, { error: 'expected at least one country code, such as [DE, AT, CH]' }),
        owner: OwnerPerProviderSchema.optional(),
        team: teamName.optional(),
      })
      .optional(),
  })
  .superRefine((rule, ctx) => {
    if ((rule.round_robin === undefined) === (rule.territory === undefined)) {
      ctx.addIssue({ code: 'custom', input: rule, message: `rule "${rule.id}" needs exactly one of round_robin: { team } or territory: { countries, owner | team }` });
    }
    if (rule.territory && (rule.territory.owner === undefined) === (rule.territory.team === undefined)) {
      ctx.addIssue({ code: 'custom', path: ['territory'], input: rule.territory, message: `territory "${rule.id}" needs exactly one of owner (an owner id per CRM) or team (round robin within it)` });
    }
  });
export type AssignmentRule = z.infer<typeof AssignmentRuleSchema>;

/** Rules tried in order for a handoff without an active record owner; the first that yields an owner wins. */
export const AssignmentSchema = z
  .strictObject({ rules: z.array(AssignmentRuleSchema).min(1) })
  .superRefine((assignment, ctx) => {
    const seen = new Set<string>();
    assignment.rules.forEach((rule, index) => {
      if (seen.has(rule.id)) ctx.addIssue({ code: 'custom', path: ['rules', index, 'id'], input: rule.id, message: `rule id "${rule.id}" is used twice` });
      seen.add(rule.id);
    });
  });
export type Assignment = z.infer<typeof AssignmentSchema>;
