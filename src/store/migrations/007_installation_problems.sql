-- Problems an admin should see and can fix, per installation: a field the connected CRM user may not
-- write, a value the CRM lacks, a permission missing. The connector finds them and carries on with
-- what it can do; the jobs record them here; a console shows them with their fix. One row per
-- problem (its key): found again, it is updated and counted, never repeated. `setup` problems are
-- replaced whole each time setup runs (a fixed one disappears); `runtime` ones are found while
-- syncing and stay until resolved.
-- (006 is left to the installs migration on another branch.)
CREATE TABLE installation_problems (
  installation_id  uuid NOT NULL,
  workspace_id     uuid NOT NULL,
  key              text NOT NULL,
  scope            text NOT NULL CHECK (scope IN ('setup', 'runtime')),
  code             text NOT NULL,
  message          text NOT NULL,
  fix              text NOT NULL,
  details          jsonb NOT NULL DEFAULT '{}',
  occurrences      integer NOT NULL DEFAULT 1,
  first_seen_at    timestamptz NOT NULL,
  last_seen_at     timestamptz NOT NULL,
  PRIMARY KEY (installation_id, key),
  FOREIGN KEY (workspace_id, installation_id) REFERENCES installations (workspace_id, id) ON DELETE CASCADE
);
