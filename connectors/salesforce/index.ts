/** Public surface of the Salesforce connector (the sandbox has its own: ./sandbox). */
export { createSalesforceConnector, type SalesforceConnectorLogger, type SalesforceConnectorOptions } from './salesforce-connector';
export {
  createSalesforceApi, DEFAULT_API_VERSION, type SalesforceApiHandle, type SalesforceApiOptions, type SalesforceFetchLimiter, type SalesforceRequestKind,
} from './salesforce-api';
export type * from './salesforce-api.types';
export { SalesforceApiError } from './salesforce-api-error';
export { createInMemoryTokenStore, type SalesforceTokens, type TokenStore } from './auth/token-store';
export { TokenRefresher } from './auth/token-refresher';
export { LEADSTAGE_FIELDS, TASK_KEY_FIELD } from './schema/leadstage-fields.constant';
export { SalesforceSchemaSetupRequired } from './schema/schema-setup-required.error';
export { SALESFORCE_STREAMS, type SalesforceStream, type SalesforceStreamOptions } from './streams';
export { loadSalesforceDefaultMappings, salesforceMappings, SalesforceMappingError, type SalesforceFieldMapping } from './mapping';
