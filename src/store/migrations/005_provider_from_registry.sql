-- Which providers exist is the connector registry's to say (connectors/registry.ts), not the
-- schema's: adding a connector must need no migration. The app checks a provider against the
-- registry before it creates an installation.
ALTER TABLE installations DROP CONSTRAINT IF EXISTS installations_provider_check;
