/**
 * The parsed shape of a SOQL query. The parser checks only the grammar; names are resolved against
 * the describe when the query is compiled (evaluate.ts), as Salesforce reports syntax errors before
 * unknown fields.
 */
import type { SoqlPosition } from './soql-error';

/** A name as written in the query, with where it was written (for error messages). */
export interface SoqlName {
  text: string;
  position: SoqlPosition;
}

/** `Email`, `Account.Industry`, `Who.Type`: the dot-separated names as written. */
export interface SoqlFieldPath {
  segments: SoqlName[];
  position: SoqlPosition;
}

export type SoqlSelectItem =
  | { kind: 'field'; path: SoqlFieldPath }
  /** `COUNT()`: only alone in the select list; the result is a count, not records. */
  | { kind: 'count'; position: SoqlPosition }
  /** `(SELECT … FROM <child relationship> …)`: the parent's related children. */
  | { kind: 'subquery'; query: SoqlQuery; position: SoqlPosition };

/** Relative date keywords; `n` for the `_N_` forms. Ranges are resolved against `now` at execution. */
export type SoqlDateKeyword = 'TODAY' | 'YESTERDAY' | 'TOMORROW' | 'LAST_N_DAYS' | 'NEXT_N_DAYS';

export type SoqlLiteral = (
  | { kind: 'string'; value: string; /** the text between the quotes, escapes kept, for LIKE */ raw: string }
  | { kind: 'number'; value: number }
  | { kind: 'boolean'; value: boolean }
  | { kind: 'null' }
  /** Days since 1970-01-01 (UTC). */
  | { kind: 'date'; day: number }
  /** Epoch milliseconds. */
  | { kind: 'datetime'; millis: number }
  | { kind: 'dateKeyword'; keyword: SoqlDateKeyword; n: number }
) & { text: string; position: SoqlPosition };

export type SoqlComparisonOperator = '=' | '!=' | '<' | '<=' | '>' | '>=' | 'LIKE';

export type SoqlCondition =
  | { kind: 'and' | 'or'; operands: SoqlCondition[] }
  | { kind: 'not'; operand: SoqlCondition }
  | { kind: 'comparison'; field: SoqlFieldPath; operator: SoqlComparisonOperator; value: SoqlLiteral; operatorPosition: SoqlPosition }
  | { kind: 'in'; field: SoqlFieldPath; negated: boolean; values: SoqlLiteral[] }
  /** `Id IN (SELECT ContactId FROM OpportunityContactRole …)`. */
  | { kind: 'semiJoin'; field: SoqlFieldPath; negated: boolean; query: SoqlQuery };

export interface SoqlOrderItem {
  path: SoqlFieldPath;
  descending: boolean;
  nullsFirst: boolean;
}

export interface SoqlQuery {
  select: SoqlSelectItem[];
  /** The sObject; in a child sub-query, the child relationship name (`OpportunityContactRoles`). */
  from: SoqlName;
  where?: SoqlCondition;
  orderBy: SoqlOrderItem[];
  limit?: number;
  offset?: number;
}

/** `Account.Owner.Name` as written, for messages. */
export function pathText(path: SoqlFieldPath): string {
  return path.segments.map((segment) => segment.text).join('.');
}
