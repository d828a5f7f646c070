/**
 * npm run bench:web [-- --people 100000 --events 3000000 --errors 10000 --requests 40]
 *
 * Server time per console page on a big workspace in PostgreSQL: a fresh database of its own
 * (created, then dropped) filled with SQL `generate_series`: `--people` people with a record each in
 * two installations, a decision and a stage change each, `--events` engagement events spread over
 * them, `--errors` record errors, a thousand pending writes. Then the web app in this process, an
 * admin's session, and `--requests` sequential requests per page, timed from the request to the last
 * byte: median and p95 per page. The field mapping page is left out (it reads the CRM's schema live).
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { Client } from 'pg';
import { Redis } from 'ioredis';
import { createRuntime, type Runtime } from '../src/app/runtime';
import { SESSION_COOKIE, startSession } from '../src/app/sessions';
import { loadEnv } from '../src/config/env';
import { createLogger } from '../src/log/logger';
import { createWebApp } from '../src/web/web-app';

const { values: args } = parseArgs({
  options: {
    people: { type: 'string', default: '100000' },
    events: { type: 'string', default: '3000000' },
    errors: { type: 'string', default: '10000' },
    requests: { type: 'string', default: '40' },
  },
});
const PEOPLE = Number(args.people);
const EVENTS = Number(args.events);
const ERRORS = Number(args.errors);
const REQUESTS = Number(args.requests);
const SERVER = process.env.BENCH_DATABASE_SERVER ?? 'postgres://postgres@127.0.0.1:5432';
const DB = `leadstage_bench_web_${process.pid}`;
const PREFIX = `leadstage-bench-web-${process.pid}`;

const log = (line: string) => process.stderr.write(`${line}\n`);

async function admin<T>(fn: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: `${SERVER}/test` });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

async function fill(runtime: Runtime): Promise<{ workspaceId: string; userId: string; personId: string; email: string }> {
  const db = runtime.store.db;
  const workspace = await runtime.store.workspaces.create('Bench workspace');
  const a = await runtime.store.installations.create(workspace.id, { provider: 'hubspot', externalAccountId: 'bench-portal', displayName: 'Bench portal', status: 'active' });
  const b = await runtime.store.installations.create(workspace.id, { provider: 'salesforce', externalAccountId: 'bench-org', displayName: 'Bench org', status: 'active' });
  const user = await runtime.store.users.upsertByEmail('bench-admin@example.com');
  await runtime.store.users.addMember(workspace.id, user.id, 'admin');
  const step = async (name: string, sql: string, params: unknown[]) => {
    const started = Date.now();
    await db.query(sql, params);
    log(`  ${name}: ${((Date.now() - started) / 1000).toFixed(1)} s`);
  };
  // a valid version-4 uuid per number (the routes check ids with z.uuid())
  const uuidOf = (n: string) => `overlay(overlay(md5('p' || ${n}) placing '4' from 13) placing '8' from 17)::uuid`;
  await step('people', `INSERT INTO people (id, workspace_id, email_normalized, snapshot)
    SELECT ${uuidOf('g')}, $1, 'person' || g || '@example' || (g % 500) || '.com', jsonb_build_object('firstName', 'First' || g, 'lastName', 'Last' || g, 'email', 'person' || g || '@example.com')
      FROM generate_series(1, $2::int) g`, [workspace.id, PEOPLE]);
  await step('identities', `INSERT INTO person_identities (installation_id, object_type, crm_id, workspace_id, person_id)
    SELECT $2::uuid, 'contact', g::text, $1::uuid, ${uuidOf('g')} FROM generate_series(1, $4::int) g
    UNION ALL SELECT $3::uuid, CASE WHEN g % 2 = 0 THEN 'lead' ELSE 'contact' END, 'SF' || g, $1::uuid, ${uuidOf('g')} FROM generate_series(1, $4::int) g`, [workspace.id, a.id, b.id, PEOPLE]);
  await step('decisions', `INSERT INTO person_state (person_id, workspace_id, stage, decision, rulebook_version, decided_at)
    SELECT ${uuidOf('g')}, $1, 'mql', jsonb_build_object('stage', 'mql', 'score', g % 100, 'priority', 'warm', 'fit', jsonb_build_object('score', 50, 'grade', 'B'), 'engagement', jsonb_build_object('score', 40), 'reasons', jsonb_build_array(jsonb_build_object('text', 'viewed pricing', 'points', 10))), 'bench-1', now()
      FROM generate_series(1, $2::int) g`, [workspace.id, PEOPLE]);
  await step('stage changes', `INSERT INTO stage_transitions (workspace_id, person_id, from_stage, to_stage, reason, at, rulebook_version)
    SELECT $1, ${uuidOf('g')}, 'lead', 'mql', 'engagement reached the MQL threshold', now() - (g % 1000) * interval '1 hour', 'bench-1' FROM generate_series(1, $2::int) g`, [workspace.id, PEOPLE]);
  await step('events', `INSERT INTO events (workspace_id, installation_id, person_id, source, event_id, type, occurred_at, properties)
    SELECT $1, $2, ${uuidOf('(g % $4::int) + 1')}, 'bench', g::text, 'page_view', now() - (g % 100000) * interval '1 minute', jsonb_build_object('url', 'https://example.com/p/' || (g % 200))
      FROM generate_series(1, $3::int) g`, [workspace.id, a.id, EVENTS, PEOPLE]);
  await step('record errors', `INSERT INTO record_errors (workspace_id, installation_id, person_id, crm_id, code, message)
    SELECT $1::uuid, CASE WHEN g % 2 = 0 THEN $2::uuid ELSE $3::uuid END, ${uuidOf('g')}, g::text, 'INVALID_OPTION', 'the value is not one of the allowed options' FROM generate_series(1, $4::int) g`, [workspace.id, a.id, b.id, ERRORS]);
  await step('pending writes', `INSERT INTO outbox (workspace_id, installation_id, person_id, payload, hash)
    SELECT $1, $2, ${uuidOf('g')}, jsonb_build_object('crmId', g::text, 'properties', jsonb_build_object('leadstage_score', '50')), 'h' || g FROM generate_series(1, 1000) g`, [workspace.id, a.id]);
  await step('analyze', 'ANALYZE', []);
  const probe = Math.floor(PEOPLE / 2);
  const person = (await db.query<{ id: string; email: string }>(`SELECT id, email_normalized AS email FROM people WHERE id = ${uuidOf('$1::int')}`, [probe])).rows[0]!;
  return { workspaceId: workspace.id, userId: user.id, personId: person.id, email: person.email };
}

function stats(samples: number[]): { median: number; p95: number } {
  const sorted = [...samples].sort((x, y) => x - y);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
  return { median: at(0.5), p95: at(0.95) };
}

async function main(): Promise<void> {
  await admin((c) => c.query(`CREATE DATABASE ${DB}`));
  let runtime: Runtime | undefined;
  let server: Server | undefined;
  try {
    runtime = await createRuntime({ env: loadEnv({ ...process.env, NODE_ENV: 'test', DATABASE_URL: `${SERVER}/${DB}` }), dataDir: 'memory', prefix: PREFIX, logger: createLogger({ level: 'error' }) });
    log(`filling ${DB}: ${PEOPLE} people, ${EVENTS} events, ${ERRORS} record errors`);
    const seeded = await fill(runtime);
    const session = await startSession(runtime.store, seeded.workspaceId, seeded.userId, Date.now());
    const app = createWebApp({ runtime, installables: new Map(), publicUrl: 'http://127.0.0.1', secureCookies: false, clock: Date.now });
    server = await new Promise<Server>((resolve) => {
      const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
    });
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const oldestErrors = (await runtime.store.db.query<{ id: number }>('SELECT (min(id) + 60)::int AS id FROM record_errors')).rows[0]!.id;
    const pages = [
      ['Connections', '/console'],
      ['Sync status', '/console/sync'],
      ['Sync status, old record errors', `/console/sync?errorsBefore=${oldestErrors}`],
      ['People search', `/console/people?email=${encodeURIComponent(seeded.email.slice(0, 9))}`],
      ['Person', `/console/people/${seeded.personId}`],
    ] as const;
    const rows: string[] = [];
    for (const [name, path] of pages) {
      const samples: number[] = [];
      for (let i = 0; i < REQUESTS; i++) {
        const started = process.hrtime.bigint();
        const response = await fetch(base + path, { headers: { cookie: `${SESSION_COOKIE}=${session.token}`, accept: 'text/html' } });
        await response.arrayBuffer();
        if (response.status !== 200) throw new Error(`${path} answered ${response.status}`);
        samples.push(Number(process.hrtime.bigint() - started) / 1e6);
      }
      const { median, p95 } = stats(samples.slice(2)); // the first two warm the caches
      rows.push(`| ${name} | ${median.toFixed(1)} | ${p95.toFixed(1)} |`);
    }
    process.stdout.write(`${PEOPLE.toLocaleString('en')} people, ${EVENTS.toLocaleString('en')} events, ${ERRORS.toLocaleString('en')} record errors; ${REQUESTS} requests per page\n| page | median ms | p95 ms |\n| --- | --- | --- |\n${rows.join('\n')}\n`);
  } finally {
    if (server) await new Promise<void>((resolve) => server!.close(() => resolve()));
    await runtime?.close();
    const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
    const keys = await redis.keys(`${PREFIX}:*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
    await admin((c) => c.query(`DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`));
  }
}

main().catch((error: unknown) => {
  log(`bench:web failed: ${(error as Error).stack ?? String(error)}`);
  process.exitCode = 1;
});
