/** Reports (SPEC.md §5): each aggregates in the database, scoped to one workspace. */
export { funnelReport, type FunnelReport } from './funnel.report';
export { volumeReport, type VolumeReport, type QuarterTargets } from './volume.report';
export { slaReport, type SlaReport, type SlaCounts } from './sla-compliance.report';
export { recycleReport, type RecycleReport } from './recycle.report';
export { roiReport, type RoiReport, type RoiRow, REVENUE_BASIS } from './roi.report';
export { rulebookTargets } from './rulebook-targets';
export { CampaignCostInput, saveCampaignCost, listCampaignCosts, type CampaignCost, type CampaignCostRecord } from './campaign-costs';
export { DEFAULT_WEEKS, MAX_WEEKS, type ReportWindow } from './report-period';
export { funnelTable, volumeTable, slaTable, recycleTable, roiTable, formatTable, type ReportTable } from './report-table';
export { runReport, REPORT_NAMES, type ReportName } from './run-report';
export { gaugeFigures, GAUGE_SLA_WINDOW_MS, type GaugeFigures } from './gauge-figures';
