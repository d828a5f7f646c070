/**
 * `npm run bench:sla`: one tick of the `sla` job against 100,000 open handoffs (SPEC.md §3.10, issue
 * 15: under 1 s of database time). The store is PostgreSQL when DATABASE_URL is set (a schema of its
 * own, dropped at the end), else PGlite in memory. It times the tick's due query (the partial index
 * on (installation_id, next_due_at)) and, in the same run on the same rows, a peer that answers the
 * same question the naive way: read every open handoff of the installation and pick the due ones.
 * Database time is PostgreSQL's own `Execution Time` (EXPLAIN ANALYZE), median of several runs.
 */
import { createStore, type Store } from '../src/store';
import { SLA_PAGE } from '../jobs/sla.job';

const OPEN = Number(process.env.SLA_BENCH_HANDOFFS ?? 100_000);
/** Another installation's handoffs in the same table: the tick must not pay for them either. */
const OTHER = Math.round(OPEN / 5);
const RUNS = 7;
const NOW = Date.parse('2026-12-01T12:00:00.000Z');
const HOUR = 3_600_000;
const SPREAD = 14 * 24 * HOUR;

const DUE_QUERY = `SELECT id, person_id, handoff_key, next_due_at FROM sla_handoffs
  WHERE installation_id = $1 AND next_due_at IS NOT NULL AND next_due_at <= $2 ORDER BY next_due_at, id LIMIT $3`;
const PEER_QUERY = `SELECT id, person_id, handoff_key, next_due_at FROM sla_handoffs WHERE installation_id = $1 AND closed_at IS NULL`;

async function seed(store: Store, installationId: string, workspaceId: string, count: number): Promise<void> {
  const BATCH = 20_000;
  for (let offset = 0; offset < count; offset += BATCH) {
    const n = Math.min(BATCH, count - offset);
    await store.db.query(
      `WITH p AS (
         INSERT INTO people (id, workspace_id, snapshot) SELECT gen_random_uuid(), $1, '{}'::jsonb FROM generate_series(1, $2) RETURNING id
       ), numbered AS (SELECT id, row_number() OVER () AS n FROM p)
       INSERT INTO sla_handoffs (workspace_id, installation_id, person_id, handoff_key, started_at, first_touch_due_at, next_due_at, rulebook_version)
       SELECT $1, $3, id, id || ':sql:bench', $4::timestamptz, $4::timestamptz + interval '30 minutes',
              -- an hour of backlog already due, the rest spread over the two weeks of a cadence
              $4::timestamptz - interval '1 hour' + ((($5::bigint + n) * $6::bigint / $7::bigint) || ' milliseconds')::interval, 'bench'
       FROM numbered`,
      [workspaceId, n, installationId, new Date(NOW).toISOString(), offset, SPREAD + HOUR, count],
    );
  }
}

async function executionMs(store: Store, sql: string, params: unknown[]): Promise<{ ms: number; plan: string }> {
  const { rows } = await store.db.query<{ 'QUERY PLAN': unknown }>(`EXPLAIN (ANALYZE, FORMAT JSON) ${sql}`, params);
  const raw = rows[0]!['QUERY PLAN'];
  interface PlanNode { 'Node Type': string; 'Index Name'?: string; Plans?: PlanNode[] }
  const doc = (typeof raw === 'string' ? JSON.parse(raw) : raw) as Array<{ 'Execution Time': number; Plan: PlanNode }>;
  const nodes: string[] = [];
  const walk = (node: PlanNode) => {
    nodes.push(`${node['Node Type']}${node['Index Name'] ? ` on ${node['Index Name']}` : ''}`);
    for (const child of node.Plans ?? []) walk(child);
  };
  walk(doc[0]!.Plan);
  return { ms: doc[0]!['Execution Time'], plan: nodes.join(' → ') };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

async function main(): Promise<void> {
  const databaseUrl = process.env.DATABASE_URL;
  const schema = databaseUrl ? `bench_sla_${process.pid}` : undefined;
  const store = await createStore(databaseUrl ? { databaseUrl, schema: schema! } : { dataDir: 'memory' });
  try {
    const workspace = await store.workspaces.create('SLA bench');
    const installation = await store.installations.create(workspace.id, { provider: 'hubspot', externalAccountId: `sla-bench-${process.pid}`, displayName: 'bench', status: 'active' });
    const other = await store.installations.create(workspace.id, { provider: 'salesforce', externalAccountId: `sla-bench-${process.pid}`, displayName: 'bench 2', status: 'active' });
    const seeded = Date.now();
    await seed(store, installation.id, workspace.id, OPEN);
    await seed(store, other.id, workspace.id, OTHER);
    await store.db.query('ANALYZE sla_handoffs');
    console.log(`SLA bench: ${OPEN.toLocaleString('en-US')} open handoffs (+${OTHER.toLocaleString('en-US')} of another installation), store ${databaseUrl ? `PostgreSQL (schema ${schema})` : 'PGlite in memory'}, seeded in ${((Date.now() - seeded) / 1000).toFixed(1)} s`);

    const now = new Date(NOW).toISOString();
    const due = await store.sla.listDue(installation.id, now, SLA_PAGE);
    const tick: number[] = [];
    const peer: number[] = [];
    let tickPlan = '';
    let peerPlan = '';
    let peerDue = 0;
    for (let run = 0; run < RUNS; run++) {
      const t = await executionMs(store, DUE_QUERY, [installation.id, now, SLA_PAGE]);
      tick.push(t.ms);
      tickPlan = t.plan;
      const p = await executionMs(store, PEER_QUERY, [installation.id]);
      peer.push(p.ms);
      peerPlan = p.plan;
    }
    // the peer's answer, checked to be the same question: every open one read, the due ones picked in the app
    const { rows } = await store.db.query<{ next_due_at: string }>(PEER_QUERY, [installation.id]);
    peerDue = rows.filter((r) => Date.parse(r.next_due_at) <= NOW).length;
    const tickMs = median(tick);
    const peerMs = median(peer);
    console.log(`due now: ${peerDue.toLocaleString('en-US')} (one tick takes ${due.length}, the page size ${SLA_PAGE})`);
    console.log(`tick due query (index):        ${tickMs.toFixed(2)} ms database time (median of ${RUNS}), plan ${tickPlan}`);
    console.log(`peer, every open handoff read: ${peerMs.toFixed(2)} ms database time (median of ${RUNS}), plan ${peerPlan}, ${rows.length.toLocaleString('en-US')} rows to the app`);
    console.log(`target: under 1000 ms: ${tickMs < 1000 ? 'met' : 'MISSED'}; the index is ${(peerMs / Math.max(tickMs, 0.001)).toFixed(0)}× faster than the peer`);
    if (tickMs >= 1000) process.exitCode = 1;
  } finally {
    if (schema) await store.db.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await store.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
