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

/** The org's Leads and Contacts, deleted ones included (queryAll), by what became of them. */
export interface OrgRecords {
  leads: { all: number; open: number; converted: number; merged: number; deleted: number };
  contacts: { all: number; live: number; merged: number; deleted: number };
}

interface RecordFate extends Record<string, unknown> {
  IsDeleted: boolean;
  MasterRecordId: string | null;
  IsConverted?: boolean;
}

/**
 * What became of every Lead and Contact, read with queryAll (deleted records included): open,
 * converted (the Lead lives on as its Contact), merged into another record (deleted, naming the
 * survivor in MasterRecordId), or deleted.
 */
export async function readOrgRecords(org: OrgAccess): Promise<OrgRecords> {
  const conn = new Connection({ instanceUrl: org.instanceUrl, accessToken: org.accessToken, version: org.apiVersion });
  const fate = (row: RecordFate) => (row.IsDeleted ? (row.MasterRecordId ? 'merged' : 'deleted') : row.IsConverted ? 'converted' : 'live');
  const tally = (rows: RecordFate[]) => {
    const counts = { all: rows.length, live: 0, converted: 0, merged: 0, deleted: 0 };
    for (const row of rows) counts[fate(row)]++;
    return counts;
  };
  const leads = tally(await queryAllPages<RecordFate>(conn, 'SELECT Id, IsDeleted, MasterRecordId, IsConverted FROM Lead', true));
  const contacts = tally(await queryAllPages<RecordFate>(conn, 'SELECT Id, IsDeleted, MasterRecordId FROM Contact', true));
  return {
    leads: { all: leads.all, open: leads.live, converted: leads.converted, merged: leads.merged, deleted: leads.deleted },
    contacts: { all: contacts.all, live: contacts.live, merged: contacts.merged, deleted: contacts.deleted },
  };
}

/** Every record of a query (with `deleted`, queryAll's), following nextRecordsUrl page by page. */
async function queryAllPages<T extends Record<string, unknown>>(conn: Connection, soql: string, deleted = false): Promise<T[]> {
  let page = await conn.query<T>(soql, deleted ? { scanAll: true } : {});
  const records = [...page.records];
  while (!page.done && page.nextRecordsUrl) {
    page = await conn.queryMore<T>(page.nextRecordsUrl);
    records.push(...page.records);
  }
  return records;
}
