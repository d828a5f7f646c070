import { z } from 'zod';
import type { Queryable } from '../store';

/**
 * What an admin enters about a cost: a source (as the CRM names it, e.g. "Paid search"), optionally
 * one of its campaigns, the month it was spent, the amount and its currency. Parsed at the edge (the
 * console's form); each problem names the field and the value.
 */
export const CampaignCostInput = z.object({
  source: z.string().trim().min(1, 'give the source, as the CRM names it (e.g. "Paid search")').max(200, 'at most 200 characters'),
  campaign: z.string().trim().max(200, 'at most 200 characters').default(''),
  period: z.string().trim().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'expected a month as YYYY-MM, e.g. 2026-11'),
  amount: z
    .string()
    .trim()
    .regex(/^\d{1,12}(\.\d{1,2})?$/, 'expected an amount such as 1250 or 1250.50 (no currency sign, no thousands separator)'),
  currency: z
    .string()
    .trim()
    .transform((c) => c.toUpperCase())
    .pipe(z.string().regex(/^[A-Z]{3}$/, 'expected a three-letter ISO 4217 currency code such as USD')),
});
export type CampaignCost = z.infer<typeof CampaignCostInput>;

export interface CampaignCostRecord {
  id: string;
  source: string;
  campaign: string;
  period: string;
  amount: number;
  currency: string;
  enteredBy: string;
  updatedAt: string;
}

/** Saves a cost; the same source, campaign, month and currency again replaces the amount. */
export async function saveCampaignCost(db: Queryable, workspaceId: string, cost: CampaignCost, enteredBy: string): Promise<CampaignCostRecord> {
  const { rows } = await db.query<CampaignCostRecord>(
    `INSERT INTO campaign_costs (workspace_id, source, campaign, period, amount, currency, entered_by)
     VALUES ($1, $2, $3, $4, $5::numeric, $6, $7)
     ON CONFLICT (workspace_id, source, campaign, period, currency)
     DO UPDATE SET amount = EXCLUDED.amount, entered_by = EXCLUDED.entered_by, updated_at = now()
     RETURNING ${COLUMNS}`,
    [workspaceId, cost.source, cost.campaign, cost.period, cost.amount, cost.currency, enteredBy],
  );
  return rows[0]!;
}

/** The workspace's costs, newest month first (a page of at most `limit`). */
export async function listCampaignCosts(db: Queryable, workspaceId: string, limit = 200): Promise<CampaignCostRecord[]> {
  const { rows } = await db.query<CampaignCostRecord>(
    `SELECT ${COLUMNS} FROM campaign_costs WHERE workspace_id = $1 ORDER BY period DESC, source, campaign LIMIT $2`,
    [workspaceId, limit],
  );
  return rows;
}

const COLUMNS = `id, source, campaign, period, amount::float8 AS amount, currency, entered_by AS "enteredBy", updated_at AS "updatedAt"`;
