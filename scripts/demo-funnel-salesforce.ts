import { Connection } from 'jsforce';
import type { PortalFunnel } from './demo-funnel';

export interface OrgAccess {
  instanceUrl: string;
  accessToken: string;
  apiVersion: string;
}

interface PersonRow extends Record<string, unknown> {
  Leadstage_Stage__c: string | null;
  Leadstage_Priority__c: string | null;
  Leadstage_Reasons__c: string | null;
}

/**
 * What reps see in Salesforce: Leadstage's fields on open Leads and on Contacts, and the Tasks it
 * created, read back through the REST API with SOQL (a converted Lead lives on as its Contact).
 */
export async function readOrgFunnel(org: OrgAccess): Promise<PortalFunnel> {
  const conn = new Connection({ instanceUrl: org.instanceUrl, accessToken: org.accessToken, version: org.apiVersion });
  const funnel: PortalFunnel = { contacts: 0, byStage: new Map(), exclusions: new Map(), tasks: 0, tasksAssociated: 0, unscored: 0 };
  const fields = 'Leadstage_Stage__c, Leadstage_Priority__c, Leadstage_Reasons__c';
  for (const soql of [`SELECT ${fields} FROM Lead WHERE IsConverted = false`, `SELECT ${fields} FROM Contact`]) {
    for (const row of await queryAllPages<PersonRow>(conn, soql)) {
      funnel.contacts++;
      const stage = row.Leadstage_Stage__c;
      if (!stage) {
        funnel.unscored++;
        continue;
      }
      const priority = row.Leadstage_Priority__c ?? 'cold';
      const byPriority = funnel.byStage.get(stage) ?? new Map<string, number>();
      byPriority.set(priority, (byPriority.get(priority) ?? 0) + 1);
      funnel.byStage.set(stage, byPriority);
      if (stage === 'disqualified' || stage === 'nurture') {
        const first = (row.Leadstage_Reasons__c ?? '').split('\n')[0]?.replace(/^[+-]?\d+\s+/, '').replace(/\s*\([^)]*\)/g, '') ?? '';
        if (first) funnel.exclusions.set(first, (funnel.exclusions.get(first) ?? 0) + 1);
      }
    }
  }
  for (const task of await queryAllPages<{ WhoId: string | null }>(conn, 'SELECT WhoId FROM Task WHERE Leadstage_Key__c != null')) {
    funnel.tasks++;
    if (task.WhoId) funnel.tasksAssociated++;
  }
  return funnel;
}

/** Every record of a query, following nextRecordsUrl page by page. */
async function queryAllPages<T extends Record<string, unknown>>(conn: Connection, soql: string): Promise<T[]> {
  let page = await conn.query<T>(soql);
  const records = [...page.records];
  while (!page.done && page.nextRecordsUrl) {
    page = await conn.queryMore<T>(page.nextRecordsUrl);
    records.push(...page.records);
  }
  return records;
}
