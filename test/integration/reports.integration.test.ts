/**
 * Every report against a hand count of the small workspace in support/report-fixture.ts (each
 * expected figure says how it was counted), never showing the other workspace's data; the CLI's
 * CSV and JSON of the same figures.
 */
import './support/native-pglite';
import { reportCommand } from '../../src/cli/commands/report.command';
import type { Env } from '../../src/config/env';
import { CampaignCostInput, funnelReport, recycleReport, roiReport, rulebookTargets, slaReport, volumeReport } from '../../src/reports';
import { Registry } from 'prom-client';
import { registerReportGauges } from '../../src/metrics/report-gauges';
import { gaugeFigures } from '../../src/reports';
import type { Store } from '../../src/store';
import { REPORT_NOW, buildReportFixture, type ReportFixture } from './support/report-fixture';
import { DRIVER, openTestStore, type TestStore } from './support/store-harness';

const DAY = 86_400;
const HOUR = 3_600;

describe(`reports (${DRIVER})`, () => {
  let t: TestStore;
  let fx: ReportFixture;
  const window = { now: REPORT_NOW, weeks: 3 };

  beforeAll(async () => {
    t = await openTestStore();
    fx = await buildReportFixture(t.store);
  });
  afterAll(() => t.cleanup());

  it('funnel: people per stage now, conversion between consecutive stages, time in stage', async () => {
    const report = await funnelReport(t.store.db, fx.workspaceId);
    expect(Object.fromEntries(report.stages.map((s) => [s.stage, s.people]))).toEqual({
      contact: 0, lead: 1 /* p5 */, mql: 0, sql: 1 /* p2 */, opportunity: 0, customer: 1 /* p1 */, evangelist: 0, nurture: 2 /* p3 p6 */, disqualified: 1 /* p4 */,
    });
    // reached: lead all 6; mql p1 p2 p3 p6; sql p1 p2; opportunity p1; customer p1
    expect(report.conversions).toEqual([
      { from: 'lead', to: 'mql', reachedFrom: 6, reachedTo: 4, rate: 4 / 6 },
      { from: 'mql', to: 'sql', reachedFrom: 4, reachedTo: 2, rate: 0.5 },
      { from: 'sql', to: 'opportunity', reachedFrom: 2, reachedTo: 1, rate: 0.5 },
      { from: 'opportunity', to: 'customer', reachedFrom: 1, reachedTo: 1, rate: 1 },
    ]);
    const time = Object.fromEntries(report.timeInStage.map((s) => [s.stage, s]));
    // lead stays: p1 1d, p4 1d, p2 3d, p3 21d, p6 29d → median 3d; p90 at 3.6 of 4: 21 + 0.6 × 8 = 25.8d
    expect(time.lead).toEqual({ stage: 'lead', stays: 5, medianSeconds: 3 * DAY, p90Seconds: expect.closeTo(25.8 * DAY, 3) });
    // mql stays: p6 23h, p1 24h, p3 24h, p2 26d (624h) → median 24h; p90 at 2.7 of 3: 24 + 0.7 × 600 = 444h
    expect(time.mql).toEqual({ stage: 'mql', stays: 4, medianSeconds: 24 * HOUR, p90Seconds: expect.closeTo(444 * HOUR, 3) });
    expect(time.sql).toEqual({ stage: 'sql', stays: 1, medianSeconds: 6 * DAY, p90Seconds: 6 * DAY });
    expect(time.opportunity).toEqual({ stage: 'opportunity', stays: 1, medianSeconds: 10 * DAY, p90Seconds: 10 * DAY });
    // stays still running (p2 in sql, the nurture ones, p1 customer) are not counted
    expect(time.nurture).toEqual({ stage: 'nurture', stays: 0, medianSeconds: null, p90Seconds: null });
    expect(time.customer!.stays).toBe(0);
  });

  it('volume: people entering MQL and SQL per week against the published targets (130 and 26 a quarter)', async () => {
    const { targets, note } = await rulebookTargets(t.store, fx.workspaceId);
    expect(note).toBeNull();
    const report = await volumeReport(t.store.db, fx.workspaceId, window, targets);
    expect(report.target).toEqual({ mqlPerWeek: 10, sqlPerWeek: 2 });
    // mql: p3 Nov 23, p6 Dec 1; sql: p2 Dec 1 (p1, p2's MQL and p1's SQL fall before Nov 16)
    expect(report.weeks).toEqual([
      { week: '2026-11-16', mql: 0, sql: 0, mqlVsTarget: 0, sqlVsTarget: 0 },
      { week: '2026-11-23', mql: 1, sql: 0, mqlVsTarget: 0.1, sqlVsTarget: 0 },
      { week: '2026-11-30', mql: 1, sql: 1, mqlVsTarget: 0.1, sqlVsTarget: 0.5 },
    ]);
  });

  it('volume: weeks start on Monday in the workspace time zone', async () => {
    // Pago Pago is UTC−11: p3's MQL (Monday Nov 23 10:00 UTC) is Sunday Nov 22 23:00 there, in the week of Nov 16
    await t.store.workspaces.setTimeZone(fx.workspaceId, 'Pacific/Pago_Pago');
    try {
      const report = await volumeReport(t.store.db, fx.workspaceId, window, null);
      expect(report.timeZone).toBe('Pacific/Pago_Pago');
      expect(report.target).toBeNull();
      expect(report.weeks.map((w) => [w.week, w.mql, w.sql])).toEqual([['2026-11-16', 1, 0], ['2026-11-23', 0, 0], ['2026-11-30', 1, 1]]);
    } finally {
      await t.store.workspaces.setTimeZone(fx.workspaceId, 'UTC');
    }
  });

  it('SLA compliance: met, met late, breached, expired, by rep and by team, in the window only', async () => {
    const report = await slaReport(t.store.db, fx.workspaceId, window);
    // h1 met (20 min), h2 met late (4 h), h3 breached, h4 pending, h5 expired; h6 held and h7 before Nov 11 12:00 are left out
    expect(report.total).toEqual({ handoffs: 5, met: 1, metLate: 1, breached: 1, expired: 1, pending: 1, closed: 0, within30Minutes: 1, withinOneDay: 2, onTimeRate: 0.25, touchedRate: 0.5 });
    expect(report.byRep).toEqual([
      { installationId: fx.installationId, ownerId: 'u1', ownerName: 'Avery Chen', handoffs: 2, met: 1, metLate: 1, breached: 0, expired: 0, pending: 0, closed: 0, within30Minutes: 1, withinOneDay: 2, onTimeRate: 0.5, touchedRate: 1 },
      { installationId: fx.installationId, ownerId: 'u2', ownerName: null, handoffs: 2, met: 0, metLate: 0, breached: 1, expired: 1, pending: 0, closed: 0, within30Minutes: 0, withinOneDay: 0, onTimeRate: 0, touchedRate: 0 },
      { installationId: fx.installationId, ownerId: null, ownerName: null, handoffs: 1, met: 0, metLate: 0, breached: 0, expired: 0, pending: 1, closed: 0, within30Minutes: 0, withinOneDay: 0, onTimeRate: null, touchedRate: null },
    ]);
    expect(report.byTeam.map((r) => [r.team, r.handoffs, r.onTimeRate, r.touchedRate])).toEqual([['East', 3, 1 / 3, 2 / 3], ['West', 1, 0, 0], [null, 1, null, null]]);
  });

  it('recycle reasons: moves to nurture and disqualified in the window, by reason', async () => {
    const report = await recycleReport(t.store.db, fx.workspaceId, window);
    // p3 Nov 24 and p6 Dec 2; p4's disqualification (Nov 3) is before the window
    expect(report.reasons).toEqual([{ stage: 'nurture', reason: 'rejected by sales: bad timing', transitions: 2, people: 2 }]);
    const wider = await recycleReport(t.store.db, fx.workspaceId, { now: REPORT_NOW, weeks: 8 });
    expect(wider.reasons).toEqual([
      { stage: 'nurture', reason: 'rejected by sales: bad timing', transitions: 2, people: 2 },
      { stage: 'disqualified', reason: 'competitor domain', transitions: 1, people: 1 },
    ]);
  });

  it('cost and ROI by source and campaign, from the entered costs and the won amounts', async () => {
    const report = await roiReport(t.store.db, fx.workspaceId);
    expect(report.revenueBasis).toMatch(/won deal amounts/);
    // Paid search: 1000 + 500 (Winter) + 300 (source-wide) = 1800; p1 p2 p3: leads 3, MQLs 3, SQLs 2 (p1 p2), customers 1 (p1, won 5000)
    expect(report.bySource).toEqual([
      { source: 'Paid search', campaign: null, currency: 'USD', cost: 1800, leads: 3, mqls: 3, sqls: 2, customers: 1, costPerLead: 600, costPerMql: 600, costPerSql: 900, costPerCustomer: 1800, revenue: 5000, roi: (5000 - 1800) / 1800 },
      { source: 'Trade show', campaign: null, currency: 'USD', cost: 200.5, leads: 0, mqls: 0, sqls: 0, customers: 0, costPerLead: null, costPerMql: null, costPerSql: null, costPerCustomer: null, revenue: null, roi: null },
      // Webinar: 400; p4 (lead, then disqualified) and p6 (MQL, then nurture)
      { source: 'Webinar', campaign: null, currency: 'USD', cost: 400, leads: 2, mqls: 1, sqls: 0, customers: 0, costPerLead: 200, costPerMql: 400, costPerSql: null, costPerCustomer: null, revenue: null, roi: null },
    ]);
    // Winter: 1500; p1 p2
    expect(report.byCampaign).toEqual([
      { source: 'Paid search', campaign: 'Winter', currency: 'USD', cost: 1500, leads: 2, mqls: 2, sqls: 2, customers: 1, costPerLead: 750, costPerMql: 750, costPerSql: 750, costPerCustomer: 1500, revenue: 5000, roi: (5000 - 1500) / 1500 },
    ]);
  });

  it('refuses a bad cost, naming the field and what it expected', () => {
    const parsed = CampaignCostInput.safeParse({ source: ' ', campaign: '', period: '2026-13', amount: '1,250', currency: 'dollars' });
    expect(parsed.success).toBe(false);
    const problems = Object.fromEntries(parsed.error!.issues.map((i) => [i.path.join('.'), i.message]));
    expect(problems).toEqual({
      source: expect.stringMatching(/give the source/),
      period: expect.stringMatching(/YYYY-MM/),
      amount: expect.stringMatching(/1250\.50/),
      currency: expect.stringMatching(/ISO 4217/),
    });
    expect(CampaignCostInput.parse({ source: 'Webinar', period: '2026-11', amount: '12.5', currency: 'eur' })).toEqual({ source: 'Webinar', campaign: '', period: '2026-11', amount: '12.5', currency: 'EUR' });
  });

  it('Prometheus gauges per workspace: people per stage and SLA compliance, one cached read per minute', async () => {
    const registry = new Registry();
    let now = REPORT_NOW.getTime();
    let loads = 0;
    registerReportGauges(registry, { load: () => { loads += 1; return gaugeFigures(t.store.db, now); }, clock: () => now, ttlMs: 60_000 });
    const text = await registry.metrics();
    const line = (name: string) => text.split('\n').filter((l) => l.startsWith(name));
    expect(line(`leadstage_people_by_stage{workspace="${fx.workspaceId}"`).sort()).toEqual([
      `leadstage_people_by_stage{workspace="${fx.workspaceId}",stage="customer"} 1`,
      `leadstage_people_by_stage{workspace="${fx.workspaceId}",stage="disqualified"} 1`,
      `leadstage_people_by_stage{workspace="${fx.workspaceId}",stage="lead"} 1`,
      `leadstage_people_by_stage{workspace="${fx.workspaceId}",stage="nurture"} 2`,
      `leadstage_people_by_stage{workspace="${fx.workspaceId}",stage="sql"} 1`,
    ]);
    // the last 7 days (from Nov 25 12:00): h2 met late, h4 pending; h5 (Nov 25 10:00) is older
    expect(line(`leadstage_sla_handoffs{workspace="${fx.workspaceId}"`).sort()).toEqual([
      `leadstage_sla_handoffs{workspace="${fx.workspaceId}",status="met_late"} 1`,
      `leadstage_sla_handoffs{workspace="${fx.workspaceId}",status="pending"} 1`,
    ]);
    expect(line(`leadstage_sla_on_time_ratio{workspace="${fx.workspaceId}"}`)).toEqual([`leadstage_sla_on_time_ratio{workspace="${fx.workspaceId}"} 0`]);
    expect(line(`leadstage_sla_on_time_ratio{workspace="${fx.otherWorkspaceId}"}`)).toEqual([`leadstage_sla_on_time_ratio{workspace="${fx.otherWorkspaceId}"} 1`]);
    expect(text).toMatch(/# HELP leadstage_people_by_stage People in each lifecycle stage now, by workspace/);
    expect(loads).toBe(1);
    // within the minute: the cached figures; after it, read again
    now += 30_000;
    await registry.metrics();
    expect(loads).toBe(1);
    now += 31_000;
    await registry.metrics();
    expect(loads).toBe(2);
  });

  describe('leadstage report', () => {
    async function run(...args: string[]) {
      const out: string[] = [];
      const err: string[] = [];
      // the command closes what it opens: hand it the test's store with a close that leaves it open
      const store = { ...t.store, close: async () => undefined } as Store;
      const code = await reportCommand({ open: async () => store, env: () => ({}) as Env })(args, { out: (l) => out.push(l), err: (l) => err.push(l) });
      return { code, out: out.join('\n'), err: err.join('\n') };
    }

    it('prints the funnel as RFC 4180 CSV', async () => {
      const { code, out } = await run('funnel', '--format', 'csv', '--workspace', fx.workspaceId);
      expect(code).toBe(0);
      const lines = out.split('\r\n');
      expect(lines[0]).toBe('section,stage,to_stage,people,reached,reached_next,rate,stays,median_seconds,p90_seconds');
      expect(lines).toEqual(expect.arrayContaining([
        'people_now,nurture,,2,,,,,,',
        'conversion,lead,mql,,6,4,0.6667,,,',
        'conversion,mql,sql,,4,2,0.5,,,',
        `time_in_stage,lead,,,,,,5,${3 * DAY},${Math.round(25.8 * DAY)}`,
      ]));
    });

    it('prints SLA compliance and recycle reasons as JSON and CSV', async () => {
      const sla = await run('sla', '--format', 'json', '--workspace', fx.workspaceId, '--weeks', '3', '--now', REPORT_NOW.toISOString());
      expect(sla.code).toBe(0);
      const parsed = JSON.parse(sla.out);
      expect(parsed).toMatchObject({ report: 'sla', workspace: fx.workspaceId, generatedAt: REPORT_NOW.toISOString(), total: { handoffs: 5, met: 1, metLate: 1, breached: 1, expired: 1, onTimeRate: 0.25 } });
      expect(parsed.byRep.map((r: { ownerId: string | null }) => r.ownerId)).toEqual(['u1', 'u2', null]);
      const recycle = await run('recycle', '--format', 'csv', '--workspace', fx.workspaceId, '--weeks', '3', '--now', REPORT_NOW.toISOString());
      expect(recycle.out).toBe('stage,reason,transitions,people\r\nnurture,rejected by sales: bad timing,2,2');
      const roi = await run('roi', '--format', 'csv', '--workspace', fx.workspaceId);
      expect(roi.out.split('\r\n')).toContain('campaign,Paid search,Winter,USD,1500,2,2,2,1,750,750,750,1500,5000,2.3333');
    });

    it('prints the weekly volume as a table, and answers mistakes with the usage', async () => {
      const volume = await run('volume', '--workspace', fx.workspaceId, '--weeks', '3', '--now', REPORT_NOW.toISOString());
      expect(volume.out.split('\n')).toEqual(['week        mql  sql  mql_target  sql_target', '2026-11-16  0    0    10          2', '2026-11-23  1    0    10          2', '2026-11-30  1    1    10          2']);
      await expect(run('pipeline')).rejects.toThrow(/unknown report "pipeline": expected one of funnel, volume, sla, recycle, roi/);
      await expect(run('funnel', '--format', 'xml')).rejects.toThrow(/--format: "xml" is not one of table, csv, json/);
      await expect(run('sla', '--weeks', '0')).rejects.toThrow(/--weeks: "0" is not a whole number from 1 to 104/);
      // two workspaces in this store: one must be named
      await expect(run('funnel')).rejects.toThrow(/workspaces: name one with --workspace/);
    });
  });
});
