import './support/native-pglite';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OWNERS, startHubSpotSandbox, type HubSpotSandbox } from '../../sandboxes/hubspot';
import { integrationUserCredentials, startSalesforceSandbox, USERS, type SalesforceSandbox } from '../../sandboxes/salesforce';
import { ensureInstallations } from '../../src/app/bootstrap';
import type { Runtime } from '../../src/app/runtime';
import type { Person } from '../../src/model/person';
import type { CrmOwner, HandoffContext } from '../../src/sla/handoff-planner';
import { OwnerDirectoryPlanner } from '../../src/sla/owner-directory-planner';
import { isWorkingMoment } from '../../src/sla/working-hours';
import type { Installation } from '../../src/store';
import { FAST_POLICY, sandboxAligned } from './support/sync-harness';
import { closeTestRuntime, openTestRuntime, uniqueRun } from './support/test-runtime';

/**
 * The owner directory against both sandboxes: the connectors list their owners (HubSpot owners and
 * teams; Salesforce users with zone, manager and role), the planner assigns from the record owner of
 * this installation, else round robin or territory, never handing one turn twice under concurrency,
 * runs the clock in the Salesforce user's zone, and escalates to the manager the CRM knows.
 */
const RUN = `${process.pid}-${Date.now()}`;
const sfUser = (first: string) => USERS.find((u) => u.firstName === first)!;
const hsOwner = (first: string) => OWNERS.find((o) => o.firstName === first)!;

describe(`owner directory and assignment on both sandboxes (${process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite'})`, () => {
  let portal: HubSpotSandbox;
  let org: SalesforceSandbox;
  let runtime: Runtime;
  let hubspot: Installation;
  let salesforce: Installation;
  let dir: string;

  beforeAll(async () => {
    portal = await startHubSpotSandbox({ port: 0, contacts: 20 });
    const start = portal.clock.now();
    org = await startSalesforceSandbox({ port: 0, leads: 20, contacts: 20, now: start });
    // the default rulebook with its assignment example switched on, for the seeded teams and owners
    dir = mkdtempSync(join(tmpdir(), 'leadstage-owners-'));
    const rulebook = readFileSync('config/rulebook.default.yaml', 'utf8')
      .replace('  escalation: { after: 1d, to: manager }', `  escalation: { after: 1d, to: { hubspot: "${hsOwner('Dana').id}", salesforce: manager } }`)
      .replace(
        /^reasons:/m,
        [
          'assignment:',
          '  rules:',
          `    - { id: dach, territory: { countries: [DE, AT, CH], owner: { hubspot: "${hsOwner('Elena').id}", salesforce: "${sfUser('Elena').id}" } } }`,
          '    - { id: everyone_else, round_robin: { team: "Inside Sales" } }',
          '',
          'reasons:',
        ].join('\n'),
      );
    writeFileSync(join(dir, 'rulebook.yaml'), rulebook);
    runtime = await openTestRuntime(uniqueRun('owners'), { clock: sandboxAligned(start), queueDriver: 'in-process', ratePolicies: { hubspot: FAST_POLICY } });
    [hubspot, salesforce] = (await ensureInstallations(runtime.store, runtime.box, 'Owner directory company', join(dir, 'rulebook.yaml'), [
      { provider: 'hubspot', externalAccountId: `owners-${RUN}`, displayName: 'Portal', credentials: { accessToken: portal.token, basePath: portal.url } },
      { provider: 'salesforce', externalAccountId: `${org.orgId}-${RUN}`, displayName: 'Org', credentials: integrationUserCredentials(org) },
    ])) as [Installation, Installation];
  }, 120_000);

  afterAll(async () => {
    await closeTestRuntime(runtime);
    await portal?.close();
    await org?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const person = (overrides: Partial<Person> = {}): Person => ({ id: 'p-1', email: 'a@example.com', country: 'FR', ownerId: null, ...overrides });
  const context = (installation: Installation, recordOwnerId: string | null, overrides: Partial<Person> = {}): HandoffContext => ({
    workspaceId: installation.workspaceId, installationId: installation.id, person: person(overrides), recordOwnerId,
  });

  it('lists the HubSpot owners with their teams, and no zone or manager (HubSpot keeps none)', async () => {
    const connector = await runtime.deps.connectorFor(hubspot);
    const owners = (await connector.listOwners!())!;
    expect(owners).toHaveLength(OWNERS.length);
    expect(owners.find((o) => o.id === hsOwner('Priya').id)).toEqual<CrmOwner>({
      id: hsOwner('Priya').id, name: 'Priya Raman', email: 'priya.raman@uptimeforge.com', timeZone: null, managerId: null, teams: ['Inside Sales'], active: true,
    });
  });

  it('the HubSpot sandbox pages its owners as HubSpot does (limit, after, paging.next.link) and gives each its teams', async () => {
    const seen: string[] = [];
    let after: string | undefined;
    do {
      const response = await fetch(`${portal.url}/crm/v3/owners?limit=3&archived=false${after ? `&after=${after}` : ''}`, { headers: { authorization: `Bearer ${portal.token}` } });
      const body = (await response.json()) as { results: { id: string; teams: { name: string; primary: boolean }[] }[]; paging?: { next: { after: string; link: string } } };
      expect(body.results.length).toBeLessThanOrEqual(3);
      for (const result of body.results) {
        expect(result.teams).toEqual([expect.objectContaining({ primary: true })]);
        seen.push(result.id);
      }
      after = body.paging?.next.after;
      if (after) expect(body.paging!.next.link).toBe(`?after=${after}`);
    } while (after);
    expect(seen).toEqual(OWNERS.map((o) => o.id));
  });

  it('lists the Salesforce users with their TimeZoneSidKey, manager, role and whether they are active', async () => {
    const connector = await runtime.deps.connectorFor(salesforce);
    const owners = (await connector.listOwners!())!;
    expect(owners.map((o) => o.id).sort()).toEqual(USERS.map((u) => u.id).sort());
    expect(owners.find((o) => o.id === sfUser('Keiko').id)).toEqual<CrmOwner>({
      id: sfUser('Keiko').id, name: 'Keiko Tanaka', email: 'keiko.tanaka@uptimeforge.com', timeZone: 'Asia/Tokyo', managerId: sfUser('Dana').id, teams: ['Field Sales'], active: true,
    });
    expect(owners.find((o) => o.id === sfUser('Jordan').id)).toMatchObject({ active: false, timeZone: 'America/Chicago' });
  });

  it("assigns the record's owner of this installation, in the Salesforce user's zone, with a due time inside their working hours", async () => {
    const planner = runtime.deps.handoffPlanner!;
    const assignment = await planner.assign(context(salesforce, sfUser('Keiko').id));
    expect(assignment).toEqual({ ownerId: sfUser('Keiko').id, source: 'record', team: 'Field Sales', timeZone: 'Asia/Tokyo', note: null });
    const start = Date.parse('2026-11-27T09:30:00Z'); // Friday 18:30 in Tokyo
    const due = planner.dueAt(start, 30 * 60_000, assignment.timeZone);
    expect(new Date(due).toISOString()).toBe('2026-11-30T00:30:00.000Z'); // Monday 09:30 in Tokyo
    expect(isWorkingMoment(due, 'Asia/Tokyo')).toBe(true);
  });

  it("never takes another CRM's owner id for this record's owner: a HubSpot owner id on the Salesforce side goes to the rules", async () => {
    const assignment = await runtime.deps.handoffPlanner!.assign(context(salesforce, hsOwner('Marcus').id, { country: 'DE' }));
    expect(assignment).toMatchObject({ ownerId: sfUser('Elena').id, source: 'territory', timeZone: 'Europe/Berlin' });
    // the inactive former rep's leads go to the rules too
    const inactive = await runtime.deps.handoffPlanner!.assign(context(salesforce, sfUser('Jordan').id, { country: 'DE' }));
    expect(inactive.ownerId).toBe(sfUser('Elena').id);
  });

  it('round robin across a team never hands the same turn twice, with two planners (two workers) assigning at once', async () => {
    const second = new OwnerDirectoryPlanner({
      store: runtime.store, clock: runtime.deps.clock, logger: runtime.logger, connectors: runtime.deps.connectors, connectorFor: runtime.deps.connectorFor,
      installation: runtime.deps.installation, rulebookFor: async (workspaceId) => (await runtime.deps.engineFor(workspaceId)).rulebook,
    });
    const planners = [runtime.deps.handoffPlanner!, second];
    for (const [installation, team] of [
      [hubspot, ['Marcus', 'Priya', 'Tom'].map((first) => hsOwner(first).id)],
      [salesforce, ['Marcus', 'Priya', 'Tom'].map((first) => sfUser(first).id)],
    ] as const) {
      const assignments = await Promise.all(Array.from({ length: 12 }, (_, i) => planners[i % 2]!.assign(context(installation, null, { country: 'US' }))));
      expect(assignments.every((a) => a.source === 'round_robin' && a.team === 'Inside Sales')).toBe(true);
      const counts = new Map<string, number>();
      for (const a of assignments) counts.set(a.ownerId!, (counts.get(a.ownerId!) ?? 0) + 1);
      // 12 turns over 3 reps: 4 each, which only holds if no turn was taken twice
      expect(Object.fromEntries(counts)).toEqual(Object.fromEntries([...team].sort().map((id) => [id, 4])));
    }
    const { rows } = await runtime.store.db.query<{ turns: string }>(`SELECT turns FROM crm_owner_turns WHERE installation_id = $1 AND team = 'Inside Sales'`, [hubspot.id]);
    expect(Number(rows[0]!.turns)).toBe(12);
  });

  it('runs a HubSpot handoff in the workspace zone (HubSpot keeps no owner zone)', async () => {
    await runtime.store.workspaces.setTimeZone(hubspot.workspaceId, 'Europe/Paris');
    const assignment = await runtime.deps.handoffPlanner!.assign(context(hubspot, hsOwner('Grant').id));
    expect(assignment).toEqual({ ownerId: hsOwner('Grant').id, source: 'record', team: 'Field Sales', timeZone: 'Europe/Paris', note: null });
  });

  it("escalates to the owner's manager in Salesforce, and to the rulebook's escalation owner in HubSpot", async () => {
    const planner = runtime.deps.handoffPlanner!;
    expect(await planner.escalationOwner(salesforce.id, sfUser('Keiko').id)).toBe(sfUser('Dana').id);
    expect(await planner.escalationOwner(salesforce.id, sfUser('Dana').id)).toBeNull(); // the VP has no manager
    expect(await planner.escalationOwner(hubspot.id, hsOwner('Priya').id)).toBe(hsOwner('Dana').id);
  });
});
