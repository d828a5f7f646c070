-- 010: the console edits an installation's field mapping. Today's field_mappings gains the details
-- a connector's mapping file can carry (a value map, moving a lifecycle back, the company's
-- property), and every saved mapping is kept as a numbered version (who, when, the whole table),
-- like the rulebook's versions, so a change can be read back and undone.
ALTER TABLE field_mappings ADD COLUMN allow_backward boolean;
ALTER TABLE field_mappings ADD COLUMN "values" jsonb;
ALTER TABLE field_mappings ADD COLUMN company_property text;

CREATE TABLE field_mapping_versions (
  id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  workspace_id     uuid NOT NULL,
  installation_id  uuid NOT NULL,
  version          integer NOT NULL CHECK (version > 0),
  mappings         jsonb NOT NULL,
  created_by       text NOT NULL,
  created_at       timestamptz NOT NULL DEFAULT now(),
  note             text,
  UNIQUE (installation_id, version),
  FOREIGN KEY (workspace_id, installation_id) REFERENCES installations (workspace_id, id) ON DELETE CASCADE
);
