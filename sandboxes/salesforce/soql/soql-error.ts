/**
 * The errors a SOQL query can fail with, carrying Salesforce's `errorCode` so the sandbox server can
 * answer `400 [{ message, errorCode }]` exactly as the REST API does.
 */
export type SoqlErrorCode = 'MALFORMED_QUERY' | 'INVALID_FIELD' | 'INVALID_TYPE' | 'INVALID_QUERY_FILTER_OPERATOR';

/** Where in the query text the problem is: line from 1, column from 0 (as Salesforce's parser reports it). */
export interface SoqlPosition {
  line: number;
  column: number;
}

export class SoqlError extends Error {
  override readonly name = 'SoqlError';

  constructor(
    readonly errorCode: SoqlErrorCode,
    message: string,
    readonly position?: SoqlPosition,
  ) {
    super(message);
  }

  /** The REST API's error body for this error (sent with HTTP 400). */
  toBody(): { message: string; errorCode: SoqlErrorCode }[] {
    return [{ message: this.message, errorCode: this.errorCode }];
  }
}

export function malformed(message: string, position?: SoqlPosition): SoqlError {
  return new SoqlError('MALFORMED_QUERY', message, position);
}

/** A token the grammar does not allow here; Salesforce's wording, prefixed with the position. */
export function unexpectedToken(text: string, position: SoqlPosition, hint?: string): SoqlError {
  const where = `line ${position.line}:${position.column}`;
  const shown = text === '' ? '<EOF>' : text.startsWith("'") ? text : `'${text}'`; // a string token has its quotes
  return malformed(`${where} unexpected token: ${shown}${hint ? ` (${hint})` : ''}`, position);
}

// Salesforce ends every unknown-name message with this
const DESCRIBE_HINT = 'Please reference your WSDL or the describe call for the appropriate names.';

export function noSuchColumn(field: string, sobject: string, position?: SoqlPosition): SoqlError {
  const hint = "If you are attempting to use a custom field, be sure to append the '__c' after the custom field name.";
  return new SoqlError('INVALID_FIELD', `No such column '${field}' on entity '${sobject}'. ${hint} ${DESCRIBE_HINT}`, position);
}

export function unknownRelationship(relationship: string, position?: SoqlPosition): SoqlError {
  const hint = "If you are attempting to use a custom relationship, be sure to append the '__r' after the custom relationship name.";
  return new SoqlError('INVALID_FIELD', `Didn't understand relationship '${relationship}' in field path. ${hint} ${DESCRIBE_HINT}`, position);
}

export function unsupportedSObject(sobject: string, position?: SoqlPosition): SoqlError {
  const hint = "If you are attempting to use a custom object, be sure to append the '__c' after the entity name.";
  return new SoqlError('INVALID_TYPE', `sObject type '${sobject}' is not supported. ${hint} ${DESCRIBE_HINT}`, position);
}

export function unknownChildRelationship(relationship: string, position?: SoqlPosition): SoqlError {
  const hint = "If you are attempting to use a custom relationship, be sure to append the '__r' after the custom relationship name.";
  return new SoqlError('INVALID_TYPE', `Didn't understand relationship '${relationship}' in FROM part of query call. ${hint} ${DESCRIBE_HINT}`, position);
}
