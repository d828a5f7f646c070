import { connectorRegistry } from '../../connectors/registry';
import type { CrmConnector } from '../../src/connector/crm-connector';
import { createLogger } from '../../src/log/logger';
import { RulebookSchema, type Rulebook } from '../../src/rulebook/schema';
import type { CrmOwner } from '../../src/sla/handoff-planner';
import { OWNER_DIRECTORY_REFRESH_MS, OwnerDirectoryPlanner } from '../../src/sla/owner-directory-planner';
import type { Installation } from '../../src/store';
import { baseRulebook } from '../helpers/rulebook';
import { DRIVER, openTestStore, person, seedWorkspace, type TestStore } from './support/store-harness';

/**
 * The planner's rules on a real store with a CRM that is a fake: how often the directory is read,
 * what happens when the CRM cannot say or fails, the note of an unassigned handoff, the zones, and
 * escalation up the management chain.
 */
const owner = (id: string, extra: Partial<CrmOwner> = {}): CrmOwner => ({ id, name: id, email: null, timeZone: null, managerId: null, teams: [], active: true, ...extra });

describe(`owner directory planner (${DRIVER})`, () => {
  let t: TestStore;
  let installation: Installation;
  let now: number;
  let owners: CrmOwner[] | null;
  let failure: Error | null;
  let reads: number;
  let rulebook: Rulebook;

  const connector = {
    async listOwners() {
      reads += 1;
      if (failure) throw failure;
      return owners;
    },
  } as unknown as CrmConnector;

  const planner = () =>
    new OwnerDirectoryPlanner({
      store: t.store, clock: () => now, logger: createLogger({ level: 'error' }), connectors: connectorRegistry,
      installation: async () => installation, connectorFor: async () => connector, rulebookFor: async () => rulebook,
    });
  const context = (recordOwnerId: string | null, country: string | null = null) => ({
    workspaceId: installation.workspaceId, installationId: installation.id, person: person({ country }), recordOwnerId,
  });
  const withRules = (sla: Record<string, unknown>, assignment?: unknown): Rulebook => {
    const base = baseRulebook();
    return RulebookSchema.parse({ ...base, sla: { ...base.sla, ...sla }, ...(assignment ? { assignment } : {}) });
  };

  beforeAll(async () => {
    t = await openTestStore();
    installation = (await seedWorkspace(t.store, 'Planner', ['salesforce'])).installations[0]!;
    await t.store.workspaces.setTimeZone(installation.workspaceId, 'Europe/Madrid');
  });
  afterAll(() => t.cleanup());

  beforeEach(async () => {
    now = Date.parse('2026-11-27T12:00:00Z');
    failure = null;
    reads = 0;
    owners = [
      owner('vp', { timeZone: 'America/New_York' }),
      owner('lead', { managerId: 'vp', active: false }),
      owner('rep', { managerId: 'lead', timeZone: 'Not/AZone', teams: ['Inside Sales'] }),
      owner('gone', { active: false, teams: ['Inside Sales'] }),
    ];
    rulebook = withRules({});
    await t.store.db.query('DELETE FROM crm_owner_directories WHERE installation_id = $1', [installation.id]);
  });

  it('reads the CRM once per refresh interval, not per handoff', async () => {
    const p = planner();
    await Promise.all([p.assign(context('rep')), p.assign(context('rep')), p.assign(context('vp'))]);
    expect(reads).toBe(1);
    now += OWNER_DIRECTORY_REFRESH_MS - 1;
    await planner().assign(context('rep'));
    expect(reads).toBe(1);
    now += 1;
    owners = [...owners!, owner('new')];
    expect(await planner().assign(context('new'))).toMatchObject({ ownerId: 'new', source: 'record' });
    expect(reads).toBe(2);
  });

  it("takes the person's shared owner id only when this CRM lists it (another CRM's id is not this record's owner)", async () => {
    const shared = (ownerId: string) => ({ ...context(null), person: person({ ownerId }) });
    expect(await planner().assign(shared('rep'))).toMatchObject({ ownerId: 'rep', source: 'record' });
    expect(await planner().assign(shared('51003'))).toMatchObject({ ownerId: null, source: 'none' });
  });

  it("runs the clock in the owner's zone, and in the workspace's when the CRM's zone is unknown or not a zone", async () => {
    expect((await planner().assign(context('vp'))).timeZone).toBe('America/New_York');
    expect((await planner().assign(context('rep'))).timeZone).toBe('Europe/Madrid');
  });

  it('says why a handoff goes out unassigned, naming the CRM', async () => {
    expect(await planner().assign(context('gone'))).toEqual({
      ownerId: null, source: 'none', team: null, timeZone: 'Europe/Madrid', note: 'no owner: assign one in Salesforce (the record owner gone is inactive)',
    });
    expect((await planner().assign(context(null))).note).toBe('no owner: assign one in Salesforce (the record has no owner and the rulebook has no assignment rules)');
    rulebook = withRules({}, { rules: [{ id: 'dach', territory: { countries: ['DE'], owner: { salesforce: 'gone' } } }, { id: 'growth', round_robin: { team: 'Growth' } }] });
    expect((await planner().assign(context('x9', 'DE'))).note).toBe(
      'no owner: assign one in Salesforce (the record owner x9 is not a Salesforce owner; dach: owner gone is not an active owner; growth: team "Growth" has no active owner)',
    );
  });

  it('uses the cached list when the CRM fails, and fails the handoff (for a retry) when there is none', async () => {
    failure = new Error('503 from the CRM');
    await expect(planner().assign(context('rep'))).rejects.toThrow('503 from the CRM');
    failure = null;
    await planner().assign(context('rep'));
    now += OWNER_DIRECTORY_REFRESH_MS;
    failure = new Error('503 from the CRM');
    expect(await planner().assign(context('rep'))).toMatchObject({ ownerId: 'rep', source: 'record' });
  });

  it('trusts the record owner when the CRM will not list its owners, and says the rules cannot run', async () => {
    owners = null;
    expect(await planner().assign(context('anyone'))).toMatchObject({ ownerId: 'anyone', source: 'record', timeZone: 'Europe/Madrid' });
    rulebook = withRules({}, { rules: [{ id: 'all', round_robin: { team: 'Inside Sales' } }] });
    expect((await planner().assign(context(null))).note).toBe('no owner: assign one in Salesforce (Salesforce does not let Leadstage list its owners, so the assignment rules cannot run)');
    // remembered until the next refresh: not asked again per handoff
    expect(reads).toBe(1);
    now += OWNER_DIRECTORY_REFRESH_MS;
    owners = [owner('rep', { teams: ['Inside Sales'] })];
    expect(await planner().assign(context(null))).toMatchObject({ ownerId: 'rep', source: 'round_robin' });
    expect(reads).toBe(2);
  });

  it('escalates to the nearest active manager, or to the configured owner of this CRM while active', async () => {
    expect(await planner().escalationOwner(installation.id, 'rep')).toBe('vp'); // "lead" left: their manager hears of it
    expect(await planner().escalationOwner(installation.id, null)).toBeNull();
    rulebook = withRules({ escalation: { after: '1d', to: { salesforce: 'vp', other_crm: '42' } } });
    expect(await planner().escalationOwner(installation.id, 'rep')).toBe('vp');
    rulebook = withRules({ escalation: { after: '1d', to: { salesforce: 'gone' } } });
    expect(await planner().escalationOwner(installation.id, 'rep')).toBeNull();
    rulebook = withRules({ escalation: { after: '1d', to: { other_crm: '42' } } });
    expect(await planner().escalationOwner(installation.id, 'rep')).toBeNull();
  });

  it("keeps each workspace to its own installations' owners and turns", async () => {
    const other = (await seedWorkspace(t.store, 'Other', ['hubspot'])).workspace;
    await expect(t.store.owners.nextTurn(other.id, installation.id, 'Inside Sales')).rejects.toThrow(`installation ${installation.id} is not in workspace ${other.id}`);
    await expect(t.store.owners.replace(other.id, installation.id, [], new Date(now))).rejects.toThrow('is not in workspace');
    expect(await t.store.owners.nextTurn(installation.workspaceId, installation.id, 'Tenancy')).toBe(1);
    expect(await t.store.owners.nextTurn(installation.workspaceId, installation.id, 'Tenancy')).toBe(2);
  });

  it('refuses a zone that is not one when computing a due time', () => {
    expect(() => planner().dueAt(0, 60_000, 'Mars/Olympus')).toThrow('dueAt: "Mars/Olympus" is not an IANA time zone');
  });
});
