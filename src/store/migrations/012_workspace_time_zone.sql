-- 012: a workspace's own time zone. Scores fade by whole days there, and an SLA clock whose owner's
-- zone the CRM does not know runs there (SPEC.md §3.6, §3.10). An IANA name, checked by the app.
ALTER TABLE workspaces ADD COLUMN time_zone text NOT NULL DEFAULT 'UTC';
