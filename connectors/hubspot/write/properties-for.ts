/**
 * A Decision → the HubSpot contact properties that carry it, by the write mappings (SPEC.md §4).
 * Values are in the form HubSpot reads them back (numbers as plain strings, datetimes as ISO with
 * milliseconds), so the writer's "only what changed" comparison with the pulled values is exact.
 * Optional values that are absent are left out rather than cleared: the SLA job and reps may own them.
 */
import type { SlaSnapshot } from '../../../src/model/sla-snapshot';
import type { Decision, Reason } from '../../../src/model/decision';
import { decisionValue, reasonLinesWithin } from '../../../src/sync/decision-values';
import type { Stage } from '../../../src/model/stage';
import type { FieldMappings } from '../mapping/field-mappings';
import { WRITABLE_LIFECYCLE_STAGES } from '../mapping/lifecycle-stage.util';
import type { HubSpotFieldMapping } from '../mapping/mapping-schema';

/** HubSpot's default option values, when a lifecyclestage mapping lists none. */
const DEFAULT_LIFECYCLE_VALUES: Partial<Record<Stage, string>> = { lead: 'lead', mql: 'marketingqualifiedlead', sql: 'salesqualifiedlead' };
/** A HubSpot string property (leadstage_reasons is one, shown as a textarea) holds 65,536 characters. */
const TEXTAREA_LIMIT = 65_536;

function number(value: number): string {
  return String(Math.round(value * 100) / 100);
}

/** The reasons, one a line, cut on a reason boundary to what the property holds. */
export function formatReasons(reasons: readonly Reason[], limit = TEXTAREA_LIMIT): string {
  return reasonLinesWithin(reasons, limit);
}

function lifecycleValue(mapping: HubSpotFieldMapping, stage: Stage): string | undefined {
  // Opportunity, customer and evangelist are HubSpot's (from deals); detours have no lifecycle value.
  if (!WRITABLE_LIFECYCLE_STAGES.has(stage)) return undefined;
  const values = mapping.values ?? DEFAULT_LIFECYCLE_VALUES;
  return values[stage];
}

function valueFor(mapping: HubSpotFieldMapping, decision: Decision, sla: SlaSnapshot | null): string | undefined {
  switch (mapping.canonicalField) {
    case 'stage':
      if (mapping.crmProperty === 'lifecyclestage') return lifecycleValue(mapping, decision.stage);
      return mapping.values ? mapping.values[decision.stage] : decision.stage;
    case 'leadStatus':
      // Leadstage only ever says "unqualified"; every other status is the rep's.
      return decision.stage === 'disqualified' ? (mapping.values?.disqualified ?? 'UNQUALIFIED') : undefined;
    case 'reasons':
      return formatReasons(decision.reasons);
    default:
      return decisionValue(mapping.canonicalField, decision, sla, number);
  }
}

export function propertiesFor(decision: Decision, sla: SlaSnapshot | null, mappings: FieldMappings): Record<string, string> {
  const out: Record<string, string> = {};
  for (const mapping of mappings.writable) {
    const value = valueFor(mapping, decision, sla);
    if (value !== undefined) out[mapping.crmProperty] = value;
  }
  return out;
}
