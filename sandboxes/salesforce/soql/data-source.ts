/**
 * The data-source half of the SOQL contract (see index.ts): what the sandbox server gives the
 * evaluator. Declared here rather than in index.ts so the evaluator's files can import these types
 * without an import cycle through index.ts (`npm run circular` checks for cycles).
 */
export type SoqlFieldType =
  | 'id' | 'reference' | 'string' | 'textarea' | 'email' | 'phone' | 'url' | 'picklist'
  | 'boolean' | 'int' | 'double' | 'currency' | 'percent' | 'date' | 'datetime';

export interface SoqlFieldDescribe {
  /** API name as Salesforce spells it (`SystemModstamp`, `Leadstage_Stage__c`). */
  name: string;
  type: SoqlFieldType;
  /** For `reference` fields: the relationship name used in dot paths (`Account` for `AccountId`, `Who` for `WhoId`). */
  relationshipName?: string;
  /** For `reference` fields: the sObjects it may point at (polymorphic: several, e.g. Who → Lead, Contact). */
  referenceTo?: string[];
}

export interface SoqlObjectDescribe {
  name: string;
  fields: SoqlFieldDescribe[];
  /** Child relationships usable in sub-queries: `OpportunityContactRoles` → OpportunityContactRole.OpportunityId. */
  childRelationships: { relationshipName: string; childSObject: string; field: string }[];
}

/** Rows are plain objects keyed by the field's API name; dates/datetimes are ISO strings (`2026-11-27T12:00:00.000+0000`). */
export type SoqlRow = Record<string, unknown>;

export interface SoqlDataSource {
  /** The sObject's describe, or undefined for an unknown sObject (→ INVALID_TYPE). Names are case-insensitive. */
  describe(sobject: string): SoqlObjectDescribe | undefined;
  /** Every row of an sObject; deleted rows (IsDeleted = true) are included only for queryAll. */
  rows(sobject: string, options: { includeDeleted: boolean }): Iterable<SoqlRow>;
  /** A row by id, for parent dot paths (`Account.Industry`, `Who.Type`); undefined if absent. */
  byId(id: string): { sobject: string; row: SoqlRow } | undefined;
}
