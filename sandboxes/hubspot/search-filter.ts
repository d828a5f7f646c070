/**
 * The CRM search request: parsing with HubSpot's limits, filter evaluation and sorting.
 * Limits (reference §1.4): ≤5 filterGroups, ≤10 filters per group, ≤25 filters in total
 * (changelog 2024-08-26), ≤200 results per page, and no paging past 10,000 results. Groups are
 * OR'd, filters in a group AND'd; only the first sort is honoured. Values compare by property type:
 * numbers and dates numerically (dates as epoch ms or ISO), everything else case-insensitively.
 */
import type { CrmRecord } from './crm-record';
import { validationError } from './errors';
import type { PropertyType } from './property-catalog';

export const SEARCH_LIMITS = { maxGroups: 5, maxFiltersPerGroup: 10, maxFilters: 25, maxLimit: 200, maxResults: 10_000 } as const;

export const OPERATORS = [
  'EQ', 'NEQ', 'LT', 'LTE', 'GT', 'GTE', 'BETWEEN', 'IN', 'NOT_IN', 'HAS_PROPERTY', 'NOT_HAS_PROPERTY',
  'CONTAINS_TOKEN', 'NOT_CONTAINS_TOKEN',
] as const;
export type Operator = (typeof OPERATORS)[number];

export interface Filter {
  propertyName: string;
  operator: Operator;
  value?: string;
  highValue?: string;
  values?: string[];
}

export interface ParsedSearch {
  groups: Filter[][];
  sort?: { propertyName: string; descending: boolean };
  properties?: string[];
  limit: number;
  offset: number;
  query?: string;
}

type TypeOf = (property: string) => PropertyType | undefined;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function scalar(value: unknown, where: string): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw validationError(`${where} must be a string, number or boolean`);
}

export function parseSearchRequest(body: unknown): ParsedSearch {
  if (!isObject(body)) throw validationError('Invalid input JSON: the search request must be a JSON object');
  const rawGroups = body.filterGroups ?? [];
  if (!Array.isArray(rawGroups)) throw validationError('filterGroups must be an array');
  if (rawGroups.length > SEARCH_LIMITS.maxGroups) {
    throw validationError(`There were ${rawGroups.length} filter groups, but the limit is ${SEARCH_LIMITS.maxGroups}`, {
      subCategory: 'PublicSearchRequestValidationError.TOO_MANY_FILTER_GROUPS',
    });
  }
  let total = 0;
  const groups = rawGroups.map((group, g) => {
    const filters = isObject(group) ? group.filters ?? [] : undefined;
    if (!Array.isArray(filters)) throw validationError(`filterGroups[${g}].filters must be an array`);
    if (filters.length > SEARCH_LIMITS.maxFiltersPerGroup) {
      throw validationError(`filterGroups[${g}] has ${filters.length} filters, but the limit is ${SEARCH_LIMITS.maxFiltersPerGroup} per group`, {
        subCategory: 'PublicSearchRequestValidationError.TOO_MANY_FILTERS_IN_GROUP',
      });
    }
    total += filters.length;
    return filters.map((raw, f) => parseFilter(raw, `filterGroups[${g}].filters[${f}]`));
  });
  if (total > SEARCH_LIMITS.maxFilters) {
    throw validationError(`There were ${total} filters in total, but the limit is ${SEARCH_LIMITS.maxFilters}`, {
      subCategory: 'PublicSearchRequestValidationError.TOO_MANY_FILTERS',
    });
  }

  const limit = body.limit === undefined ? 10 : Number(body.limit);
  if (!Number.isInteger(limit) || limit < 0 || limit > SEARCH_LIMITS.maxLimit) {
    throw validationError(`limit must be an integer between 0 and ${SEARCH_LIMITS.maxLimit}, got ${String(body.limit)}`);
  }
  const offset = body.after === undefined || body.after === null || body.after === '' ? 0 : Number(body.after);
  if (!Number.isInteger(offset) || offset < 0) throw validationError(`after must be a non-negative integer string, got ${String(body.after)}`);
  if (offset + limit > SEARCH_LIMITS.maxResults) {
    // HubSpot's search index serves at most 10,000 results per query (issue #132): slice by date instead.
    throw validationError(
      `Search results are limited to ${SEARCH_LIMITS.maxResults} results; after (${offset}) + limit (${limit}) exceeds it. Narrow the query, for example with a date range on lastmodifieddate.`,
    );
  }

  let sort: ParsedSearch['sort'];
  const sorts = body.sorts ?? [];
  if (!Array.isArray(sorts)) throw validationError('sorts must be an array');
  const first: unknown = sorts[0];
  if (typeof first === 'string' && first.length > 0) {
    sort = first.startsWith('-') ? { propertyName: first.slice(1), descending: true } : { propertyName: first, descending: false };
  } else if (isObject(first) && typeof first.propertyName === 'string') {
    sort = { propertyName: first.propertyName, descending: first.direction === 'DESCENDING' };
  } else if (first !== undefined) {
    throw validationError('sorts[0] must be a property name ("-createdate" for descending) or {propertyName, direction}');
  }

  const properties = body.properties;
  if (properties !== undefined && (!Array.isArray(properties) || properties.some((p) => typeof p !== 'string'))) {
    throw validationError('properties must be an array of property names');
  }
  const query = typeof body.query === 'string' && body.query.trim() !== '' ? body.query.trim() : undefined;
  if (query && query.length > 3000) throw validationError('query is limited to 3000 characters');
  return { groups, sort, properties: properties as string[] | undefined, limit, offset, query };
}

function parseFilter(raw: unknown, where: string): Filter {
  if (!isObject(raw)) throw validationError(`${where} must be an object`);
  const { propertyName, operator } = raw;
  if (typeof propertyName !== 'string' || propertyName === '') throw validationError(`${where}.propertyName is required`);
  const op = (operator ?? 'EQ') as Operator;
  if (!OPERATORS.includes(op)) throw validationError(`${where}.operator "${String(operator)}" is not one of ${OPERATORS.join(', ')}`);
  const filter: Filter = { propertyName, operator: op };
  if (op === 'IN' || op === 'NOT_IN') {
    if (!Array.isArray(raw.values) || raw.values.length === 0) throw validationError(`${where}: operator ${op} needs a non-empty values array`);
    filter.values = raw.values.map((v, i) => scalar(v, `${where}.values[${i}]`));
  } else if (op !== 'HAS_PROPERTY' && op !== 'NOT_HAS_PROPERTY') {
    if (raw.value === undefined || raw.value === null) throw validationError(`${where}: operator ${op} needs a value`);
    filter.value = scalar(raw.value, `${where}.value`);
    if (op === 'BETWEEN') {
      if (raw.highValue === undefined || raw.highValue === null) throw validationError(`${where}: operator BETWEEN needs a highValue`);
      filter.highValue = scalar(raw.highValue, `${where}.highValue`);
    }
  }
  return filter;
}

type Comparable = number | string;

/** Turns a stored or filter value into something comparable for the property's type. */
function coerce(value: string, type: PropertyType | undefined): Comparable {
  if (type === 'number') return Number(value);
  if (type === 'datetime' || type === 'date') return /^-?\d+$/.test(value) ? Number(value) : Date.parse(value);
  if (type === undefined && value !== '' && !Number.isNaN(Number(value))) return Number(value);
  return value.toLowerCase();
}

function compare(a: Comparable, b: Comparable): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0;
}

function present(value: string | undefined): value is string {
  return value !== undefined && value !== '';
}

function tokenMatch(stored: string, token: string): boolean {
  const haystack = stored.toLowerCase();
  const needle = token.toLowerCase();
  if (needle.includes('*')) {
    const pattern = new RegExp(`^${needle.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
    return haystack.split(/[\s@.,;]+/).some((word) => pattern.test(word)) || pattern.test(haystack);
  }
  return haystack.split(/[\s@.,;]+/).includes(needle) || haystack === needle;
}

function matchesFilter(record: CrmRecord, filter: Filter, typeOf: TypeOf): boolean {
  const raw = record.properties[filter.propertyName];
  const has = present(raw);
  const type = typeOf(filter.propertyName);
  const eq = (v: string) => has && compare(coerce(raw, type), coerce(v, type)) === 0;
  switch (filter.operator) {
    case 'HAS_PROPERTY':
      return has;
    case 'NOT_HAS_PROPERTY':
      return !has;
    case 'EQ':
      return eq(filter.value!);
    case 'NEQ':
      return !eq(filter.value!);
    case 'IN':
      return filter.values!.some(eq);
    case 'NOT_IN':
      return !filter.values!.some(eq);
    case 'CONTAINS_TOKEN':
      return has && tokenMatch(raw, filter.value!);
    case 'NOT_CONTAINS_TOKEN':
      return !(has && tokenMatch(raw, filter.value!));
    default: {
      if (!has) return false;
      const left = coerce(raw, type);
      const c = compare(left, coerce(filter.value!, type));
      if (filter.operator === 'LT') return c < 0;
      if (filter.operator === 'LTE') return c <= 0;
      if (filter.operator === 'GT') return c > 0;
      if (filter.operator === 'GTE') return c >= 0;
      return c >= 0 && compare(left, coerce(filter.highValue!, type)) <= 0; // BETWEEN, inclusive
    }
  }
}

export function matchesSearch(record: CrmRecord, search: ParsedSearch, typeOf: TypeOf, queryFields: readonly string[]): boolean {
  if (search.groups.length > 0 && !search.groups.some((group) => group.every((f) => matchesFilter(record, f, typeOf)))) {
    return false;
  }
  if (search.query) {
    const q = search.query.toLowerCase();
    return queryFields.some((field) => record.properties[field]?.toLowerCase().includes(q));
  }
  return true;
}

/** Sort comparator: by the requested property (missing values last), then by id; default id ascending. */
export function searchComparator(search: ParsedSearch, typeOf: TypeOf): (a: CrmRecord, b: CrmRecord) => number {
  const byId = (a: CrmRecord, b: CrmRecord) => Number(a.id) - Number(b.id);
  const sort = search.sort;
  if (!sort) return byId;
  const type = typeOf(sort.propertyName);
  return (a, b) => {
    const va = a.properties[sort.propertyName];
    const vb = b.properties[sort.propertyName];
    if (!present(va) || !present(vb)) return present(va) ? -1 : present(vb) ? 1 : byId(a, b);
    const c = compare(coerce(va, type), coerce(vb, type));
    return (sort.descending ? -c : c) || byId(a, b);
  };
}

/** Bounds in ms on one datetime property (null: open), each inclusive or not. */
export interface IndexRange {
  from: number | null;
  fromInclusive: boolean;
  to: number | null;
  toInclusive: boolean;
}

function timeOf(value: string | undefined): number {
  if (value === undefined) return Number.NaN;
  return /^-?\d+$/.test(value) ? Number(value) : Date.parse(value);
}

/**
 * What a search's filters ask of an indexed datetime property: the range they allow, and whether they
 * ask nothing else (then the index alone answers, without reading a record). Null when the search
 * cannot use the index (several filter groups, no range on the property, an unreadable time).
 */
export function indexedRange(search: ParsedSearch, property: string): { range: IndexRange; covered: boolean } | null {
  if (search.groups.length !== 1) return null;
  const range: IndexRange = { from: null, fromInclusive: true, to: null, toInclusive: true };
  const lower = (value: number, inclusive: boolean) => {
    if (range.from === null || value > range.from) Object.assign(range, { from: value, fromInclusive: inclusive });
    else if (value === range.from) range.fromInclusive &&= inclusive;
  };
  const upper = (value: number, inclusive: boolean) => {
    if (range.to === null || value < range.to) Object.assign(range, { to: value, toInclusive: inclusive });
    else if (value === range.to) range.toInclusive &&= inclusive;
  };
  let covered = search.query === undefined;
  let bounded = false;
  for (const filter of search.groups[0]!) {
    if (filter.propertyName !== property) {
      covered = false;
      continue;
    }
    const value = timeOf(filter.value);
    if (['GT', 'GTE', 'LT', 'LTE', 'EQ', 'BETWEEN'].includes(filter.operator) && Number.isNaN(value)) return null;
    switch (filter.operator) {
      case 'GT': lower(value, false); break;
      case 'GTE': lower(value, true); break;
      case 'LT': upper(value, false); break;
      case 'LTE': upper(value, true); break;
      case 'EQ': lower(value, true); upper(value, true); break;
      case 'BETWEEN': {
        const high = timeOf(filter.highValue);
        if (Number.isNaN(high)) return null;
        lower(value, true);
        upper(high, true);
        break;
      }
      default:
        covered = false;
        continue;
    }
    bounded = true;
  }
  return bounded ? { range, covered } : null;
}
