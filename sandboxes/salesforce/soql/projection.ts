/**
 * The select list as a record builder, in the REST API's JSON shape: `attributes` first, then the fields
 * in select order; a parent path nests under its relationship (`Account: { attributes, Industry }`, or
 * `Account: null` when the reference is empty); a child sub-query gives `{ totalSize, done, records }`,
 * or null when there are no children, as Salesforce answers. Values are returned as stored; a field the
 * row lacks is null.
 */
import type { SoqlQuery, SoqlSelectItem } from './ast';
import { idKey } from './compare';
import type { SoqlContext } from './context';
import { findChildRelationship, requireSObject } from './describe-lookup';
import { resolveFieldPath, type ParentRecord, type ResolvedField } from './field-path';
import type { SoqlObjectDescribe, SoqlRow } from './data-source';
import { applyWindow, compileRowQuery } from './row-query';
import { malformed, unknownChildRelationship, type SoqlPosition } from './soql-error';

export interface SoqlRecordAttributes {
  type: string;
  url: string;
}

export interface SoqlResultRecord {
  attributes: SoqlRecordAttributes;
  [field: string]: unknown;
}

export type RecordBuilder = (row: SoqlRow) => SoqlResultRecord;

/** Writes one select item's value(s) into the record being built. */
type Column = (record: Record<string, unknown>, row: SoqlRow) => void;

interface CompiledItem {
  /** Lower-cased described name: two spellings of one field are the same selection. */
  identity: string;
  written: string;
  position: SoqlPosition;
  column: Column;
}

export function compileSelect(items: SoqlSelectItem[], describe: SoqlObjectDescribe, context: SoqlContext): RecordBuilder {
  const seen = new Set<string>();
  const columns = items.map((item) => {
    const compiled = compileItem(item, describe, context);
    if (seen.has(compiled.identity)) throw malformed(`duplicate field selected: ${compiled.written}`, compiled.position);
    seen.add(compiled.identity);
    return compiled.column;
  });
  // the url names the record whether or not Id is selected, as Salesforce's does
  const urlPrefix = `${sobjectsUrl(context)}${describe.name}/`;
  const type = describe.name;
  return (row) => {
    const record: SoqlResultRecord = { attributes: { type, url: urlPrefix + String(row.Id ?? '') } };
    for (const column of columns) column(record, row);
    return record;
  };
}

function compileItem(item: SoqlSelectItem, describe: SoqlObjectDescribe, context: SoqlContext): CompiledItem {
  switch (item.kind) {
    case 'count':
      throw malformed('COUNT() must be the only element in the SELECT list', item.position);
    case 'field': {
      const field = resolveFieldPath(item.path, describe, context);
      return { identity: field.identity, written: field.text, position: item.path.position, column: fieldColumn(field, describe.name, sobjectsUrl(context)) };
    }
    case 'subquery': {
      const { column, relationshipName } = childColumn(item.query, describe, context);
      return { identity: relationshipName.toLowerCase(), written: item.query.from.text, position: item.position, column };
    }
  }
}

function fieldColumn(field: ResolvedField, sobject: string, urlBase: string): Column {
  const { hops, key, leaf } = field;
  if (hops.length === 0) return (record, row) => void (record[key] = leaf(row, sobject) ?? null);
  return (record, row) => {
    let target = record;
    let current: ParentRecord = { sobject, row };
    for (const hop of hops) {
      const parent = hop.follow(current.row);
      if (!parent) {
        target[hop.key] = null;
        return;
      }
      let nested = target[hop.key] as Record<string, unknown> | null | undefined;
      if (!nested) {
        nested = { attributes: { type: parent.sobject, url: `${urlBase}${parent.sobject}/${String(parent.row.Id ?? '')}` } };
        target[hop.key] = nested;
      }
      target = nested;
      current = parent;
    }
    target[key] = leaf(current.row, current.sobject) ?? null;
  };
}

function childColumn(query: SoqlQuery, describe: SoqlObjectDescribe, context: SoqlContext): { column: Column; relationshipName: string } {
  const relationship = findChildRelationship(describe, query.from.text);
  if (!relationship) throw unknownChildRelationship(query.from.text, query.from.position);
  const childDescribe = requireSObject(context.source, relationship.childSObject, query.from.position);
  const rowQuery = compileRowQuery(query, childDescribe, context);
  const build = compileSelect(query.select, childDescribe, context);
  const key = relationship.relationshipName;
  const parentField = relationship.field;
  // Children grouped by parent id on first use: one pass over the child rows for the whole result.
  let childrenByParent: Map<string, SoqlRow[]> | undefined;
  const group = (): Map<string, SoqlRow[]> => {
    const groups = new Map<string, SoqlRow[]>();
    for (const child of context.source.rows(childDescribe.name, { includeDeleted: context.includeDeleted })) {
      const parentId = child[parentField];
      if (typeof parentId !== 'string' || parentId === '' || !rowQuery.matches(child)) continue;
      const siblings = groups.get(idKey(parentId));
      if (siblings) siblings.push(child);
      else groups.set(idKey(parentId), [child]);
    }
    return groups;
  };
  const column: Column = (record, row) => {
    childrenByParent ??= group();
    const children = childrenByParent.get(idKey(String(row.Id))) ?? [];
    const selected = applyWindow(rowQuery.sort(children), rowQuery);
    record[key] = selected.length === 0 ? null : { totalSize: selected.length, done: true, records: selected.map(build) };
  };
  return { column, relationshipName: key };
}

/** `/services/data/v62.0/sobjects/`: every record's url starts with it. */
function sobjectsUrl(context: SoqlContext): string {
  return `/services/data/v${context.apiVersion.replace(/^v/i, '')}/sobjects/`;
}
