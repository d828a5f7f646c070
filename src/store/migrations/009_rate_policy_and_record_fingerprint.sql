-- 009: an installation's request budget, and what each CRM record looked like when last pulled.
--
-- rate_policy: the request budget an installation's CRM grants it, by name in its connector's
-- `ratePolicies`, stored with the installation: chosen at install (an OAuth app's tier) or from
-- configuration (self-hosted single-account mode), never assumed from the provider. NULL: the
-- connector's default, for a connector whose limits are the same for every account; a connector
-- without one refuses to run the installation until a policy is set.
-- IF NOT EXISTS: the OAuth install work adds this same column in its own migration.
ALTER TABLE installations ADD COLUMN IF NOT EXISTS rate_policy text;

-- fingerprint: the connector's digest of the record's properties as last pulled, less the ones
-- Leadstage writes (those are in crm_values). A record read again with the same fingerprint and the
-- same writable values is unchanged: our own write-back echoing, which an incremental read cannot
-- leave out, so the connector skips the reads that would complete it.
ALTER TABLE person_identities ADD COLUMN fingerprint text;
