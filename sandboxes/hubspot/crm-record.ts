/** The stored shape of any CRM object: HubSpot keeps every property value as a string. */
export interface CrmRecord {
  id: string;
  properties: Record<string, string>;
  createdAt: string;
  updatedAt: string;
}
