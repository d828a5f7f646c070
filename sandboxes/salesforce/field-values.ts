/**
 * Field values in two steps, the way Salesforce handles a write:
 *  1. `deserializeValue`: JSON → the field's Java-ish type (what the REST layer does before any record
 *     logic). A value that cannot become the type ("abc" for a number, "27/11/2026" for a date) is a
 *     JSON_PARSER_ERROR; Salesforce fails the whole request for it.
 *  2. `checkValue`: the per-record rules on a deserialized value: length, restricted picklist, email
 *     format, numeric range. These fail only that record (STRING_TOO_LONG, …).
 */
import { RecordError } from './errors';
import type { FieldDef } from './object-catalog';
import { sfDate, sfDateTime } from './sf-time';

export class DeserializeError extends Error {}

const JAVA_TYPE: Record<string, string> = {
  boolean: 'boolean', int: 'int', double: 'double', currency: 'double', percent: 'double', date: 'date', datetime: 'datetime',
};

function tokenOf(value: unknown): string {
  if (typeof value === 'string') return 'VALUE_STRING';
  if (typeof value === 'number') return Number.isInteger(value) ? 'VALUE_NUMBER_INT' : 'VALUE_NUMBER_FLOAT';
  if (typeof value === 'boolean') return value ? 'VALUE_TRUE' : 'VALUE_FALSE';
  return Array.isArray(value) ? 'START_ARRAY' : 'START_OBJECT';
}

function cannotDeserialize(field: FieldDef, value: unknown): DeserializeError {
  const javaType = JAVA_TYPE[field.type] ?? 'string';
  const shown = typeof value === 'object' ? JSON.stringify(value) : String(value);
  return new DeserializeError(
    `Cannot deserialize instance of ${javaType} from ${tokenOf(value)} value ${shown} or request may be missing a required field`,
  );
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATETIME = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

function validDate(y: number, m: number, d: number): boolean {
  const t = Date.UTC(y, m - 1, d);
  const back = new Date(t);
  return back.getUTCFullYear() === y && back.getUTCMonth() === m - 1 && back.getUTCDate() === d;
}

/** JSON value → stored value (strings, numbers, booleans, Salesforce date/datetime strings), or DeserializeError. */
export function deserializeValue(field: FieldDef, value: unknown): unknown {
  if (value === null) return null;
  if (typeof value === 'object') throw cannotDeserialize(field, value);
  switch (field.type) {
    case 'boolean':
      if (typeof value === 'boolean') return value;
      if (typeof value === 'string' && /^(true|false)$/i.test(value)) return value.toLowerCase() === 'true';
      throw cannotDeserialize(field, value);
    case 'int':
    case 'double':
    case 'currency':
    case 'percent': {
      const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : Number.NaN;
      if (typeof value === 'boolean' || !Number.isFinite(n)) throw cannotDeserialize(field, value);
      return n;
    }
    case 'date': {
      const match = typeof value === 'string' ? DATE.exec(value) : null;
      if (!match || !validDate(Number(match[1]), Number(match[2]), Number(match[3]))) throw cannotDeserialize(field, value);
      return value;
    }
    case 'datetime': {
      const match = typeof value === 'string' ? DATETIME.exec(value) : null;
      if (!match || !validDate(Number(match[1]), Number(match[2]), Number(match[3]))) throw cannotDeserialize(field, value);
      const [, y, mo, d, h = '00', mi = '00', s = '00', frac = '0', zone = 'Z'] = match;
      const offset = zone === 'Z' ? 0 : (zone.startsWith('-') ? -1 : 1) * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(-2)));
      const ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), Number(frac.padEnd(3, '0').slice(0, 3)));
      if (Number(h) > 23 || Number(mi) > 59 || Number(s) > 59) throw cannotDeserialize(field, value);
      return sfDateTime(ms - offset * 60_000);
    }
    default:
      // text, picklist, id and reference types take any scalar as its text, as Jackson does
      return String(value);
  }
}

const EMAIL = /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;

/** Per-record checks on a deserialized value; returns the errors (empty when fine). */
export function checkValue(field: FieldDef, value: unknown): RecordError[] {
  if (value === null) return [];
  const fields = [field.name];
  switch (field.type) {
    case 'string':
    case 'combobox':
    case 'textarea':
    case 'phone':
    case 'url':
    case 'email': {
      const text = value as string;
      if (field.length > 0 && text.length > field.length) {
        return [new RecordError('STRING_TOO_LONG', `${field.label}: data value too large: ${text.length > 80 ? `${text.slice(0, 80)}...` : text} (max length=${field.length})`, fields)];
      }
      if (field.type === 'email' && text !== '' && !EMAIL.test(text)) {
        return [new RecordError('INVALID_EMAIL_ADDRESS', `${field.label}: invalid email address: ${text}`, fields)];
      }
      return [];
    }
    case 'picklist': {
      if (!field.restrictedPicklist) {
        return (value as string).length > 255 ? [new RecordError('STRING_TOO_LONG', `${field.label}: data value too large: ${value as string} (max length=255)`, fields)] : [];
      }
      const ok = field.picklistValues.some((v) => v.active && v.value === value);
      return ok ? [] : [new RecordError('INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST', `${field.label}: bad value for restricted picklist field: ${value as string}`, fields)];
    }
    case 'int': {
      const n = value as number;
      if (!Number.isInteger(n)) return [new RecordError('INVALID_TYPE_ON_FIELD_IN_RECORD', `${field.label}: value not of required type: ${n}`, fields)];
      if (Math.abs(n) >= 10 ** (field.digits || 9)) {
        return [new RecordError('NUMBER_OUTSIDE_VALID_RANGE', `${field.label}: value outside of valid range on numeric field: ${n}`, fields)];
      }
      return [];
    }
    case 'double':
    case 'currency':
    case 'percent': {
      const n = value as number;
      const integerDigits = Math.max(0, (field.precision || 18) - field.scale);
      if (Math.abs(n) >= 10 ** integerDigits) {
        return [new RecordError('NUMBER_OUTSIDE_VALID_RANGE', `${field.label}: value outside of valid range on numeric field: ${n}`, fields)];
      }
      return [];
    }
    default:
      return [];
  }
}

/** The value a number field stores: rounded to its scale, as Salesforce does on save. */
export function storedNumber(field: FieldDef, n: number): number {
  if (field.type === 'int') return n;
  const factor = 10 ** field.scale;
  return Math.round(n * factor) / factor;
}

/** Today's date in the sandbox clock, as a date field stores it. */
export function todayOf(nowMs: number): string {
  return sfDate(nowMs);
}
