import { Gauge, type Registry } from 'prom-client';
import type { GaugeFigures } from '../reports/gauge-figures';

export interface ReportGaugeOptions {
  /** Reads the figures of every workspace (two grouped queries). */
  load(): Promise<GaugeFigures>;
  clock(): number;
  /** How long one read serves scrapes; default one minute. */
  ttlMs?: number;
}

/**
 * Per-workspace gauges for the reports: people per stage, rep handoffs of the last 7 days by SLA
 * status, and the share met on time. They are filled when Prometheus scrapes (collect()), from one
 * cached read shared by the three, so a scrape never costs more than the cache allows. A failing
 * read keeps the last figures rather than failing the scrape of every other metric.
 */
export function registerReportGauges(registry: Registry, options: ReportGaugeOptions): void {
  const ttl = options.ttlMs ?? 60_000;
  let cached: { at: number; figures: GaugeFigures } | null = null;
  let pending: Promise<GaugeFigures | null> | null = null;
  const figures = async (): Promise<GaugeFigures | null> => {
    const now = options.clock();
    if (cached && now - cached.at < ttl) return cached.figures;
    pending ??= options
      .load()
      .then((loaded) => {
        cached = { at: now, figures: loaded };
        return loaded;
      })
      .catch(() => cached?.figures ?? null)
      .finally(() => {
        pending = null;
      });
    return pending;
  };

  new Gauge({
    name: 'leadstage_people_by_stage',
    help: 'People in each lifecycle stage now, by workspace',
    labelNames: ['workspace', 'stage'],
    registers: [registry],
    async collect() {
      const f = await figures();
      if (!f) return;
      this.reset();
      for (const row of f.peopleByStage) this.set({ workspace: row.workspaceId, stage: row.stage }, row.people);
    },
  });
  new Gauge({
    name: 'leadstage_sla_handoffs',
    help: 'Rep handoffs started in the last 7 days, by workspace and SLA status',
    labelNames: ['workspace', 'status'],
    registers: [registry],
    async collect() {
      const f = await figures();
      if (!f) return;
      this.reset();
      for (const row of f.slaByStatus) this.set({ workspace: row.workspaceId, status: row.status }, row.handoffs);
    },
  });
  new Gauge({
    name: 'leadstage_sla_on_time_ratio',
    help: 'Of the rep handoffs of the last 7 days whose SLA is decided (met, met late, breached, expired), the share met on time, by workspace',
    labelNames: ['workspace'],
    registers: [registry],
    async collect() {
      const f = await figures();
      if (!f) return;
      this.reset();
      const decided = new Map<string, { met: number; all: number }>();
      for (const row of f.slaByStatus) {
        if (row.status === 'pending' || row.status === 'closed') continue;
        const d = decided.get(row.workspaceId) ?? { met: 0, all: 0 };
        d.all += row.handoffs;
        if (row.status === 'met') d.met += row.handoffs;
        decided.set(row.workspaceId, d);
      }
      for (const [workspace, d] of decided) if (d.all > 0) this.set({ workspace }, d.met / d.all);
    },
  });
}
