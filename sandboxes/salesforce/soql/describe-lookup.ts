/**
 * Case-insensitive lookups in a describe: SOQL names ignore case, results use the describe's spelling.
 * The maps are built once per describe object and kept while it lives.
 */
import type { SoqlDataSource, SoqlFieldDescribe, SoqlObjectDescribe } from './data-source';
import { unsupportedSObject, type SoqlPosition } from './soql-error';

interface DescribeIndex {
  fields: Map<string, SoqlFieldDescribe>;
  /** Reference fields by their relationship name (`account` → AccountId). */
  relationships: Map<string, SoqlFieldDescribe>;
  childRelationships: Map<string, SoqlObjectDescribe['childRelationships'][number]>;
}

const indexes = new WeakMap<SoqlObjectDescribe, DescribeIndex>();

function indexOf(describe: SoqlObjectDescribe): DescribeIndex {
  let index = indexes.get(describe);
  if (!index) {
    index = { fields: new Map(), relationships: new Map(), childRelationships: new Map() };
    for (const field of describe.fields) {
      index.fields.set(field.name.toLowerCase(), field);
      if (field.relationshipName) index.relationships.set(field.relationshipName.toLowerCase(), field);
    }
    for (const child of describe.childRelationships) index.childRelationships.set(child.relationshipName.toLowerCase(), child);
    indexes.set(describe, index);
  }
  return index;
}

export function findField(describe: SoqlObjectDescribe, name: string): SoqlFieldDescribe | undefined {
  return indexOf(describe).fields.get(name.toLowerCase());
}

export function findRelationship(describe: SoqlObjectDescribe, relationshipName: string): SoqlFieldDescribe | undefined {
  return indexOf(describe).relationships.get(relationshipName.toLowerCase());
}

export function findChildRelationship(describe: SoqlObjectDescribe, relationshipName: string) {
  return indexOf(describe).childRelationships.get(relationshipName.toLowerCase());
}

/** The describe of an sObject the query names, or INVALID_TYPE as Salesforce answers for an unknown one. */
export function requireSObject(source: SoqlDataSource, name: string, position?: SoqlPosition): SoqlObjectDescribe {
  const describe = source.describe(name);
  if (!describe) throw unsupportedSObject(name, position);
  return describe;
}
