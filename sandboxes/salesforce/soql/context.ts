/**
 * What compiling a query needs besides the query itself: the data, the execution options, and a way to
 * run a semi-join's sub-select (provided by row-query.ts, which the filter compiler cannot import
 * without a cycle).
 */
import type { SoqlQuery } from './ast';
import type { SoqlDataSource, SoqlObjectDescribe } from './data-source';

export interface SoqlContext {
  source: SoqlDataSource;
  includeDeleted: boolean;
  apiVersion: string;
  /** Epoch ms that TODAY, LAST_N_DAYS… are relative to. */
  now: number;
  /** The keys (compare.ts) of the values the semi-join's single selected field takes. */
  semiJoinValues(query: SoqlQuery, describe: SoqlObjectDescribe): ReadonlySet<string>;
}
