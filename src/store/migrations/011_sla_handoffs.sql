-- 011: the follow-up agreement runs by itself (SPEC.md §3.10). One row per handoff: the moment a
-- person became SQL (or reached an MQL tier the rulebook hands off, or was held for missing fields)
-- in the CRM where a rep works them. The sla job wakes on next_due_at through a partial index, so
-- a tick reads the handoffs that are due, never everyone.
CREATE TABLE sla_handoffs (
  id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  workspace_id       uuid NOT NULL,
  installation_id    uuid NOT NULL,
  person_id          uuid NOT NULL,
  -- the same key as the first-touch task: the person and the moment their SLA started
  handoff_key        text NOT NULL,
  -- 'handoff': a rep follows up; 'held': required fields are missing and marketing completes them
  kind               text NOT NULL DEFAULT 'handoff' CHECK (kind IN ('handoff', 'held')),
  started_at         timestamptz NOT NULL,
  first_touch_due_at timestamptz NOT NULL,
  owner_id           text,
  -- how the owner was chosen: the record's owner, the rulebook's assignment rule, or nobody
  owner_source       text NOT NULL DEFAULT 'record' CHECK (owner_source IN ('record', 'round_robin', 'territory', 'none')),
  team               text,
  time_zone          text NOT NULL DEFAULT 'UTC',
  status             text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'met', 'met_late', 'breached', 'expired', 'closed')),
  first_touched_at   timestamptz,
  escalated_at       timestamptz,
  -- the cadence step whose task is created next (0 = the first touch)
  next_step          integer NOT NULL DEFAULT 0 CHECK (next_step >= 0),
  -- when the sla job must look again (a step due, the escalation, the end of the cadence); NULL once finished
  next_due_at        timestamptz,
  outcome            text,
  outcome_reason     text,
  closed_at          timestamptz,
  note               text,
  rulebook_version   text NOT NULL,
  created_at         timestamptz NOT NULL DEFAULT now(),
  updated_at         timestamptz NOT NULL DEFAULT now(),
  UNIQUE (installation_id, handoff_key),
  FOREIGN KEY (workspace_id, installation_id) REFERENCES installations (workspace_id, id) ON DELETE CASCADE,
  FOREIGN KEY (workspace_id, person_id) REFERENCES people (workspace_id, id) ON DELETE CASCADE
);
CREATE INDEX sla_handoffs_due ON sla_handoffs (installation_id, next_due_at) WHERE next_due_at IS NOT NULL;
CREATE INDEX sla_handoffs_person ON sla_handoffs (person_id);
CREATE INDEX sla_handoffs_report ON sla_handoffs (workspace_id, started_at);

-- A task now belongs to a handoff and says which step of it it is.
ALTER TABLE tasks ADD COLUMN sla_handoff_id uuid REFERENCES sla_handoffs (id) ON DELETE CASCADE;
ALTER TABLE tasks ADD COLUMN kind text NOT NULL DEFAULT 'first_touch' CHECK (kind IN ('first_touch', 'cadence', 'escalation', 'held'));
ALTER TABLE tasks ADD COLUMN step integer;
ALTER TABLE tasks ADD COLUMN owner_id text;
ALTER TABLE tasks ADD COLUMN subject text;
CREATE INDEX tasks_sla_handoff ON tasks (sla_handoff_id) WHERE sla_handoff_id IS NOT NULL;
