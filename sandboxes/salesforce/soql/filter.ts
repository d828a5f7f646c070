/**
 * Compiles a WHERE condition into one predicate closure: fields are resolved and literals turned into
 * keys once, so evaluating a row is key reads and comparisons. Null follows Salesforce: `= null` and
 * `!= null` test for a missing value, `!=` and NOT IN are true for a missing value, and every other
 * comparison with a missing value is false.
 */
import type { SoqlComparisonOperator, SoqlCondition, SoqlLiteral } from './ast';
import { keyFunction, type Key } from './compare';
import type { SoqlContext } from './context';
import { requireSObject } from './describe-lookup';
import { resolveFieldPath, type ResolvedField } from './field-path';
import type { SoqlFieldType, SoqlObjectDescribe, SoqlRow } from './data-source';
import { checkLiteralType, dateKeywordRange, literalKey } from './literal-type';
import { likePatternToRegExp } from './string-literal';
import { malformed, SoqlError } from './soql-error';

export type RowPredicate = (row: SoqlRow) => boolean;

/** Field types LIKE applies to (Salesforce refuses it on ids, numbers, dates and booleans). */
const LIKE_TYPES = new Set<SoqlFieldType>(['string', 'textarea', 'email', 'phone', 'url', 'picklist']);

export function compileCondition(condition: SoqlCondition, describe: SoqlObjectDescribe, context: SoqlContext): RowPredicate {
  switch (condition.kind) {
    case 'and':
      return allOf(condition.operands.map((operand) => compileCondition(operand, describe, context)));
    case 'or':
      return anyOf(condition.operands.map((operand) => compileCondition(operand, describe, context)));
    case 'not': {
      const operand = compileCondition(condition.operand, describe, context);
      return (row) => !operand(row);
    }
    case 'comparison':
      return compileComparison(condition, resolveFieldPath(condition.field, describe, context), context);
    case 'in':
      return compileInList(condition.values, condition.negated, resolveFieldPath(condition.field, describe, context));
    case 'semiJoin': {
      const field = resolveFieldPath(condition.field, describe, context);
      if (field.type !== 'id' && field.type !== 'reference') {
        throw malformed(`The left operand field in the where expression for outer query should be an id field, cannot use: '${field.text}'`, condition.field.position);
      }
      const subDescribe = requireSObject(context.source, condition.query.from.text, condition.query.from.position);
      return matchesKeySet(field, context.semiJoinValues(condition.query, subDescribe), false, condition.negated);
    }
  }
}

// plain loops: the evaluator runs these per row, and a callback per row would allocate a closure each time
function allOf(operands: RowPredicate[]): RowPredicate {
  return (row) => {
    for (const operand of operands) if (!operand(row)) return false;
    return true;
  };
}

function anyOf(operands: RowPredicate[]): RowPredicate {
  return (row) => {
    for (const operand of operands) if (operand(row)) return true;
    return false;
  };
}

function compileComparison(
  condition: Extract<SoqlCondition, { kind: 'comparison' }>,
  field: ResolvedField,
  context: SoqlContext,
): RowPredicate {
  const { operator, value: literal } = condition;
  const toKey = keyFunction(field.type);
  const read = field.read;
  if (operator === 'LIKE') return compileLike(literal, field);
  checkLiteralType(literal, field);
  if (literal.kind === 'null') {
    if (operator === '=') return (row) => toKey(read(row)) === null;
    if (operator === '!=') return (row) => toKey(read(row)) !== null;
    throw new SoqlError('INVALID_QUERY_FILTER_OPERATOR', `invalid operator on null: '${field.text} ${operator} null'; use = null or != null`, condition.operatorPosition);
  }
  if (literal.kind === 'dateKeyword') {
    const { from, to } = dateKeywordRange(literal, field, context.now);
    const inRange = RANGE_TESTS[operator];
    return (row) => {
      const key = toKey(read(row));
      if (key === null) return operator === '!=';
      return inRange(key as number, from, to);
    };
  }
  const target = literalKey(literal, field.type);
  const test = KEY_TESTS[operator];
  const missing = operator === '!='; // `x != 'a'` holds when x is null, as in Salesforce
  return (row) => {
    const key = toKey(read(row));
    return key === null ? missing : test(key, target);
  };
}

const KEY_TESTS: Record<Exclude<SoqlComparisonOperator, 'LIKE'>, (key: Key, target: Key) => boolean> = {
  '=': (key, target) => key === target,
  '!=': (key, target) => key !== target,
  '<': (key, target) => key < target,
  '<=': (key, target) => key <= target,
  '>': (key, target) => key > target,
  '>=': (key, target) => key >= target,
};

/** A date keyword is a range of days `[from, to)`: `= TODAY` is inside it, `> TODAY` after it, and so on. */
const RANGE_TESTS: Record<Exclude<SoqlComparisonOperator, 'LIKE'>, (key: number, from: number, to: number) => boolean> = {
  '=': (key, from, to) => key >= from && key < to,
  '!=': (key, from, to) => key < from || key >= to,
  '<': (key, from) => key < from,
  '<=': (key, _from, to) => key < to,
  '>': (key, _from, to) => key >= to,
  '>=': (key, from) => key >= from,
};

function compileLike(literal: SoqlLiteral, field: ResolvedField): RowPredicate {
  if (!LIKE_TYPES.has(field.type)) {
    throw new SoqlError(
      'INVALID_QUERY_FILTER_OPERATOR',
      `invalid operator on field '${field.text}': LIKE applies to text fields, not ${field.type}`,
      literal.position,
    );
  }
  if (literal.kind !== 'string') {
    throw malformed(`value of filter criterion for field '${field.text}' must be of type string and should be enclosed in quotes`, literal.position);
  }
  const pattern = likePatternToRegExp(literal.raw);
  const read = field.read;
  return (row) => {
    const value = read(row);
    return value !== null && value !== undefined && value !== '' && pattern.test(String(value));
  };
}

function compileInList(values: SoqlLiteral[], negated: boolean, field: ResolvedField): RowPredicate {
  const keys = new Set<Key>();
  let includesNull = false;
  for (const literal of values) {
    checkLiteralType(literal, field);
    if (literal.kind === 'null') includesNull = true;
    else if (literal.kind === 'dateKeyword') {
      throw malformed(`date keywords such as ${literal.text} are not supported in IN lists by this sandbox`, literal.position);
    } else keys.add(literalKey(literal, field.type));
  }
  return matchesKeySet(field, keys, includesNull, negated);
}

function matchesKeySet(field: ResolvedField, keys: ReadonlySet<Key>, includesNull: boolean, negated: boolean): RowPredicate {
  const toKey = keyFunction(field.type);
  const read = field.read;
  return (row) => {
    const key = toKey(read(row));
    const hit = key === null ? includesNull : keys.has(key);
    return hit !== negated;
  };
}
