/** Public surface of the HubSpot connector (the sandbox has its own: ./sandbox). */
export { createHubSpotConnector, HUBSPOT_STREAMS, type HubSpotConnectorOptions, type HubSpotConnectorLogger, type HubSpotStream } from './hubspot-connector';
export { HubSpotApiError } from './hubspot-api-error';
export type { FetchLimiter, RequestKind } from './hubspot-http';
export { loadHubSpotDefaultMappings, loadHubSpotMappingsFile, parseHubSpotMappings, HubSpotMappingError } from './mapping/load-mappings';
export type { HubSpotFieldMapping } from './mapping/mapping-schema';
export { normaliseCountry } from '../../src/connector/shared/country.util';
export { LEADSTAGE_GROUP, LEADSTAGE_PROPERTIES } from './schema/leadstage-properties.constant';
export { searchModifiedWindow, SEARCH_RESULT_CAP, type WindowCursor } from './streams/modified-window-search';
