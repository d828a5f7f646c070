-- 009: the request budget an installation's CRM grants it, by name in its connector's
-- `ratePolicies`, stored with the installation: chosen at install (an OAuth app's tier) or from
-- configuration (self-hosted single-account mode), never assumed from the provider. NULL: the
-- connector's default, for a connector whose limits are the same for every account; a connector
-- without one refuses to run the installation until a policy is set.
-- IF NOT EXISTS: the OAuth install work adds this same column in its own migration.
ALTER TABLE installations ADD COLUMN IF NOT EXISTS rate_policy text;
