-- 014: the owner directory and round robin behind handoff assignment (SPEC.md §3.10). Each
-- installation's CRM owners (users) are cached here, read again from the CRM at most every few
-- hours, never per handoff; a handoff's owner, zone and manager are looked up in the cache.
CREATE TABLE crm_owner_directories (
  installation_id uuid PRIMARY KEY,
  workspace_id    uuid NOT NULL,
  -- when the CRM was last read; the list below is what it said then
  refreshed_at    timestamptz NOT NULL,
  -- false: the CRM would not list its owners to this installation (a scope or permission it lacks)
  listed          boolean NOT NULL DEFAULT true,
  FOREIGN KEY (workspace_id, installation_id) REFERENCES installations (workspace_id, id) ON DELETE CASCADE
);

CREATE TABLE crm_owners (
  installation_id uuid NOT NULL REFERENCES crm_owner_directories (installation_id) ON DELETE CASCADE,
  -- the CRM's own id (owner ids are per CRM: never compared across installations)
  owner_id        text NOT NULL,
  name            text,
  email           text,
  -- an IANA zone where the CRM knows it
  time_zone       text,
  manager_id      text,
  -- team names, the round-robin pools
  teams           jsonb NOT NULL DEFAULT '[]',
  active          boolean NOT NULL,
  PRIMARY KEY (installation_id, owner_id)
);

-- Whose turn it is in each team: one counter per installation and team, taken with a single
-- INSERT … ON CONFLICT DO UPDATE … RETURNING, so two workers never get the same turn.
CREATE TABLE crm_owner_turns (
  installation_id uuid NOT NULL,
  workspace_id    uuid NOT NULL,
  team            text NOT NULL,
  turns           bigint NOT NULL DEFAULT 0,
  PRIMARY KEY (installation_id, team),
  FOREIGN KEY (workspace_id, installation_id) REFERENCES installations (workspace_id, id) ON DELETE CASCADE
);
