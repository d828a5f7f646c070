/**
 * Every stored value is compared as a key: text lower-cased (SOQL compares and sorts strings without
 * regard to case), ids by their case-sensitive 15-character form, numbers as numbers, booleans as 0/1,
 * dates as day numbers and datetimes as epoch milliseconds. Filters and ORDER BY turn each row value into a key once and then only compare keys.
 */
import { parseDateDay, parseDateTimeMillis } from './calendar';
import type { SoqlFieldType } from './data-source';

export type Key = string | number;

/** How a field type is compared; also names the literal kinds it accepts. */
export type ValueKind = 'text' | 'number' | 'boolean' | 'date' | 'datetime';

const KIND_OF_TYPE: Record<SoqlFieldType, ValueKind> = {
  id: 'text', reference: 'text', string: 'text', textarea: 'text', email: 'text', phone: 'text', url: 'text',
  picklist: 'text', boolean: 'boolean', int: 'number', double: 'number', currency: 'number', percent: 'number',
  date: 'date', datetime: 'datetime',
};

export function valueKind(type: SoqlFieldType): ValueKind {
  return KIND_OF_TYPE[type];
}

/**
 * An id's key: its first 15 characters, which are the id (case-sensitive); the 3 more of the 18-character
 * form only encode their case. So `Id = '<15 chars>'` finds the record, as in Salesforce.
 */
export function idKey(id: string): string {
  return id.length === 18 ? id.slice(0, 15) : id;
}

/** A stored value as a key, or null for a missing value (Salesforce stores no empty text: '' is null). */
export function keyFunction(type: SoqlFieldType): (value: unknown) => Key | null {
  if (type === 'id' || type === 'reference') {
    return (value) => (value === null || value === undefined || value === '' ? null : idKey(String(value)));
  }
  switch (KIND_OF_TYPE[type]) {
    case 'text':
      return (value) => (value === null || value === undefined || value === '' ? null : String(value).toLowerCase());
    case 'number':
      return (value) => {
        if (value === null || value === undefined || value === '') return null;
        const number = typeof value === 'number' ? value : Number(value);
        return Number.isNaN(number) ? null : number;
      };
    case 'boolean':
      return (value) => (value === true || value === 'true' ? 1 : value === false || value === 'false' ? 0 : null);
    case 'date':
      return (value) => finite(typeof value === 'string' ? parseDateDay(value) : NaN);
    case 'datetime':
      return (value) => {
        if (typeof value === 'number') return value;
        if (value instanceof Date) return finite(value.getTime());
        return finite(typeof value === 'string' ? parseDateTimeMillis(value) : NaN);
      };
  }
}

function finite(number: number): number | null {
  return Number.isNaN(number) ? null : number;
}

export function compareKeys(a: Key, b: Key): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
