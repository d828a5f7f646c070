-- 003: a CRM record can stop being a place to write while staying part of its person's history:
-- a Salesforce lead converted into a contact, a record deleted in the CRM, or merged into another.
-- Retired identities still match incoming events (a task logged on the old lead id finds the
-- person) but are never written to, never get tasks and are not re-scored on their own.
ALTER TABLE person_identities ADD COLUMN retired_at timestamptz;
ALTER TABLE person_identities ADD COLUMN retired_reason text
  CHECK (retired_reason IS NULL OR retired_reason IN ('converted', 'deleted', 'merged'));
ALTER TABLE person_identities ADD CONSTRAINT person_identities_retired_reason
  CHECK ((retired_at IS NULL) = (retired_reason IS NULL));
