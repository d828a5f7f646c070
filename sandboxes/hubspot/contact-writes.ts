/**
 * Validating and applying contact property writes the way HubSpot does:
 * - a property that does not exist, a read-only one, or a value that is not one of an enumeration's
 *   options fails that record (the rest of the batch still applies, answered 207);
 * - `lifecyclestage` only moves forward: setting an earlier stage is silently ignored (2xx, no
 *   change) unless the stage was cleared to "" by an *earlier* request (reference §2). "Earlier"
 *   is modelled by judging every input against the values as they were when the request arrived,
 *   so clearing and setting in the same batch does not work, as HubSpot warns;
 * - any actual change stamps `lastmodifieddate` with the sandbox clock.
 */
import { OWNERS } from './seed-catalog';
import { LIFECYCLE_STAGES, type PropertyDefinition } from './property-catalog';

const STAGE_ORDER = new Map<string, number>(LIFECYCLE_STAGES.map(([value], i) => [value, i]));
const OWNER_IDS = new Set<string>(OWNERS.map((o) => o.id));

export interface PropertyProblem {
  name: string;
  error: 'PROPERTY_DOESNT_EXIST' | 'READ_ONLY_VALUE' | 'INVALID_OPTION' | 'INVALID_INTEGER' | 'INVALID_DATE' | 'INVALID_BOOLEAN' | 'INVALID_TYPE';
  message: string;
}

/** Normalises one written value to HubSpot's stored string form, or describes why it is invalid. */
export function normaliseValue(definition: PropertyDefinition | undefined, name: string, raw: unknown): string | PropertyProblem {
  if (!definition) return { name, error: 'PROPERTY_DOESNT_EXIST', message: `Property "${name}" does not exist` };
  if (definition.modificationMetadata.readOnlyValue) {
    return { name, error: 'READ_ONLY_VALUE', message: `Property "${name}" is a read only property; its value cannot be set.` };
  }
  if (raw === null) return '';
  if (typeof raw === 'object') return { name, error: 'INVALID_TYPE', message: `${name}: expected a string, number or boolean value` };
  const value = String(raw);
  if (value === '') return '';
  switch (definition.type) {
    case 'number':
      return Number.isFinite(Number(value)) ? value : { name, error: 'INVALID_INTEGER', message: `${value} is not a valid number.` };
    case 'bool':
      return value === 'true' || value === 'false' ? value : { name, error: 'INVALID_BOOLEAN', message: `${value} is not a valid boolean; use true or false.` };
    case 'datetime':
    case 'date': {
      const ms = /^-?\d+$/.test(value) ? Number(value) : Date.parse(value);
      if (Number.isNaN(ms)) return { name, error: 'INVALID_DATE', message: `${value} is not a valid date or epoch milliseconds value.` };
      const iso = new Date(ms).toISOString();
      if (definition.type === 'date') {
        if (ms % 86_400_000 !== 0) {
          return { name, error: 'INVALID_DATE', message: `${value} is not midnight UTC; date properties take a date at midnight UTC.` };
        }
        return iso.slice(0, 10);
      }
      return iso;
    }
    case 'enumeration': {
      if (name === 'hubspot_owner_id') {
        return OWNER_IDS.has(value) ? value : { name, error: 'INVALID_OPTION', message: `${value} is not a valid owner id` };
      }
      const allowed = new Set(definition.options.map((o) => o.value));
      const parts = definition.fieldType === 'checkbox' ? value.split(';') : [value];
      const bad = parts.find((p) => !allowed.has(p));
      if (bad === undefined) return value;
      const listed = definition.options.map((o) => `label: "${o.label}", value: "${o.value}"`).join(', ');
      return { name, error: 'INVALID_OPTION', message: `${bad} was not one of the allowed options: [${listed}]` };
    }
    default:
      return value;
  }
}

export interface UpdatePlan {
  /** Values that change the record. */
  changes: Record<string, string>;
  /** Properties whose write was accepted but had no effect (backward lifecycle move). */
  ignored: string[];
  problems: PropertyProblem[];
}

/**
 * Works out what an update does, given the record as it was when the request arrived.
 * `definitions` looks up contact properties (defaults and custom).
 */
export function planContactUpdate(
  before: Record<string, string>,
  input: Record<string, unknown>,
  definitions: (name: string) => PropertyDefinition | undefined,
): UpdatePlan {
  const plan: UpdatePlan = { changes: {}, ignored: [], problems: [] };
  for (const [name, raw] of Object.entries(input)) {
    const value = normaliseValue(definitions(name), name, raw);
    if (typeof value !== 'string') {
      plan.problems.push(value);
      continue;
    }
    const current = before[name] ?? '';
    if (name === 'lifecyclestage' && value !== '' && current !== '') {
      const from = STAGE_ORDER.get(current) ?? -1;
      const to = STAGE_ORDER.get(value) ?? -1;
      if (to < from) {
        plan.ignored.push(name);
        continue;
      }
    }
    if (value !== current) plan.changes[name] = value;
  }
  return plan;
}

/** Side effects HubSpot adds to a change: lifecycle "became a … date" and the modification stamp. */
export function derivedChanges(before: Record<string, string>, changes: Record<string, string>, nowIso: string): Record<string, string> {
  const extra: Record<string, string> = { lastmodifieddate: nowIso };
  const stage = changes.lifecyclestage;
  if (stage) {
    if (!before[`hs_lifecyclestage_${stage}_date`]) extra[`hs_lifecyclestage_${stage}_date`] = nowIso;
    extra[`hs_v2_date_entered_${stage}`] = nowIso;
  }
  return extra;
}
