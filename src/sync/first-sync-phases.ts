import type { CrmConnector } from '../connector/crm-connector';

/** The connector's first-sync phases (CrmConnector.firstSyncPhases), or one phase of all its streams. */
export function firstSyncPhases(connector: Pick<CrmConnector, 'streams' | 'firstSyncPhases'>): readonly (readonly string[])[] {
  return connector.firstSyncPhases && connector.firstSyncPhases.length > 0 ? connector.firstSyncPhases : [connector.streams];
}
