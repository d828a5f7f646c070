import { Router, type Response } from 'express';
import { z } from 'zod';
import {
  CampaignCostInput,
  DEFAULT_WEEKS,
  REPORT_NAMES,
  funnelReport,
  listCampaignCosts,
  recycleReport,
  roiReport,
  rulebookTargets,
  runReport,
  saveCampaignCost,
  slaReport,
  volumeReport,
  type CampaignCostRecord,
  type FunnelReport,
  type RecycleReport,
  type RoiReport,
  type RoiRow,
  type SlaCounts,
  type SlaReport,
  type VolumeReport,
} from '../../reports';
import { toCsv } from '../../util/csv-writer.util';
import { html, type Raw } from '../http/html';
import { sessionOf, type WebSession } from '../http/session';
import { validate } from '../http/validate';
import { barChart, CHART_COLORS, weeklyChart } from '../pages/charts';
import { consolePage, csrfField, when } from '../pages/layout';
import type { WebDeps } from '../web-deps';
import { fromForm, member, type RouteGroup } from './route-group';

const WEEK_CHOICES = [4, 13, 26, 52] as const;
const PageQuery = z.object({ weeks: z.enum(WEEK_CHOICES.map(String) as [string, ...string[]], 'choose 4, 13, 26 or 52 weeks').optional(), saved: z.string().max(20).optional() });
const ExportQuery = z.object({
  report: z.enum(REPORT_NAMES, `expected one of ${REPORT_NAMES.join(', ')}`),
  format: z.enum(['csv', 'json'], 'expected csv or json').default('csv'),
  weeks: z.enum(WEEK_CHOICES.map(String) as [string, ...string[]], 'choose 4, 13, 26 or 52 weeks').optional(),
}).strict();
const CostBody = CampaignCostInput.extend({ _csrf: z.string().optional() });
const COST_FIELDS = ['source', 'campaign', 'period', 'amount', 'currency'] as const;
type CostField = (typeof COST_FIELDS)[number];

interface Figures {
  weeks: number;
  funnel: FunnelReport;
  volume: VolumeReport;
  targetNote: string | null;
  sla: SlaReport;
  recycle: RecycleReport;
  roi: RoiReport;
  costs: CampaignCostRecord[];
}

/**
 * Reports (SPEC.md §5): the funnel, MQL and SQL volume per week against the rulebook's targets, SLA
 * compliance by rep and team, recycle reasons, and cost and ROI by source and campaign, each a chart
 * with its figures in a table beside it, and downloadable as CSV or JSON. Admins enter campaign
 * costs here; viewers read.
 */
export const reportRoutes: RouteGroup = {
  name: 'reports',
  access: 'members',
  router(deps) {
    const router = Router();
    const { store } = deps.runtime;

    async function figures(workspaceId: string, weeks: number): Promise<Figures> {
      const window = { now: new Date(deps.clock()), weeks };
      const [funnel, targets, sla, recycle, roi, costs] = await Promise.all([
        funnelReport(store.db, workspaceId),
        rulebookTargets(store, workspaceId),
        slaReport(store.db, workspaceId, window),
        recycleReport(store.db, workspaceId, window),
        roiReport(store.db, workspaceId),
        listCampaignCosts(store.db, workspaceId),
      ]);
      const volume = await volumeReport(store.db, workspaceId, window, targets.targets);
      return { weeks, funnel, volume, targetNote: targets.note, sla, recycle, roi, costs };
    }

    router.get('/console/reports', ...member, async (req, res) => {
      // a page link with an odd parameter still shows the page, over the default window
      const parsed = PageQuery.safeParse(req.query);
      const query = parsed.success ? parsed.data : {};
      const session = sessionOf(res)!;
      const weeks = query.weeks ? Number(query.weeks) : DEFAULT_WEEKS;
      const notice = query.saved === 'cost' ? 'Cost saved. The cost and ROI tables below include it.' : null;
      res.type('html').send(reportsPage(session, await figures(session.workspaceId, weeks), { notice, errors: {}, values: {} }));
    });

    router.get('/console/reports/export', ...member, async (req, res) => {
      const query = validate(req, res, 'query', ExportQuery);
      if (!query) return;
      const session = sessionOf(res)!;
      const now = new Date(deps.clock());
      const { report, table } = await runReport(store, session.workspaceId, query.report, { now, weeks: query.weeks ? Number(query.weeks) : DEFAULT_WEEKS });
      const file = `leadstage-${query.report}-${now.toISOString().slice(0, 10)}.${query.format}`;
      res.attachment(file);
      if (query.format === 'json') res.type('application/json').send(JSON.stringify({ report: query.report, generatedAt: now.toISOString(), ...report }, null, 2));
      else res.type('text/csv; charset=utf-8; header=present').send(toCsv(table.header, table.rows));
    });

    router.post('/console/reports/costs', ...member, async (req, res: Response) => {
      const session = sessionOf(res)!;
      const parsed = CostBody.safeParse(req.body ?? {});
      if (!parsed.success) {
        if (!fromForm(req)) return void validate(req, res, 'body', CostBody);
        const errors: Partial<Record<CostField, string>> = {};
        for (const issue of parsed.error.issues) {
          const field = issue.path[0] as CostField;
          if (COST_FIELDS.includes(field)) errors[field] ??= issue.message;
        }
        const body = (req.body ?? {}) as Record<string, unknown>;
        const values = Object.fromEntries(COST_FIELDS.map((f) => [f, typeof body[f] === 'string' ? (body[f] as string).slice(0, 300) : ''])) as Partial<Record<CostField, string>>;
        res.status(400).type('html').send(reportsPage(session, await figures(session.workspaceId, DEFAULT_WEEKS), { notice: null, errors, values }));
        return;
      }
      const { _csrf: _ignored, ...cost } = parsed.data;
      const saved = await saveCampaignCost(store.db, session.workspaceId, cost, session.email);
      deps.runtime.logger.info('campaign cost saved', { workspaceId: session.workspaceId, source: saved.source, campaign: saved.campaign, period: saved.period, by: session.userId });
      if (fromForm(req)) return res.redirect(303, '/console/reports?saved=cost#costs');
      res.status(201).json({ cost: saved });
    });
    return router;
  },
};

interface CostForm {
  notice: string | null;
  errors: Partial<Record<CostField, string>>;
  values: Partial<Record<CostField, string>>;
}

const pct = (rate: number | null) => (rate === null ? '—' : `${(rate * 100).toFixed(rate * 100 % 1 === 0 ? 0 : 1)} %`);
const num = (n: number) => n.toLocaleString('en');
const money = (n: number | null, currency: string) => (n === null ? '—' : `${n.toLocaleString('en', { minimumFractionDigits: 0, maximumFractionDigits: 2 })} ${currency}`);
const STAGE_LABELS: Record<string, string> = { contact: 'Contact', lead: 'Lead', mql: 'MQL', sql: 'SQL', opportunity: 'Opportunity', customer: 'Customer', evangelist: 'Evangelist', nurture: 'Nurture', disqualified: 'Disqualified' };
const label = (stage: string) => STAGE_LABELS[stage] ?? stage;

/** Seconds as the largest sensible unit: "45 min", "5.5 h", "3 d". */
export function duration(seconds: number | null): string {
  if (seconds === null) return '—';
  if (seconds < 3_600) return `${Math.round(seconds / 60)} min`;
  if (seconds < 172_800) return `${(seconds / 3_600).toFixed(seconds % 3_600 === 0 ? 0 : 1)} h`;
  return `${(seconds / 86_400).toFixed(seconds % 86_400 === 0 ? 0 : 1)} d`;
}

function reportsPage(session: WebSession, f: Figures, form: CostForm): string {
  const admin = session.role === 'admin';
  const body = html`<h1>Reports</h1>
    ${form.notice ? html`<p class="notice" role="status">${form.notice}</p>` : ''}
    <form method="get" action="/console/reports" class="actions"><label for="weeks">Volume, SLA and recycle cover the last</label>
      <select id="weeks" name="weeks">${WEEK_CHOICES.map((w) => html`<option value="${w}"${w === f.weeks ? html` selected` : ''}>${w} weeks</option>`)}</select>
      <button type="submit">Show</button>
      <span class="muted">Download: ${REPORT_NAMES.map((r) => html`<a href="/console/reports/export?report=${r}&amp;format=csv&amp;weeks=${f.weeks}">${r}.csv</a> `)}(or <code>leadstage report &lt;name&gt;</code>)</span></form>
    ${funnelSection(f.funnel)}
    ${volumeSection(f)}
    ${slaSection(f.sla)}
    ${recycleSection(f.recycle)}
    ${roiSection(f.roi, f.costs, admin, session, form)}`;
  return consolePage('Reports', session, '/console/reports', body);
}

function funnelSection(funnel: FunnelReport): Raw {
  const now = funnel.stages.filter((s) => s.stage !== 'evangelist' || s.people > 0);
  const total = now.reduce((n, s) => n + s.people, 0);
  return html`<section class="card" id="funnel" aria-labelledby="funnel-h"><h2 id="funnel-h">Funnel</h2>
    ${barChart('funnel-chart', 'People per stage now', `${num(total)} people: ${now.map((s) => `${label(s.stage)} ${s.people}`).join(', ')}.`, now.map((s) => ({ label: label(s.stage), value: s.people, color: s.stage === 'nurture' ? CHART_COLORS.warn : s.stage === 'disqualified' ? CHART_COLORS.muted : CHART_COLORS.primary })))}
    <h3>Conversion between stages</h3>
    <p class="muted">Of the people who ever reached a stage, the share who reached the next one (a person recycled to nurture keeps the stages they reached).</p>
    <table id="conversions"><thead><tr><th>From</th><th>To</th><th>Reached the first</th><th>Reached the next</th><th>Conversion</th></tr></thead><tbody>
      ${funnel.conversions.map((c) => html`<tr data-conversion="${c.from}-${c.to}"><td>${label(c.from)}</td><td>${label(c.to)}</td><td>${num(c.reachedFrom)}</td><td>${num(c.reachedTo)}</td><td>${pct(c.rate)}</td></tr>`)}
    </tbody></table>
    <h3>Time in stage</h3>
    <p class="muted">Over the stays that ended (the person moved on); a stay still running is not counted.</p>
    <table id="time-in-stage"><thead><tr><th>Stage</th><th>Stays ended</th><th>Median</th><th>90th percentile</th></tr></thead><tbody>
      ${funnel.timeInStage.filter((t) => t.stays > 0).map((t) => html`<tr data-stage="${t.stage}"><td>${label(t.stage)}</td><td>${num(t.stays)}</td><td>${duration(t.medianSeconds)}</td><td>${duration(t.p90Seconds)}</td></tr>`)}
      ${funnel.timeInStage.every((t) => t.stays === 0) ? html`<tr><td colspan="4">No stay has ended yet.</td></tr>` : ''}
    </tbody></table></section>`;
}

function volumeSection(f: Figures): Raw {
  const v = f.volume;
  const weeks = v.weeks.map((w) => w.week);
  const sum = (key: 'mql' | 'sql') => v.weeks.reduce((n, w) => n + w[key], 0);
  const description = `${v.weeks.length} weeks: ${sum('mql')} MQLs and ${sum('sql')} SQLs${v.target ? `, against targets of ${v.target.mqlPerWeek.toFixed(1)} MQLs and ${v.target.sqlPerWeek.toFixed(1)} SQLs a week` : ''}.`;
  return html`<section class="card" id="volume" aria-labelledby="volume-h"><h2 id="volume-h">MQL and SQL volume per week</h2>
    <p class="muted">People who entered MQL and SQL each week (weeks start on Monday, ${v.timeZone}). ${v.target ? `Targets: the published rulebook's per-quarter commitment ÷ 13.` : (f.targetNote ?? '')}</p>
    ${weeklyChart('volume-chart', 'MQL and SQL volume per week', description, weeks, [
      { name: 'MQL', color: CHART_COLORS.primary, values: v.weeks.map((w) => w.mql), target: v.target ? Math.round(v.target.mqlPerWeek * 10) / 10 : null },
      { name: 'SQL', color: CHART_COLORS.second, values: v.weeks.map((w) => w.sql), target: v.target ? Math.round(v.target.sqlPerWeek * 10) / 10 : null },
    ])}
    <table id="volume-table"><thead><tr><th>Week of</th><th>MQL</th><th>of target</th><th>SQL</th><th>of target</th></tr></thead><tbody>
      ${v.weeks.map((w) => html`<tr data-week="${w.week}"><td>${w.week}</td><td>${w.mql}</td><td>${pct(w.mqlVsTarget)}</td><td>${w.sql}</td><td>${pct(w.sqlVsTarget)}</td></tr>`)}
    </tbody></table></section>`;
}

const SLA_HEAD = html`<th>Handoffs</th><th>Met</th><th>Met late</th><th>Breached</th><th>Expired</th><th>Pending</th><th>On time</th><th>Touched</th><th>≤ 30 min</th><th>≤ 1 day</th>`;
const slaCells = (c: SlaCounts) => html`<td>${c.handoffs}</td><td>${c.met}</td><td>${c.metLate}</td><td>${c.breached}</td><td>${c.expired}</td><td>${c.pending}</td><td>${pct(c.onTimeRate)}</td><td>${pct(c.touchedRate)}</td><td>${c.within30Minutes}</td><td>${c.withinOneDay}</td>`;

function slaSection(sla: SlaReport): Raw {
  const t = sla.total;
  return html`<section class="card" id="sla" aria-labelledby="sla-h"><h2 id="sla-h">SLA compliance</h2>
    <p class="muted">Rep handoffs started ${when(sla.since)} – ${when(sla.until)}. On time: met ÷ (met + met late + breached + expired); touched: (met + met late) ÷ the same.</p>
    <p><strong data-fact="on-time">${pct(t.onTimeRate)}</strong> met on time, <strong>${pct(t.touchedRate)}</strong> touched, of ${num(t.handoffs)} handoffs.</p>
    ${barChart('sla-chart', 'Handoffs by SLA status', `${t.handoffs} handoffs: met ${t.met}, met late ${t.metLate}, breached ${t.breached}, expired ${t.expired}, pending ${t.pending}, closed ${t.closed}.`, [
      { label: 'Met', value: t.met, color: CHART_COLORS.second },
      { label: 'Met late', value: t.metLate, color: CHART_COLORS.warn },
      { label: 'Breached', value: t.breached, color: CHART_COLORS.bad },
      { label: 'Expired', value: t.expired, color: CHART_COLORS.muted },
      { label: 'Pending', value: t.pending, color: CHART_COLORS.primary },
      { label: 'Closed', value: t.closed, color: CHART_COLORS.muted },
    ])}
    <h3>By rep</h3>
    <table id="sla-reps"><thead><tr><th>Owner</th>${SLA_HEAD}</tr></thead><tbody>
      ${sla.byRep.map((r) => html`<tr data-owner="${r.ownerId ?? ''}"><td>${r.ownerId === null ? html`<em>unassigned</em>` : r.ownerName ? html`${r.ownerName} <span class="muted"><small>${r.ownerId}</small></span>` : r.ownerId}</td>${slaCells(r)}</tr>`)}
      ${sla.byRep.length === 0 ? html`<tr><td colspan="11">No handoff in this period.</td></tr>` : ''}
    </tbody></table>
    <p class="muted">Reps by the name their CRM gives them (its owner or user id beside it); an id alone is an owner the CRM no longer lists.</p>
    <h3>By team</h3>
    <table id="sla-teams"><thead><tr><th>Team</th>${SLA_HEAD}</tr></thead><tbody>
      ${sla.byTeam.map((r) => html`<tr data-team="${r.team ?? ''}"><td>${r.team ?? html`<em>no team</em>`}</td>${slaCells(r)}</tr>`)}
      ${sla.byTeam.length === 0 ? html`<tr><td colspan="11">No handoff in this period.</td></tr>` : ''}
    </tbody></table></section>`;
}

function recycleSection(recycle: RecycleReport): Raw {
  return html`<section class="card" id="recycle" aria-labelledby="recycle-h"><h2 id="recycle-h">Recycle and nurture reasons</h2>
    <p class="muted">Moves to nurture and to disqualified ${when(recycle.since)} – ${when(recycle.until)}, by the reason recorded with them.</p>
    ${barChart('recycle-chart', 'Recycle and nurture reasons', recycle.reasons.length === 0 ? 'No move to nurture or disqualified in this period.' : recycle.reasons.map((r) => `${r.stage}: ${r.reason}, ${r.transitions}`).join('; '), recycle.reasons.map((r) => ({ label: r.reason.length > 34 ? `${r.reason.slice(0, 33)}…` : r.reason, value: r.transitions, text: `${r.transitions} (${r.stage})`, color: r.stage === 'nurture' ? CHART_COLORS.warn : CHART_COLORS.muted })))}
    <table id="recycle-table"><thead><tr><th>Stage</th><th>Reason</th><th>Moves</th><th>People</th></tr></thead><tbody>
      ${recycle.reasons.map((r) => html`<tr><td>${label(r.stage)}</td><td>${r.reason}</td><td>${r.transitions}</td><td>${r.people}</td></tr>`)}
      ${recycle.reasons.length === 0 ? html`<tr><td colspan="4">None in this period.</td></tr>` : ''}
    </tbody></table></section>`;
}

const ROI_HEAD = html`<th>Cost</th><th>Leads</th><th>MQLs</th><th>SQLs</th><th>Customers</th><th>per lead</th><th>per MQL</th><th>per SQL</th><th>per customer</th><th>Revenue</th><th>ROI</th>`;
const roiCells = (r: RoiRow) => html`<td>${money(r.cost, r.currency)}</td><td>${r.leads}</td><td>${r.mqls}</td><td>${r.sqls}</td><td>${r.customers}</td><td>${money(r.costPerLead, r.currency)}</td><td>${money(r.costPerMql, r.currency)}</td><td>${money(r.costPerSql, r.currency)}</td><td>${money(r.costPerCustomer, r.currency)}</td><td>${money(r.revenue, r.currency)}</td><td>${pct(r.roi)}</td>`;

function roiSection(roi: RoiReport, costs: CampaignCostRecord[], admin: boolean, session: WebSession, form: CostForm): Raw {
  const field = (name: CostField, text: string, attrs: Raw, hint: string) => {
    const error = form.errors[name];
    return html`<p><label for="cost-${name}">${text}</label>
      <input id="cost-${name}" name="${name}" value="${form.values[name] ?? (name === 'currency' ? 'USD' : '')}" ${attrs}${error ? html` aria-invalid="true" aria-describedby="cost-${name}-error"` : html` aria-describedby="cost-${name}-hint"`}>
      ${error ? html`<span id="cost-${name}-error" class="error">${error}</span>` : html`<small id="cost-${name}-hint" class="muted">${hint}</small>`}</p>`;
  };
  const invalid = Object.keys(form.errors).length > 0;
  return html`<section class="card" id="costs" aria-labelledby="costs-h"><h2 id="costs-h">Cost and ROI by source and campaign</h2>
    <p class="muted">Costs entered below against the people whose source (and campaign) the CRM records, to date. ROI = (revenue − cost) ÷ cost, where revenue is the ${roi.revenueBasis}.</p>
    ${barChart('roi-chart', 'Cost per lead by source', roi.bySource.map((r) => `${r.source}: ${money(r.costPerLead, r.currency)} per lead`).join('; ') || 'No cost entered yet.', roi.bySource.filter((r) => r.costPerLead !== null).map((r) => ({ label: `${r.source} (${r.currency})`, value: r.costPerLead!, text: `${money(r.costPerLead, r.currency)} per lead` })))}
    <h3>By source</h3>
    <table id="roi-sources"><thead><tr><th>Source</th>${ROI_HEAD}</tr></thead><tbody>
      ${roi.bySource.map((r) => html`<tr data-source="${r.source}"><td>${r.source}</td>${roiCells(r)}</tr>`)}
      ${roi.bySource.length === 0 ? html`<tr><td colspan="12">No cost entered yet.</td></tr>` : ''}
    </tbody></table>
    <h3>By campaign</h3>
    <table id="roi-campaigns"><thead><tr><th>Source</th><th>Campaign</th>${ROI_HEAD}</tr></thead><tbody>
      ${roi.byCampaign.map((r) => html`<tr data-campaign="${r.source}/${r.campaign}"><td>${r.source}</td><td>${r.campaign}</td>${roiCells(r)}</tr>`)}
      ${roi.byCampaign.length === 0 ? html`<tr><td colspan="13">No cost entered for a campaign yet.</td></tr>` : ''}
    </tbody></table>
    ${admin ? html`<h3>Enter a cost</h3>
      ${invalid ? html`<p class="error" role="alert">Nothing was saved: correct the fields marked below.</p>` : ''}
      <form method="post" action="/console/reports/costs" id="cost-form" novalidate>${csrfField(session)}
        ${field('source', 'Source', html`required maxlength="200"`, 'as the CRM names it, e.g. “Paid search”')}
        ${field('campaign', 'Campaign (optional)', html`maxlength="200"`, 'leave empty for the source as a whole')}
        ${field('period', 'Month', html`required placeholder="2026-11" maxlength="7"`, 'YYYY-MM; the same source, campaign and month again replaces the amount')}
        ${field('amount', 'Amount', html`required inputmode="decimal" maxlength="16"`, 'e.g. 1250.50')}
        ${field('currency', 'Currency', html`required maxlength="3" size="4"`, 'ISO 4217, e.g. USD')}
        <button type="submit" class="primary">Save cost</button></form>` : ''}
    <h3>Costs entered</h3>
    <table id="cost-list"><thead><tr><th>Month</th><th>Source</th><th>Campaign</th><th>Amount</th><th>Entered by</th><th>When</th></tr></thead><tbody>
      ${costs.map((c) => html`<tr><td>${c.period}</td><td>${c.source}</td><td>${c.campaign || html`<em>whole source</em>`}</td><td>${money(c.amount, c.currency)}</td><td>${c.enteredBy}</td><td>${when(c.updatedAt)}</td></tr>`)}
      ${costs.length === 0 ? html`<tr><td colspan="6">None yet.${admin ? '' : ' An admin enters them.'}</td></tr>` : ''}
    </tbody></table></section>`;
}
