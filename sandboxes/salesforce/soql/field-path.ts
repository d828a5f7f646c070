/**
 * Resolves a field path (`Email`, `Account.Owner.Name`, `Who.Type`) against the describe once, at
 * compile time, into readers the evaluator calls per row. Parents are found with the data source's
 * `byId`; a polymorphic relationship (Who → Lead | Contact) is resolved on the actual parent, and its
 * `Type` is the parent's sObject name, as Salesforce's `Name` pseudo-object gives it.
 */
import type { SoqlFieldPath } from './ast';
import { pathText } from './ast';
import type { SoqlContext } from './context';
import { findField, findRelationship, requireSObject } from './describe-lookup';
import type { SoqlFieldType, SoqlObjectDescribe, SoqlRow } from './data-source';
import { noSuchColumn, SoqlError, unknownRelationship } from './soql-error';

export interface ParentRecord {
  /** The parent's sObject as its describe spells it. */
  sobject: string;
  row: SoqlRow;
}

/** One step from a row to the parent a reference field points at. */
export interface ParentHop {
  /** The relationship name as described (`Account`), the key in the result record. */
  key: string;
  follow(row: SoqlRow): ParentRecord | undefined;
}

export interface ResolvedField {
  hops: ParentHop[];
  /** The last name's key in the result record (`Industry`). */
  key: string;
  /** The type comparisons and sorting use. */
  type: SoqlFieldType;
  /** The value on the row that owns the field (the last parent, or the row itself). */
  leaf(row: SoqlRow, sobject: string): unknown;
  /** The value for the whole path from the queried row; null when a parent on the way is missing. */
  read(row: SoqlRow): unknown;
  /** The path in described spelling, lower-cased: two spellings of one field compare equal. */
  identity: string;
  /** As written in the query, for messages. */
  text: string;
}

/** Salesforce's pseudo-object behind polymorphic relationships; its name shows in error messages. */
const POLYMORPHIC_ENTITY = 'Name';

export function resolveFieldPath(path: SoqlFieldPath, describe: SoqlObjectDescribe, context: SoqlContext): ResolvedField {
  const hops: ParentHop[] = [];
  const keys: string[] = [];
  let current = describe;
  const segments = path.segments;
  for (let i = 0; i < segments.length - 1; i++) {
    const segment = segments[i]!;
    const reference = findRelationship(current, segment.text);
    const targets = reference?.referenceTo ?? [];
    if (!reference || targets.length === 0) throw unknownRelationship(segment.text, segment.position);
    hops.push(parentHop(reference.relationshipName ?? reference.name, reference.name, targets, context));
    keys.push(reference.relationshipName ?? reference.name);
    if (targets.length > 1) {
      if (i !== segments.length - 2) {
        throw new SoqlError(
          'INVALID_FIELD',
          `Polymorphic relationship '${segment.text}' can only be followed by one field in '${pathText(path)}'`,
          segment.position,
        );
      }
      const leaf = polymorphicLeaf(segments[i + 1]!.text, targets, context, segments[i + 1]!.position);
      return finish(path, describe, hops, [...keys, leaf.key], leaf);
    }
    current = requireSObject(context.source, targets[0]!, segment.position);
  }
  const last = segments[segments.length - 1]!;
  const field = findField(current, last.text);
  if (!field) throw noSuchColumn(last.text, current.name, last.position);
  const name = field.name;
  return finish(path, describe, hops, [...keys, name], { key: name, type: field.type, leaf: (row) => row[name] });
}

type Leaf = Pick<ResolvedField, 'key' | 'type' | 'leaf'>;

function finish(path: SoqlFieldPath, describe: SoqlObjectDescribe, hops: ParentHop[], keys: string[], leaf: Leaf): ResolvedField {
  const read = hops.length === 0 ? (row: SoqlRow) => leaf.leaf(row, describe.name) : readThroughParents(hops, leaf, describe.name);
  return { hops, ...leaf, read, identity: keys.join('.').toLowerCase(), text: pathText(path) };
}

function readThroughParents(hops: ParentHop[], leaf: Leaf, sobject: string): (row: SoqlRow) => unknown {
  return (row) => {
    let current: ParentRecord = { sobject, row };
    for (const hop of hops) {
      const parent = hop.follow(current.row);
      if (!parent) return null;
      current = parent;
    }
    return leaf.leaf(current.row, current.sobject);
  };
}

function parentHop(key: string, referenceField: string, targets: string[], context: SoqlContext): ParentHop {
  const allowed = new Set(targets.map((target) => target.toLowerCase()));
  const spelling = new Map<string, string>();
  return {
    key,
    follow(row) {
      const id = row[referenceField];
      if (typeof id !== 'string' || id === '') return undefined;
      const found = context.source.byId(id);
      if (!found || !allowed.has(found.sobject.toLowerCase())) return undefined;
      let sobject = spelling.get(found.sobject);
      if (sobject === undefined) {
        sobject = context.source.describe(found.sobject)?.name ?? found.sobject;
        spelling.set(found.sobject, sobject);
      }
      return { sobject, row: found.row };
    },
  };
}

/** A field after a polymorphic relationship: checked against every possible parent, read on the actual one. */
function polymorphicLeaf(name: string, targets: string[], context: SoqlContext, position: SoqlFieldPath['position']): Leaf {
  if (name.toLowerCase() === 'type') return { key: 'Type', type: 'string', leaf: (_row, sobject) => sobject };
  const candidates = targets.map((target) => context.source.describe(target)).flatMap((d) => (d ? [d] : []));
  const described = candidates.map((candidate) => findField(candidate, name)).find((field) => field !== undefined);
  if (!described) throw noSuchColumn(name, POLYMORPHIC_ENTITY, position);
  const fieldOnParent = new Map<string, string | undefined>();
  return {
    key: described.name,
    type: described.type,
    leaf(row, sobject) {
      if (!fieldOnParent.has(sobject)) {
        const parentDescribe = context.source.describe(sobject);
        fieldOnParent.set(sobject, parentDescribe && findField(parentDescribe, name)?.name);
      }
      const field = fieldOnParent.get(sobject);
      return field === undefined ? null : row[field];
    },
  };
}
