import { Client } from '@hubspot/api-client';
import { Connection } from 'jsforce';
import type { Queryable } from '../src/store';
import type { OrgAccess } from './demo-funnel-salesforce';

/**
 * The demo's SLA act: reps answer (or not) the handoffs of the first pass through each CRM's real
 * API, and what Leadstage made of it is read from its store and back from the records.
 */

/** What the owner of a handoff does: calls within the first-touch window, calls late, or never. */
export type RepBehaviour = 'on time' | 'late' | 'never';

/** 4 in 10 handoffs are answered on time, 3 late, 3 never, by a hash of the seed and the record id. */
export function repBehaviour(seed: number, crmId: string): RepBehaviour {
  // FNV-1a: the same share in every run, whatever order the records were synced in
  let hash = 0x811c9dc5;
  for (const char of `${seed}:${crmId}`) hash = Math.imul(hash ^ char.charCodeAt(0), 0x01000193) >>> 0;
  const slot = hash % 10;
  return slot < 4 ? 'on time' : slot < 7 ? 'late' : 'never';
}

export interface DemoHandoff {
  crmId: string;
  ownerId: string | null;
  firstTouchDueAt: number;
}

/** The rep handoffs still waiting for their first touch, by record id (never by a random uuid). */
export async function pendingHandoffs(db: Queryable, installationId: string): Promise<DemoHandoff[]> {
  const { rows } = await db.query<{ crm_id: string; owner_id: string | null; first_touch_due_at: Date | string }>(
    `SELECT min(i.crm_id) AS crm_id, h.owner_id, h.first_touch_due_at
       FROM sla_handoffs h
       JOIN person_identities i ON i.installation_id = h.installation_id AND i.person_id = h.person_id
                               AND i.retired_at IS NULL AND i.object_type IN ('contact', 'lead')
      WHERE h.installation_id = $1 AND h.kind = 'handoff' AND h.status = 'pending' AND h.closed_at IS NULL
      GROUP BY h.id, h.owner_id, h.first_touch_due_at
      ORDER BY 1`,
    [installationId],
  );
  return rows.map((r) => ({ crmId: r.crm_id, ownerId: r.owner_id, firstTouchDueAt: new Date(r.first_touch_due_at).getTime() }));
}

/** Where a rep logs a call, and where the records' SLA status is read back. */
export interface RepDesk {
  /** The incremental stream that brings the rep's logged calls in. */
  stream: string;
  /** Logs a completed call on the handoff's record, by its owner, at the CRM's clock. */
  logCall(handoff: DemoHandoff): Promise<void>;
  /** Leadstage's SLA status on the records, read through the API (records without one left out). */
  slaStatuses(): Promise<Map<string, number>>;
}

const tally = (counts: Map<string, number>, status: string | null | undefined) => {
  if (status) counts.set(status, (counts.get(status) ?? 0) + 1);
};

/** HubSpot: a call engagement associated with the contact (call→contact 194), by the contact's owner. */
export function hubspotDesk(basePath: string, accessToken: string, portalNow: () => number): RepDesk {
  return {
    stream: 'calls',
    async logCall(handoff) {
      const properties: Record<string, string> = { hs_timestamp: new Date(portalNow()).toISOString(), hs_call_title: 'Intro call', hs_call_status: 'COMPLETED' };
      if (handoff.ownerId) properties.hubspot_owner_id = handoff.ownerId;
      const body = JSON.stringify({ properties, associations: [{ to: { id: handoff.crmId }, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 194 }] }] });
      for (;;) {
        const response = await fetch(`${basePath}/crm/v3/objects/calls`, { method: 'POST', headers: { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json' }, body });
        // the demo's reps share the portal's rate limit: a 429 waits for the next window
        if (response.status === 429) {
          await new Promise((resolve) => setTimeout(resolve, 1_000));
          continue;
        }
        if (response.status !== 201) throw new Error(`logging a call on HubSpot contact ${handoff.crmId} answered ${response.status}: ${await response.text()}`);
        return;
      }
    },
    async slaStatuses() {
      const client = new Client({ accessToken, basePath, numberOfApiCallRetries: 3 });
      const counts = new Map<string, number>();
      let after: string | undefined;
      do {
        const page = await client.crm.contacts.basicApi.getPage(100, after, ['leadstage_sla_status']);
        for (const contact of page.results) tally(counts, contact.properties.leadstage_sla_status);
        after = page.paging?.next?.after;
      } while (after);
      return counts;
    },
  };
}

/**
 * Salesforce: a completed call Task on the lead or contact, owned by its owner. `access` signs in
 * anew: a session does not outlive the days the demo's clock moves on.
 */
export function salesforceDesk(access: () => OrgAccess, orgNow: () => number): RepDesk {
  let signedIn: { at: number; conn: Connection } | null = null;
  const connection = (orgNow: number) => {
    if (signedIn?.at !== orgNow) {
      const org = access();
      signedIn = { at: orgNow, conn: new Connection({ instanceUrl: org.instanceUrl, accessToken: org.accessToken, version: org.apiVersion }) };
    }
    return signedIn.conn;
  };
  return {
    stream: 'tasks',
    async logCall(handoff) {
      const task: Record<string, string> = { WhoId: handoff.crmId, Subject: 'Intro call', TaskSubtype: 'Call', Status: 'Completed' };
      if (handoff.ownerId?.startsWith('005')) task.OwnerId = handoff.ownerId;
      const result = await connection(orgNow()).sobject('Task').create(task);
      if (!result.success) throw new Error(`logging a call Task on Salesforce record ${handoff.crmId} failed: ${JSON.stringify(result.errors)}`);
    },
    async slaStatuses() {
      const conn = connection(orgNow());
      const counts = new Map<string, number>();
      for (const soql of ['SELECT Leadstage_SLA_Status__c FROM Lead WHERE IsConverted = false AND Leadstage_SLA_Status__c != null', 'SELECT Leadstage_SLA_Status__c FROM Contact WHERE Leadstage_SLA_Status__c != null']) {
        let page = await conn.query<{ Leadstage_SLA_Status__c: string | null }>(soql);
        for (const row of page.records) tally(counts, row.Leadstage_SLA_Status__c);
        while (!page.done && page.nextRecordsUrl) {
          page = await conn.queryMore<{ Leadstage_SLA_Status__c: string | null }>(page.nextRecordsUrl);
          for (const row of page.records) tally(counts, row.Leadstage_SLA_Status__c);
        }
      }
      return counts;
    },
  };
}

/** One installation's rep handoffs as the store has them: statuses, and the SLA tasks created. */
export interface SlaFigures {
  opened: number;
  byStatus: Map<string, number>;
  metOnTime: number;
  metLate: number;
  escalated: number;
  escalationTasks: number;
  cadenceTasks: number;
  expired: number;
  recycled: number;
  open: number;
}

export async function slaFigures(db: Queryable, installationId: string): Promise<SlaFigures> {
  const one = async (sql: string) => (await db.query<{ n: number }>(sql, [installationId])).rows[0]?.n ?? 0;
  const handoffs = `FROM sla_handoffs h WHERE h.installation_id = $1 AND h.kind = 'handoff'`;
  const statuses = await db.query<{ status: string; n: number }>(`SELECT h.status, count(*)::int AS n ${handoffs} GROUP BY h.status`, [installationId]);
  return {
    opened: await one(`SELECT count(*)::int AS n ${handoffs}`),
    byStatus: new Map(statuses.rows.map((r) => [r.status, r.n])),
    // touched by the due time, or after it but before the escalation (a breached handoff touched later stays breached)
    metOnTime: await one(`SELECT count(*)::int AS n ${handoffs} AND h.first_touched_at <= h.first_touch_due_at`),
    metLate: await one(`SELECT count(*)::int AS n ${handoffs} AND h.first_touched_at > h.first_touch_due_at AND h.escalated_at IS NULL`),
    escalated: await one(`SELECT count(*)::int AS n ${handoffs} AND h.escalated_at IS NOT NULL`),
    escalationTasks: await one(`SELECT count(*)::int AS n FROM tasks WHERE installation_id = $1 AND kind = 'escalation' AND status = 'created'`),
    cadenceTasks: await one(`SELECT count(*)::int AS n FROM tasks WHERE installation_id = $1 AND kind = 'cadence' AND status = 'created'`),
    expired: await one(`SELECT count(*)::int AS n ${handoffs} AND h.outcome = 'expired'`),
    recycled: await one(`SELECT count(*)::int AS n ${handoffs} AND h.outcome = 'expired' AND EXISTS (SELECT 1 FROM person_state s WHERE s.person_id = h.person_id AND s.stage = 'nurture')`),
    open: await one(`SELECT count(*)::int AS n ${handoffs} AND h.closed_at IS NULL`),
  };
}

const STATUS_ORDER = ['pending', 'met', 'met_late', 'breached', 'expired', 'closed'];

/** "met 41, met late 3, breached 12, pending 50": the statuses a handoff has, in the machine's order. */
export function renderStatuses(counts: Map<string, number>): string {
  const known = STATUS_ORDER.map((s) => [s, s.replace('_', ' ')] as const);
  const labels = new Set(known.flatMap(([s, label]) => [s, label]));
  const parts = known.map(([s, label]) => [label, (counts.get(s) ?? 0) + (s === label ? 0 : counts.get(label) ?? 0)] as const).filter(([, n]) => n > 0);
  // a status the machine does not know (the record's "held", "closed") after the known ones, by name
  for (const [status, n] of [...counts].filter(([s]) => !labels.has(s)).sort(([a], [b]) => (a < b ? -1 : 1))) parts.push([status, n]);
  return parts.length === 0 ? 'none' : parts.map(([label, n]) => `${label} ${n.toLocaleString('en-US')}`).join(', ');
}
