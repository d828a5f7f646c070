-- 013: what an admin spent on a source or campaign, so the reports can put cost per lead, per MQL,
-- per SQL and per customer, and ROI, next to the funnel (SPEC.md §5). One row per source, campaign
-- and month; entering the same month again replaces the amount. A person's own source and campaign
-- live in their canonical snapshot (people.snapshot: source, campaign), read from the CRM by each
-- connector's mapping; the index below lets the ROI report group people by them without a scan of
-- the snapshots of other workspaces.
CREATE TABLE campaign_costs (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  workspace_id  uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
  source        text NOT NULL CHECK (length(source) BETWEEN 1 AND 200),
  -- '' when the cost is the source's as a whole, not one campaign's
  campaign      text NOT NULL DEFAULT '' CHECK (length(campaign) <= 200),
  -- the month the money was spent, 'YYYY-MM'
  period        text NOT NULL CHECK (period ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
  amount        numeric(14, 2) NOT NULL CHECK (amount >= 0),
  currency      text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
  entered_by    text NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now(),
  UNIQUE (workspace_id, source, campaign, period, currency)
);
CREATE INDEX people_attribution ON people (workspace_id, (snapshot ->> 'source'), (snapshot ->> 'campaign'));
