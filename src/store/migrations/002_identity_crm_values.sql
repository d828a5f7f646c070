-- 002: what each CRM record held, last pulled, for the properties Leadstage may write. Write
-- policies ("only if empty") and forward-only fields (HubSpot lifecyclestage) are judged against it.
ALTER TABLE person_identities ADD COLUMN crm_values jsonb NOT NULL DEFAULT '{}';
