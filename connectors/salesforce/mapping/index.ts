/** Salesforce mappings: the YAML file, its loader, the effective per-installation view and the record mappers. */
export {
  defaultSalesforceMappingsPath,
  loadSalesforceDefaultMappings,
  loadSalesforceMappingsFile,
  parseSalesforceMappings,
  SalesforceMappingError,
} from './load-mappings';
export { LEAD_STATUS_FIELD, SalesforceFieldMappings } from './field-mappings';
export {
  PERSON_FIELDS,
  SF_OBJECT_TYPES,
  WRITE_FIELDS,
  type CampaignMemberRule,
  type LeadStatusTransition,
  type RecordEventRule,
  type SalesforceFieldMapping,
  type SalesforceMappingConfig,
  type SalesforceObjectType,
  type TaskRule,
} from './mapping-schema';
export { NO_DEALS, recordEvents, recordToPerson, type DealSummary } from './record-to-person';
export { CAMPAIGN_MEMBER_FIELDS, TASK_FIELDS, campaignMemberToEvent, taskToEvent } from './activity-to-event';
export { comparableText, fieldValue, objectTypeOfId, toIsoDateTime } from './sf-record.util';

import type { FieldMapping } from '../../../src/connector/field-mapping';
import { SalesforceFieldMappings } from './field-mappings';
import { loadSalesforceDefaultMappings } from './load-mappings';

/** The shipped defaults with an installation's own mapping rows laid over them. */
export function salesforceMappings(overrides: readonly FieldMapping[] = []): SalesforceFieldMappings {
  return new SalesforceFieldMappings(loadSalesforceDefaultMappings(), overrides);
}
