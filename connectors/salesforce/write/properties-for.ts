/**
 * A Decision → the Salesforce fields that carry it, by the write mappings (SPEC.md §4,
 * config/mappings/salesforce.default.yaml). Values are in the form the pull side reads them back
 * (`comparableText`: integers as plain digits, datetimes as ISO with milliseconds), so the outbox's
 * "only what changed" comparison is exact; text is cut to its field's length.
 *
 * The contract gives no object type here, so the result covers Lead and Contact together (the
 * record writer drops, per record, what its object does not map, e.g. Status on a Contact). The
 * native Lead Status is the target of the stage's transition; the writer moves it only from the
 * transition's listed current statuses (a status a rep chose is never overwritten).
 */
import type { SlaSnapshot } from '../../../src/model/sla-snapshot';
import type { Decision } from '../../../src/model/decision';
import { decisionValue, reasonLinesWithin } from '../../../src/sync/decision-values';
import type { SalesforceFieldMappings } from '../mapping/field-mappings';
import type { SalesforceFieldMapping } from '../mapping/mapping-schema';
import { leadstageField } from '../schema/leadstage-fields.constant';
import type { WritableFields } from '../schema/writable-fields';

/** Number(5,0) holds ±99,999. */
const NUMBER_LIMIT = 99_999;

function integer(value: number): string {
  const n = Math.max(-NUMBER_LIMIT, Math.min(NUMBER_LIMIT, Math.round(value)));
  return String(Object.is(n, -0) ? 0 : n);
}

function clipToLength(text: string, length: number | undefined): string {
  if (length === undefined || text.length <= length) return text;
  return `${text.slice(0, Math.max(0, length - 1))}…`;
}

function valueFor(mapping: SalesforceFieldMapping, mappings: SalesforceFieldMappings, decision: Decision, sla: SlaSnapshot | null): string | undefined {
  switch (mapping.canonicalField) {
    case 'stage':
      return mapping.values?.[decision.stage] ?? decision.stage;
    case 'leadStatus':
      // the transition's target; the writer checks the lead's current status against its `from`
      return mappings.leadStatusTransitions.find((t) => t.stage === decision.stage)?.to;
    case 'reasons':
      // cut on a reason boundary, never mid-reason (Leadstage_Reasons__c is a LongTextArea(32768))
      return reasonLinesWithin(decision.reasons, leadstageField(mapping.crmProperty)?.length);
    default:
      return decisionValue(mapping.canonicalField, decision, sla, integer);
  }
}

const SOBJECT = { lead: 'Lead', contact: 'Contact' } as const;

/**
 * `writable` (what the installation cannot write): a field no object can take is left out, so the
 * change hash covers what is really written and the field is written once it comes back.
 */
export function propertiesFor(decision: Decision, sla: SlaSnapshot | null, mappings: SalesforceFieldMappings, writable?: WritableFields): Record<string, string> {
  const out: Record<string, string> = {};
  const mapped = [...mappings.writable('lead'), ...mappings.writable('contact')];
  const takenBySome = (field: string) => mapped.some((m) => m.crmProperty.toLowerCase() === field.toLowerCase() && (writable?.isWritable(SOBJECT[m.objectType], m.crmProperty) ?? true));
  for (const mapping of mapped) {
    if (mapping.crmProperty in out) continue;
    if (!takenBySome(mapping.crmProperty)) continue;
    const value = valueFor(mapping, mappings, decision, sla);
    if (value === undefined) continue;
    out[mapping.crmProperty] = clipToLength(value, leadstageField(mapping.crmProperty)?.length);
  }
  return out;
}
