/**
 * Which literals a field accepts, with Salesforce's errors for the rest, and the key a literal
 * compares as. Checked once when the query is compiled.
 */
import type { SoqlLiteral } from './ast';
import { DAY_MS, dateKeywordDays } from './calendar';
import { idKey, valueKind, type Key, type ValueKind } from './compare';
import type { ResolvedField } from './field-path';
import type { SoqlFieldType } from './data-source';
import { malformed, SoqlError } from './soql-error';

const ACCEPTED: Record<ValueKind, SoqlLiteral['kind'][]> = {
  text: ['string'],
  number: ['number'],
  boolean: ['boolean'],
  date: ['date', 'dateKeyword'],
  datetime: ['datetime', 'dateKeyword'],
};

/** The type names Salesforce's messages use. */
const TYPE_NAMES: Record<SoqlFieldType, string> = {
  id: 'id', reference: 'id', string: 'string', textarea: 'string', email: 'string', phone: 'string', url: 'string',
  picklist: 'string', boolean: 'boolean', int: 'integer', double: 'double', currency: 'currency', percent: 'percent',
  date: 'date', datetime: 'dateTime',
};

const SALESFORCE_ID = /^[a-zA-Z0-9]{15}(?:[a-zA-Z0-9]{3})?$/;

/** Throws Salesforce's error if the literal cannot be compared with the field; null fits every field. */
export function checkLiteralType(literal: SoqlLiteral, field: ResolvedField): void {
  if (literal.kind === 'null') return;
  const kind = valueKind(field.type);
  if (!ACCEPTED[kind].includes(literal.kind)) {
    const quotes = kind === 'text' ? 'should be enclosed in quotes' : 'should not be enclosed in quotes';
    throw malformed(
      `value of filter criterion for field '${field.text}' must be of type ${TYPE_NAMES[field.type]} and ${quotes}`,
      literal.position,
    );
  }
  if ((field.type === 'id' || field.type === 'reference') && literal.kind === 'string' && !SALESFORCE_ID.test(literal.value)) {
    throw new SoqlError('INVALID_QUERY_FILTER_OPERATOR', `invalid ID field: ${literal.value}`, literal.position);
  }
}

/** The key of a literal that names one value (not null, not a date keyword), in the field's key space. */
export function literalKey(literal: SoqlLiteral, type: SoqlFieldType): Key {
  switch (literal.kind) {
    case 'string':
      return type === 'id' || type === 'reference' ? idKey(literal.value) : literal.value.toLowerCase();
    case 'number':
      return literal.value;
    case 'boolean':
      return literal.value ? 1 : 0;
    case 'date':
      return literal.day;
    case 'datetime':
      return literal.millis;
    case 'null':
    case 'dateKeyword':
      throw new Error(`literalKey: a ${literal.kind} literal has no single key`);
  }
}

/** The keys `[from, to)` a date keyword covers for a date field (days) or a datetime field (milliseconds). */
export function dateKeywordRange(literal: Extract<SoqlLiteral, { kind: 'dateKeyword' }>, field: ResolvedField, now: number) {
  const { fromDay, toDay } = dateKeywordDays(literal.keyword, literal.n, now);
  const unit = valueKind(field.type) === 'datetime' ? DAY_MS : 1;
  return { from: fromDay * unit, to: toDay * unit };
}
