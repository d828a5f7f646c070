/**
 * Every connector the app knows, one line each. This is the only file outside `connectors/<name>/`
 * that names a vendor (a test checks it): adding a system is a new folder that exports a
 * ConnectorModule, plus one line here.
 */
import { createConnectorRegistry } from '../src/connector/connector-registry';
import { hubspotConnectorModule } from './hubspot/connector-module';
import { salesforceConnectorModule } from './salesforce/connector-module';

export const connectorRegistry = createConnectorRegistry([
  hubspotConnectorModule,
  salesforceConnectorModule,
]);
