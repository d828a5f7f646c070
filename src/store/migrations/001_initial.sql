-- 001_initial: the whole store, workspace above installations from the start (SPEC.md §7: tenants are
-- isolated). Every table below a workspace carries workspace_id, and composite foreign keys
-- (workspace_id, x_id) make it impossible to link a person, event or task to an installation of
-- another workspace: the database refuses it, not just the repository code.

CREATE TABLE workspaces (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name        text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now()
);

-- One connected system. credentials_sealed holds secret-box.ts ciphertext only (tokens are encrypted
-- at rest); it is text, not bytea, because the two drivers return bytea differently.
CREATE TABLE installations (
  id                   uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  workspace_id         uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
  provider             text NOT NULL CHECK (provider IN ('hubspot', 'salesforce', 'marketo', 'pardot')),
  external_account_id  text NOT NULL,
  display_name         text NOT NULL,
  status               text NOT NULL DEFAULT 'pending'
                       CHECK (status IN ('pending', 'active', 'paused', 'disconnected', 'error')),
  credentials_sealed   text,
  created_at           timestamptz NOT NULL DEFAULT now(),
  updated_at           timestamptz NOT NULL DEFAULT now(),
  -- A HubSpot portal / Salesforce org belongs to exactly one workspace.
  UNIQUE (provider, external_account_id),
  UNIQUE (workspace_id, id)
);

CREATE TABLE field_mappings (
  id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  installation_id  uuid NOT NULL REFERENCES installations (id) ON DELETE CASCADE,
  object_type      text NOT NULL,
  canonical_field  text NOT NULL,
  crm_property     text NOT NULL,
  direction        text NOT NULL CHECK (direction IN ('read', 'write', 'both')),
  write_policy     text NOT NULL DEFAULT 'always' CHECK (write_policy IN ('always', 'if_empty', 'never')),
  -- A CRM property is fed by one canonical field, or two writers would fight over it.
  UNIQUE (installation_id, object_type, crm_property)
);

-- One rulebook per workspace, shared by its installations (SPEC.md §3: versioned on publish).
CREATE TABLE rulebook_versions (
  id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  workspace_id   uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
  version_label  text NOT NULL,
  yaml           text NOT NULL,
  status         text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'published', 'archived')),
  created_by     text NOT NULL,
  created_at     timestamptz NOT NULL DEFAULT now(),
  published_by   text,
  published_at   timestamptz,
  note           text,
  UNIQUE (workspace_id, version_label),
  CHECK (status <> 'published' OR (published_at IS NOT NULL AND published_by IS NOT NULL))
);
-- At most one published version per workspace, whatever the code does.
CREATE UNIQUE INDEX rulebook_versions_one_published ON rulebook_versions (workspace_id) WHERE status = 'published';

-- One human per workspace, however many CRM records point at them. snapshot is the canonical Person.
CREATE TABLE people (
  id                uuid PRIMARY KEY,
  workspace_id      uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
  email_normalized  text,
  snapshot          jsonb NOT NULL,
  created_at        timestamptz NOT NULL DEFAULT now(),
  updated_at        timestamptz NOT NULL DEFAULT now(),
  UNIQUE (workspace_id, id)
);
CREATE INDEX people_email ON people (workspace_id, email_normalized) WHERE email_normalized IS NOT NULL;

-- Links a person to each CRM record (HubSpot contact, Salesforce lead and contact, …).
CREATE TABLE person_identities (
  installation_id  uuid NOT NULL,
  object_type      text NOT NULL,
  crm_id           text NOT NULL,
  workspace_id     uuid NOT NULL,
  person_id        uuid NOT NULL,
  created_at       timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (installation_id, object_type, crm_id),
  FOREIGN KEY (workspace_id, installation_id) REFERENCES installations (workspace_id, id) ON DELETE CASCADE,
  FOREIGN KEY (workspace_id, person_id) REFERENCES people (workspace_id, id) ON DELETE CASCADE
);
CREATE INDEX person_identities_person ON person_identities (person_id);

CREATE TABLE events (
  id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  workspace_id     uuid NOT NULL,
  installation_id  uuid NOT NULL,
  person_id        uuid NOT NULL,
  source           text NOT NULL,
  event_id         text NOT NULL,
  type             text NOT NULL,
  occurred_at      timestamptz NOT NULL,
  properties       jsonb NOT NULL DEFAULT '{}',
  received_at      timestamptz NOT NULL DEFAULT now(),
  -- Re-delivered webhooks and overlapping sync pages are ignored on insert.
  UNIQUE (installation_id, source, event_id),
  FOREIGN KEY (workspace_id, installation_id) REFERENCES installations (workspace_id, id) ON DELETE CASCADE,
  FOREIGN KEY (workspace_id, person_id) REFERENCES people (workspace_id, id) ON DELETE CASCADE
);
CREATE INDEX events_person_time ON events (person_id, occurred_at);

-- The engine's last decision (a valid PreviousState for the next run); stage is copied out for reports.
CREATE TABLE person_state (
  person_id         uuid PRIMARY KEY,
  workspace_id      uuid NOT NULL,
  stage             text NOT NULL,
  decision          jsonb NOT NULL,
  rulebook_version  text NOT NULL,
  decided_at        timestamptz NOT NULL,
  FOREIGN KEY (workspace_id, person_id) REFERENCES people (workspace_id, id) ON DELETE CASCADE
);
CREATE INDEX person_state_stage ON person_state (workspace_id, stage);

-- Hash of the property values last confirmed written to one system: only changes are written (SPEC.md §4).
CREATE TABLE written_hashes (
  installation_id  uuid NOT NULL,
  person_id        uuid NOT NULL,
  workspace_id     uuid NOT NULL,
  hash             text NOT NULL,
  written_at       timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (installation_id, person_id),
  FOREIGN KEY (workspace_id, installation_id) REFERENCES installations (workspace_id, id) ON DELETE CASCADE,
  FOREIGN KEY (workspace_id, person_id) REFERENCES people (workspace_id, id) ON DELETE CASCADE
);

-- Every transition with time, rulebook version and reason (SPEC.md §2).
CREATE TABLE stage_transitions (
  id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  workspace_id      uuid NOT NULL,
  person_id         uuid NOT NULL,
  from_stage        text NOT NULL,
  to_stage          text NOT NULL,
  reason            text NOT NULL,
  at                timestamptz NOT NULL,
  rulebook_version  text NOT NULL,
  FOREIGN KEY (workspace_id, person_id) REFERENCES people (workspace_id, id) ON DELETE CASCADE
);
CREATE INDEX stage_transitions_person ON stage_transitions (person_id, at);
CREATE INDEX stage_transitions_report ON stage_transitions (workspace_id, to_stage, at);

-- Rep tasks. handoff_key is unique per installation so a retried job never creates a second task.
CREATE TABLE tasks (
  id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  workspace_id     uuid NOT NULL,
  installation_id  uuid NOT NULL,
  person_id        uuid NOT NULL,
  handoff_key      text NOT NULL,
  crm_task_id      text,
  due_at           timestamptz NOT NULL,
  status           text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'created', 'failed')),
  error            text,
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now(),
  UNIQUE (installation_id, handoff_key),
  FOREIGN KEY (workspace_id, installation_id) REFERENCES installations (workspace_id, id) ON DELETE CASCADE,
  FOREIGN KEY (workspace_id, person_id) REFERENCES people (workspace_id, id) ON DELETE CASCADE
);

-- Every pulled page is checkpointed (SPEC.md §7), per installation and stream.
CREATE TABLE sync_checkpoints (
  installation_id  uuid NOT NULL REFERENCES installations (id) ON DELETE CASCADE,
  stream           text NOT NULL,
  cursor           jsonb NOT NULL,
  updated_at       timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (installation_id, stream)
);

-- Pending CRM writes, deleted only once the CRM confirmed. One row per person and installation:
-- a newer decision replaces the pending payload, since only the latest state is worth writing.
-- claimed_until is a lease (a crashed worker's claim expires); claimed_hash is what the claimer
-- is writing, so confirming an older payload never deletes a newer one queued meanwhile.
CREATE TABLE outbox (
  id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  workspace_id     uuid NOT NULL,
  installation_id  uuid NOT NULL,
  person_id        uuid NOT NULL,
  payload          jsonb NOT NULL,
  hash             text NOT NULL,
  attempts         integer NOT NULL DEFAULT 0,
  last_error       text,
  created_at       timestamptz NOT NULL DEFAULT now(),
  next_attempt_at  timestamptz NOT NULL DEFAULT now(),
  claimed_until    timestamptz,
  claimed_hash     text,
  UNIQUE (installation_id, person_id),
  FOREIGN KEY (workspace_id, installation_id) REFERENCES installations (workspace_id, id) ON DELETE CASCADE,
  FOREIGN KEY (workspace_id, person_id) REFERENCES people (workspace_id, id) ON DELETE CASCADE
);
CREATE INDEX outbox_due ON outbox (installation_id, next_attempt_at);

-- Permanent per-record errors (a write the CRM will never accept), shown to admins.
CREATE TABLE record_errors (
  id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  workspace_id     uuid NOT NULL,
  installation_id  uuid NOT NULL,
  person_id        uuid,
  crm_id           text,
  code             text NOT NULL,
  message          text NOT NULL,
  details          jsonb,
  created_at       timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (workspace_id, installation_id) REFERENCES installations (workspace_id, id) ON DELETE CASCADE,
  FOREIGN KEY (workspace_id, person_id) REFERENCES people (workspace_id, id) ON DELETE CASCADE
);
CREATE INDEX record_errors_recent ON record_errors (installation_id, created_at DESC);
