import type { Store } from '../store';
import { funnelReport } from './funnel.report';
import { recycleReport } from './recycle.report';
import type { ReportWindow } from './report-period';
import { funnelTable, recycleTable, roiTable, slaTable, volumeTable, type ReportTable } from './report-table';
import { rulebookTargets } from './rulebook-targets';
import { roiReport } from './roi.report';
import { slaReport } from './sla-compliance.report';
import { volumeReport } from './volume.report';

export const REPORT_NAMES = ['funnel', 'volume', 'sla', 'recycle', 'roi'] as const;
export type ReportName = (typeof REPORT_NAMES)[number];

/** One report by name: the object (JSON) and its flat table (CSV, terminal). */
export async function runReport(store: Store, workspaceId: string, name: ReportName, window: ReportWindow): Promise<{ report: object; table: ReportTable }> {
  switch (name) {
    case 'funnel': {
      const report = await funnelReport(store.db, workspaceId);
      return { report, table: funnelTable(report) };
    }
    case 'volume': {
      const { targets, note } = await rulebookTargets(store, workspaceId);
      const report = await volumeReport(store.db, workspaceId, window, targets);
      return { report: { ...report, targetNote: note }, table: volumeTable(report) };
    }
    case 'sla': {
      const report = await slaReport(store.db, workspaceId, window);
      return { report, table: slaTable(report) };
    }
    case 'recycle': {
      const report = await recycleReport(store.db, workspaceId, window);
      return { report, table: recycleTable(report) };
    }
    case 'roi': {
      const report = await roiReport(store.db, workspaceId);
      return { report, table: roiTable(report) };
    }
  }
}
