/**
 * The SOQL subset the Salesforce sandbox answers: a real lexer, parser and evaluator (not string
 * matching), so the connector's queries are checked the way Salesforce checks them.
 *
 * CONTRACT between the SOQL module (parse/evaluate) and the sandbox server (data source, paging).
 * The implementation lives in the sibling files; this file only re-exports it.
 */
export type {
  SoqlDataSource,
  SoqlFieldDescribe,
  SoqlFieldType,
  SoqlObjectDescribe,
  SoqlRow,
} from './data-source';

export { SoqlError, type SoqlErrorCode, type SoqlPosition } from './soql-error';
export { parseSoql, type SoqlQuery } from './parser';
export { executeSoql, type SoqlResult, type SoqlResultRecord, type ExecuteOptions } from './evaluate';
