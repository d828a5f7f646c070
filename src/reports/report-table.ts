import type { FunnelReport } from './funnel.report';
import type { RecycleReport } from './recycle.report';
import type { RoiReport, RoiRow } from './roi.report';
import type { SlaCounts, SlaReport } from './sla-compliance.report';
import type { VolumeReport } from './volume.report';

/** One report as one flat table: what CSV and the terminal print. */
export interface ReportTable {
  header: string[];
  rows: Array<Array<string | number | null>>;
}

/** Shares and figures with a fixed number of decimals, so a CSV diff shows real changes only. */
const fixed = (n: number | null, digits: number) => (n === null ? null : Number(n.toFixed(digits)));

export function funnelTable(report: FunnelReport): ReportTable {
  return {
    header: ['section', 'stage', 'to_stage', 'people', 'reached', 'reached_next', 'rate', 'stays', 'median_seconds', 'p90_seconds'],
    rows: [
      ...report.stages.map((s) => ['people_now', s.stage, null, s.people, null, null, null, null, null, null]),
      ...report.conversions.map((c) => ['conversion', c.from, c.to, null, c.reachedFrom, c.reachedTo, fixed(c.rate, 4), null, null, null]),
      ...report.timeInStage.map((t) => ['time_in_stage', t.stage, null, null, null, null, null, t.stays, fixed(t.medianSeconds, 0), fixed(t.p90Seconds, 0)]),
    ],
  };
}

export function volumeTable(report: VolumeReport): ReportTable {
  return {
    header: ['week', 'mql', 'sql', 'mql_target', 'sql_target'],
    rows: report.weeks.map((w) => [w.week, w.mql, w.sql, fixed(report.target?.mqlPerWeek ?? null, 2), fixed(report.target?.sqlPerWeek ?? null, 2)]),
  };
}

const SLA_COLUMNS = ['handoffs', 'met', 'met_late', 'breached', 'expired', 'pending', 'closed', 'within_30_minutes', 'within_one_day', 'on_time_rate', 'touched_rate'];
const slaCells = (c: SlaCounts) => [c.handoffs, c.met, c.metLate, c.breached, c.expired, c.pending, c.closed, c.within30Minutes, c.withinOneDay, fixed(c.onTimeRate, 4), fixed(c.touchedRate, 4)];

export function slaTable(report: SlaReport): ReportTable {
  return {
    header: ['group', 'key', 'name', ...SLA_COLUMNS],
    rows: [
      ['total', null, null, ...slaCells(report.total)],
      ...report.byRep.map((r) => ['rep', r.ownerId, r.ownerName, ...slaCells(r)]),
      ...report.byTeam.map((t) => ['team', t.team, null, ...slaCells(t)]),
    ],
  };
}

export function recycleTable(report: RecycleReport): ReportTable {
  return { header: ['stage', 'reason', 'transitions', 'people'], rows: report.reasons.map((r) => [r.stage, r.reason, r.transitions, r.people]) };
}

const roiCells = (r: RoiRow) => [r.source, r.campaign, r.currency, r.cost, r.leads, r.mqls, r.sqls, r.customers, r.costPerLead, r.costPerMql, r.costPerSql, r.costPerCustomer, r.revenue, fixed(r.roi, 4)];

export function roiTable(report: RoiReport): ReportTable {
  return {
    header: ['group', 'source', 'campaign', 'currency', 'cost', 'leads', 'mqls', 'sqls', 'customers', 'cost_per_lead', 'cost_per_mql', 'cost_per_sql', 'cost_per_customer', 'revenue', 'roi'],
    rows: [...report.bySource.map((r) => ['source', ...roiCells(r)]), ...report.byCampaign.map((r) => ['campaign', ...roiCells(r)])],
  };
}

/** Columns padded to their widest cell, for a terminal. */
export function formatTable(table: ReportTable): string {
  const cells = [table.header, ...table.rows.map((row) => row.map((v) => (v === null ? '' : String(v))))];
  const widths = table.header.map((_, i) => Math.max(...cells.map((row) => row[i]!.length)));
  return cells.map((row) => row.map((cell, i) => cell.padEnd(widths[i]!)).join('  ').trimEnd()).join('\n');
}
