/**
 * An org's own rules, added on demand the way an admin adds them in Setup:
 *
 * - **validation rules** (`addValidationRule`, `POST /__sandbox/validation-rules`): a record whose
 *   values after the write meet every condition of an active rule is refused with
 *   FIELD_CUSTOM_VALIDATION_EXCEPTION and the rule's message (on its error field, or none). As in
 *   Salesforce, a rule is checked on every create and update of the record, whatever the write
 *   changes: a lead already in a state the rule forbids cannot be saved at all until it is fixed.
 *   Conditions: `{field, equals}`, `{field, in: [...]}`, `{field, empty: true|false}` (ISBLANK), and
 *   `{field, changed: true}` (ISCHANGED, updates only);
 * - **picklists** (`setPicklist`, `POST /__sandbox/picklists`): replaces a picklist field's values,
 *   default and restriction, e.g. a Lead Status picklist of "Open", "Contacted", "Qualified". A
 *   restricted picklist then refuses any other value (INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST);
 *   records keep the values they hold. For Lead.Status the LeadStatus object follows.
 */
import { RecordError } from './errors';
import { KEY_PREFIXES } from './ids';
import { picklistValues } from './object-catalog';
import type { OrgStore, Row, Table } from './org-store';

export type RuleCondition =
  | { field: string; equals: string | number | boolean | null }
  | { field: string; in: (string | number)[] }
  | { field: string; empty: boolean }
  | { field: string; changed: true };

export interface ValidationRuleSpec {
  /** The sObject it belongs to, e.g. Lead. */
  object: string;
  /** Its API name, e.g. Status_needs_Rating. */
  name: string;
  /** What the user is told, e.g. "Status cannot be Working - Contacted when Rating is empty". */
  errorMessage: string;
  /** The field the error is shown on (the error's `fields`); none: at the top of the page. */
  errorField?: string;
  /** The record is refused when every condition holds. */
  when: RuleCondition[];
  active?: boolean;
}

export interface PicklistSpec {
  object: string;
  field: string;
  values: string[];
  /** The value a new record gets when it names none. */
  default?: string;
  /** Only the listed values are accepted (default: as the field was). */
  restricted?: boolean;
  /** Lead.Status only: the value a lead takes when converted. */
  converted?: string;
}

function isEmpty(value: unknown): boolean {
  return value === null || value === undefined || value === '';
}

function holds(condition: RuleCondition, next: Row, previous: Row | null): boolean {
  const value = next[condition.field];
  if ('equals' in condition) return value === condition.equals;
  if ('in' in condition) return condition.in.includes(value as string | number);
  if ('empty' in condition) return isEmpty(value) === condition.empty;
  return previous !== null && previous[condition.field] !== value;
}

export class OrgRules {
  private readonly rules: ValidationRuleSpec[] = [];

  constructor(private readonly store: OrgStore) {}

  /** Checks a rule against the org (object and fields exist) and activates it. */
  addValidationRule(spec: ValidationRuleSpec): ValidationRuleSpec {
    const table = this.store.table(spec.object);
    const problems: string[] = [];
    if (!table) problems.push(`unknown object "${spec.object}"`);
    if (typeof spec.name !== 'string' || !/^[A-Za-z][A-Za-z0-9_]*$/.test(spec.name)) problems.push('name must be an API name such as Status_needs_Rating');
    if (typeof spec.errorMessage !== 'string' || spec.errorMessage === '') problems.push('errorMessage is required');
    if (!Array.isArray(spec.when) || spec.when.length === 0) problems.push('when needs at least one condition');
    for (const condition of Array.isArray(spec.when) ? spec.when : []) {
      if (table && !this.store.definedField(table, String(condition?.field))) problems.push(`${spec.object} has no field "${String(condition?.field)}"`);
    }
    if (spec.errorField !== undefined && table && !this.store.definedField(table, spec.errorField)) problems.push(`${spec.object} has no field "${spec.errorField}"`);
    if (problems.length > 0) throw new Error(`validation rule: ${problems.join('; ')}`);
    const canonical = (name: string) => this.store.definedField(table!, name)!.name;
    const rule: ValidationRuleSpec = {
      ...spec, object: table!.def.name, active: spec.active ?? true,
      ...(spec.errorField ? { errorField: canonical(spec.errorField) } : {}),
      when: spec.when.map((c) => ({ ...c, field: canonical(c.field) })),
    };
    this.rules.push(rule);
    return rule;
  }

  clearValidationRules(): void {
    this.rules.length = 0;
  }

  validationRules(): readonly ValidationRuleSpec[] {
    return this.rules;
  }

  /** The errors the active rules of `table` raise for a record that would become `next` (`previous`: before, on update). */
  validate(table: Table, next: Row, previous: Row | null): RecordError[] {
    const errors: RecordError[] = [];
    for (const rule of this.rules) {
      if (rule.active === false || rule.object !== table.def.name) continue;
      if (rule.when.every((condition) => holds(condition, next, previous))) {
        errors.push(new RecordError('FIELD_CUSTOM_VALIDATION_EXCEPTION', rule.errorMessage, rule.errorField ? [rule.errorField] : []));
      }
    }
    return errors;
  }

  /** Replaces a picklist's values (an admin editing it in Setup); records keep what they hold. */
  setPicklist(spec: PicklistSpec): void {
    const table = this.store.table(spec.object);
    const field = table ? this.store.definedField(table, spec.field) : undefined;
    if (!table || !field || field.type !== 'picklist') throw new Error(`picklist: ${spec.object}.${spec.field} is not a picklist field`);
    if (!Array.isArray(spec.values) || spec.values.length === 0 || spec.values.some((v) => typeof v !== 'string' || v === '')) {
      throw new Error('picklist: values must be a non-empty list of strings');
    }
    if (spec.default !== undefined && !spec.values.includes(spec.default)) throw new Error(`picklist: default "${spec.default}" is not one of the values`);
    field.picklistValues = picklistValues(spec.values, spec.default);
    if (spec.restricted !== undefined) field.restrictedPicklist = spec.restricted;
    field.defaultValue = spec.default ?? null;
    field.defaultedOnCreate = spec.default !== undefined;
    if (table.def.name === 'Lead' && field.name === 'Status') this.rebuildLeadStatuses(spec);
  }

  private rebuildLeadStatuses(spec: PicklistSpec): void {
    const statuses = this.store.table('LeadStatus')!;
    statuses.rows.clear();
    spec.values.forEach((value, i) => {
      const row = this.store.blank(statuses);
      Object.assign(row, {
        Id: this.store.ids.take(KEY_PREFIXES.LeadStatus), MasterLabel: value, ApiName: value, SortOrder: i + 1,
        IsDefault: value === spec.default, IsConverted: value === spec.converted,
      });
      this.store.add(statuses, row);
    });
  }
}
