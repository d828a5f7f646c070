import { readFileSync } from 'node:fs';
import type { Person } from '../../../src/model/person';
import { saveCampaignCost } from '../../../src/reports';
import type { Store } from '../../../src/store';
import { seedWorkspace } from './store-harness';

/**
 * A small workspace whose every report figure can be counted by hand (the expected numbers are in
 * test/integration/reports.integration.test.ts, each with its count), and a second workspace with
 * data of its own that no report of the first may show.
 *
 * Now is Wednesday 2026-12-02 12:00 UTC; the week of now starts Monday 2026-11-30.
 *   p1 Paid search / Winter: contact→lead Nov 2, →mql Nov 3, →sql Nov 4, →opportunity Nov 10, →customer Nov 20; won 5000
 *   p2 Paid search / Winter: →lead Nov 2, →mql Nov 5, →sql Dec 1; now sql
 *   p3 Paid search / Spring: →lead Nov 2, →mql Nov 23, →nurture Nov 24 "rejected by sales: bad timing"
 *   p4 Webinar:             →lead Nov 2, →disqualified Nov 3 "competitor domain"
 *   p5 (no source):         lead, no transition
 *   p6 Webinar:             →lead Nov 2, →mql Dec 1 10:00, →nurture Dec 2 09:00 "rejected by sales: bad timing"
 */
export const REPORT_NOW = new Date('2026-12-02T12:00:00.000Z');

export interface ReportFixture {
  workspaceId: string;
  installationId: string;
  otherWorkspaceId: string;
  people: Record<'p1' | 'p2' | 'p3' | 'p4' | 'p5' | 'p6', string>;
}

type Move = [from: string, to: string, at: string, reason?: string];

const PEOPLE: Record<keyof ReportFixture['people'], { stage: string; person: Partial<Person>; moves: Move[] }> = {
  p1: {
    stage: 'customer',
    person: { source: 'Paid search', campaign: 'Winter', deals: { open: 0, won: 1, wonAmount: 5000 } },
    moves: [['contact', 'lead', '2026-11-02T10:00:00Z'], ['lead', 'mql', '2026-11-03T10:00:00Z'], ['mql', 'sql', '2026-11-04T10:00:00Z'], ['sql', 'opportunity', '2026-11-10T10:00:00Z'], ['opportunity', 'customer', '2026-11-20T10:00:00Z']],
  },
  p2: { stage: 'sql', person: { source: 'Paid search', campaign: 'Winter' }, moves: [['contact', 'lead', '2026-11-02T10:00:00Z'], ['lead', 'mql', '2026-11-05T10:00:00Z'], ['mql', 'sql', '2026-12-01T10:00:00Z']] },
  p3: { stage: 'nurture', person: { source: 'Paid search', campaign: 'Spring' }, moves: [['contact', 'lead', '2026-11-02T10:00:00Z'], ['lead', 'mql', '2026-11-23T10:00:00Z'], ['mql', 'nurture', '2026-11-24T10:00:00Z', 'rejected by sales: bad timing']] },
  p4: { stage: 'disqualified', person: { source: 'Webinar' }, moves: [['contact', 'lead', '2026-11-02T10:00:00Z'], ['lead', 'disqualified', '2026-11-03T10:00:00Z', 'competitor domain']] },
  p5: { stage: 'lead', person: {}, moves: [] },
  p6: { stage: 'nurture', person: { source: 'Webinar' }, moves: [['contact', 'lead', '2026-11-02T10:00:00Z'], ['lead', 'mql', '2026-12-01T10:00:00Z'], ['mql', 'nurture', '2026-12-02T09:00:00Z', 'rejected by sales: bad timing']] },
};

async function insertState(store: Store, workspaceId: string, personId: string, stage: string, moves: Move[]): Promise<void> {
  await store.db.query(
    `INSERT INTO person_state (person_id, workspace_id, stage, decision, rulebook_version, decided_at) VALUES ($1, $2, $3, $4, 'test', $5)`,
    [personId, workspaceId, stage, JSON.stringify({ stage, history: [] }), REPORT_NOW.toISOString()],
  );
  for (const [from, to, at, reason] of moves) {
    await store.db.query(
      `INSERT INTO stage_transitions (workspace_id, person_id, from_stage, to_stage, reason, at, rulebook_version) VALUES ($1, $2, $3, $4, $5, $6, 'test')`,
      [workspaceId, personId, from, to, reason ?? `${to} reached`, at],
    );
  }
}

async function insertHandoff(store: Store, installationId: string, personId: string, h: { key: string; kind?: string; owner: string | null; team: string | null; status: string; started: string; touched?: string }): Promise<void> {
  await store.db.query(
    `INSERT INTO sla_handoffs (workspace_id, installation_id, person_id, handoff_key, kind, started_at, first_touch_due_at, owner_id, team, status, first_touched_at, rulebook_version)
     SELECT i.workspace_id, i.id, $2, $3, $4, $5, $5::timestamptz + interval '30 minutes', $6, $7, $8, $9, 'test' FROM installations i WHERE i.id = $1`,
    [installationId, personId, h.key, h.kind ?? 'handoff', h.started, h.owner, h.team, h.status, h.touched ?? null],
  );
}

export async function buildReportFixture(store: Store, name = 'Reports'): Promise<ReportFixture> {
  const { workspace, installations } = await seedWorkspace(store, name, ['hubspot']);
  const installationId = installations[0]!.id;
  const keys = Object.keys(PEOPLE) as Array<keyof typeof PEOPLE>;
  const ids = await store.people.upsertPeople(
    workspace.id,
    keys.map((key) => ({ installationId, objectType: 'contact', crmId: `crm-${key}`, person: { id: `crm-${key}`, email: `${key}@example.com`, ...PEOPLE[key].person } })),
  );
  const people = Object.fromEntries(keys.map((key, i) => [key, ids[i]!])) as ReportFixture['people'];
  for (const key of keys) await insertState(store, workspace.id, people[key], PEOPLE[key].stage, PEOPLE[key].moves);

  // the owner directory knows u1 by name; u2 is an owner the CRM no longer lists
  await store.db.query(`INSERT INTO crm_owner_directories (installation_id, workspace_id, refreshed_at) VALUES ($1, $2, '2026-12-01T00:00:00Z')`, [installationId, workspace.id]);
  await store.db.query(`INSERT INTO crm_owners (installation_id, owner_id, name, active) VALUES ($1, 'u1', 'Avery Chen', true)`, [installationId]);
  await insertHandoff(store, installationId, people.p1, { key: 'h1', owner: 'u1', team: 'East', status: 'met', started: '2026-11-20T10:00:00Z', touched: '2026-11-20T10:20:00Z' });
  await insertHandoff(store, installationId, people.p2, { key: 'h2', owner: 'u1', team: 'East', status: 'met_late', started: '2026-12-01T10:00:00Z', touched: '2026-12-01T14:00:00Z' });
  await insertHandoff(store, installationId, people.p3, { key: 'h3', owner: 'u2', team: 'East', status: 'breached', started: '2026-11-23T10:00:00Z' });
  await insertHandoff(store, installationId, people.p6, { key: 'h4', owner: null, team: null, status: 'pending', started: '2026-12-02T09:00:00Z' });
  await insertHandoff(store, installationId, people.p4, { key: 'h5', owner: 'u2', team: 'West', status: 'expired', started: '2026-11-25T10:00:00Z' });
  // marketing's (held for missing fields), and one before the window: neither is counted
  await insertHandoff(store, installationId, people.p1, { key: 'h6', kind: 'held', owner: 'u3', team: 'East', status: 'pending', started: '2026-11-21T10:00:00Z' });
  await insertHandoff(store, installationId, people.p2, { key: 'h7', owner: 'u2', team: 'West', status: 'met', started: '2026-11-01T10:00:00Z', touched: '2026-11-01T10:05:00Z' });

  const cost = (source: string, campaign: string, period: string, amount: string) => saveCampaignCost(store.db, workspace.id, { source, campaign, period, amount, currency: 'USD' }, 'admin@example.com');
  await cost('Paid search', 'Winter', '2026-11', '1000');
  await cost('Paid search', 'Winter', '2026-10', '500');
  await cost('Paid search', '', '2026-11', '300');
  await cost('Webinar', '', '2026-11', '400');
  await cost('Trade show', '', '2026-11', '200.50');

  // the published rulebook commits to 130 MQLs and 26 SQLs a quarter: 10 and 2 a week
  const yaml = readFileSync('config/rulebook.default.yaml', 'utf8').replace(/targets: \{[^}]*\}/, 'targets: { mql_per_quarter: 130, sql_per_quarter: 26 }');
  const draft = await store.rulebooks.createDraft(workspace.id, { versionLabel: 'test-1', yaml, createdBy: 'admin@example.com' });
  await store.rulebooks.publish(workspace.id, draft.id, 'admin@example.com', REPORT_NOW);

  // another workspace: the same source name, a person at SQL, a met handoff, a cost
  const other = await seedWorkspace(store, `${name} other`, ['hubspot']);
  const [otherPerson] = await store.people.upsertPeople(other.workspace.id, [{ installationId: other.installations[0]!.id, objectType: 'contact', crmId: 'crm-x', person: { id: 'crm-x', email: 'x@example.com', source: 'Paid search', campaign: 'Winter' } }]);
  await insertState(store, other.workspace.id, otherPerson!, 'nurture', [['contact', 'lead', '2026-11-30T10:00:00Z'], ['lead', 'mql', '2026-11-30T11:00:00Z'], ['mql', 'sql', '2026-12-01T11:00:00Z'], ['sql', 'nurture', '2026-12-01T12:00:00Z', 'other workspace reason']]);
  await insertHandoff(store, other.installations[0]!.id, otherPerson!, { key: 'hx', owner: 'u1', team: 'East', status: 'met', started: '2026-12-01T11:00:00Z', touched: '2026-12-01T11:01:00Z' });
  await saveCampaignCost(store.db, other.workspace.id, { source: 'Paid search', campaign: 'Winter', period: '2026-11', amount: '99999', currency: 'USD' }, 'b@example.com');

  return { workspaceId: workspace.id, installationId, otherWorkspaceId: other.workspace.id, people };
}
