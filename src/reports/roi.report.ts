import type { Queryable } from '../store';
import { FUNNEL_ORDER, TOPS_CTE, rankOf } from './funnel-ranks';

/** Cost per lead, MQL, SQL and customer, and ROI, for one source or one campaign in one currency. */
export interface RoiRow {
  source: string;
  /** null on a source's row (all its campaigns and its source-wide costs together). */
  campaign: string | null;
  currency: string;
  cost: number;
  leads: number;
  mqls: number;
  sqls: number;
  customers: number;
  costPerLead: number | null;
  costPerMql: number | null;
  costPerSql: number | null;
  costPerCustomer: number | null;
  /** The sum of the attributed people's won deal amounts (Person.deals.wonAmount); null when no one has one. */
  revenue: number | null;
  /** (revenue − cost) / cost; null without revenue or cost. */
  roi: number | null;
}

export interface RoiReport {
  bySource: RoiRow[];
  byCampaign: RoiRow[];
  /** Says which figure ROI uses, for the page and the CLI. */
  revenueBasis: string;
}

export const REVENUE_BASIS = "won deal amounts the CRM reports on the person's deals, in the CRM's currency, assumed to be the cost's currency";

interface Group {
  source: string;
  campaign: string;
  leads: number;
  mqls: number;
  sqls: number;
  customers: number;
  revenue: number | null;
}

/**
 * Costs the admin entered, against the people attributed to the same source (and campaign), to
 * date: a lead is a person who reached the lead stage, an MQL one who reached MQL (ever, recycled
 * or not), and so on; a customer reached the customer stage or has a won deal. People are counted
 * in the database, grouped by source and campaign, and only for the sources that have costs.
 */
export async function roiReport(db: Queryable, workspaceId: string): Promise<RoiReport> {
  const [costs, groups] = await Promise.all([
    db.query<{ source: string; campaign: string; currency: string; cost: number }>(
      `SELECT source, campaign, currency, sum(amount)::float8 AS cost FROM campaign_costs WHERE workspace_id = $1
        GROUP BY source, campaign, currency ORDER BY source, campaign, currency`,
      [workspaceId],
    ),
    db.query<Group>(
      `WITH ${TOPS_CTE},
       attributed AS (
         SELECT p.id, p.snapshot ->> 'source' AS source, coalesce(p.snapshot ->> 'campaign', '') AS campaign,
                coalesce((p.snapshot -> 'deals' ->> 'won')::int, 0) AS won, (p.snapshot -> 'deals' ->> 'wonAmount')::float8 AS won_amount
           FROM people p
          WHERE p.workspace_id = $1
            AND p.snapshot ->> 'source' IN (SELECT source FROM campaign_costs WHERE workspace_id = $1)
       )
       SELECT a.source, a.campaign,
              count(*) FILTER (WHERE coalesce(t.top, 1) >= $3)::int AS leads,
              count(*) FILTER (WHERE coalesce(t.top, 1) >= $4)::int AS mqls,
              count(*) FILTER (WHERE coalesce(t.top, 1) >= $5)::int AS sqls,
              count(*) FILTER (WHERE coalesce(t.top, 1) >= $6 OR a.won > 0)::int AS customers,
              sum(a.won_amount)::float8 AS revenue
         FROM attributed a LEFT JOIN tops t ON t.person_id = a.id
        GROUP BY a.source, a.campaign`,
      [workspaceId, FUNNEL_ORDER, rankOf('lead'), rankOf('mql'), rankOf('sql'), rankOf('customer')],
    ),
  ]);
  const bySourceCost = new Map<string, number>();
  for (const c of costs.rows) bySourceCost.set(`${c.source}\u0000${c.currency}`, (bySourceCost.get(`${c.source}\u0000${c.currency}`) ?? 0) + c.cost);
  const bySource = [...bySourceCost].map(([key, cost]) => {
    const [source, currency] = key.split('\u0000') as [string, string];
    return row(source, null, currency, cost, sum(groups.rows.filter((g) => g.source === source)));
  });
  const byCampaign = costs.rows
    .filter((c) => c.campaign !== '')
    .map((c) => row(c.source, c.campaign, c.currency, c.cost, sum(groups.rows.filter((g) => g.source === c.source && g.campaign === c.campaign))));
  return { bySource, byCampaign, revenueBasis: REVENUE_BASIS };
}

function sum(groups: readonly Group[]): Omit<Group, 'source' | 'campaign'> {
  const revenues = groups.map((g) => g.revenue).filter((r): r is number => r !== null);
  return {
    leads: groups.reduce((n, g) => n + g.leads, 0),
    mqls: groups.reduce((n, g) => n + g.mqls, 0),
    sqls: groups.reduce((n, g) => n + g.sqls, 0),
    customers: groups.reduce((n, g) => n + g.customers, 0),
    revenue: revenues.length > 0 ? revenues.reduce((a, b) => a + b, 0) : null,
  };
}

function row(source: string, campaign: string | null, currency: string, cost: number, people: Omit<Group, 'source' | 'campaign'>): RoiRow {
  const per = (n: number) => (n > 0 ? round2(cost / n) : null);
  return {
    source,
    campaign,
    currency,
    cost: round2(cost),
    ...people,
    costPerLead: per(people.leads),
    costPerMql: per(people.mqls),
    costPerSql: per(people.sqls),
    costPerCustomer: per(people.customers),
    roi: people.revenue !== null && cost > 0 ? (people.revenue - cost) / cost : null,
  };
}

const round2 = (n: number) => Math.round(n * 100) / 100;
