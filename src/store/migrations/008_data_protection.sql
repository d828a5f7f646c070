-- 008: the data Leadstage may keep (docs/data-protection.md).
--
-- A record deleted in its CRM (or deleted there for privacy) erases what no other system still
-- holds: the person when they have no other live record in the workspace, else that record's own
-- values. To take one record's values out of a person's merged snapshot, each record keeps the
-- canonical values it last brought (NULL: not pulled since this migration, so unknown).
ALTER TABLE person_identities ADD COLUMN record_values jsonb;
ALTER TABLE person_identities ADD COLUMN record_values_at timestamptz;

-- An erasure leaves proof that it happened and nothing of whom it was about: the subject is a keyed
-- HMAC of the normalised email (the key derived from LEADSTAGE_SECRET_KEY), so a repeated request
-- is recognised without the email being stored. No foreign key to installations: the audit
-- outlives an uninstalled system. Retention never prunes it.
CREATE TABLE erasure_audit (
  id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  workspace_id     uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
  installation_id  uuid,
  requested_at     timestamptz NOT NULL,
  reason           text NOT NULL CHECK (reason IN ('crm_delete', 'crm_privacy_delete', 'request')),
  subject_hash     text,
  people_erased    integer NOT NULL DEFAULT 0,
  counts           jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX erasure_audit_subject ON erasure_audit (workspace_id, subject_hash) WHERE subject_hash IS NOT NULL;

-- Retention: a per-record error is resolved once a later write of that person to that system is
-- confirmed; resolved errors are pruned after LEADSTAGE_RECORD_ERROR_RETENTION_DAYS.
ALTER TABLE record_errors ADD COLUMN resolved_at timestamptz;
CREATE INDEX record_errors_resolved ON record_errors (workspace_id, resolved_at) WHERE resolved_at IS NOT NULL;
-- errors that name a record without a person (a record that could not be read) go with the record
CREATE INDEX record_errors_record ON record_errors (installation_id, crm_id) WHERE crm_id IS NOT NULL;

-- Retention: events older than the rulebook's horizon plus a margin are pruned per workspace in
-- batches, found by time instead of by scanning the table.
CREATE INDEX events_workspace_time ON events (workspace_id, occurred_at);
