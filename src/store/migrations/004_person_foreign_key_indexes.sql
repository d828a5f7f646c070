-- 004: rows that hang off a person are found by person when two people are folded into one (a
-- converted lead, a merge, a record that turns out to hold another person's email) and when a
-- person is deleted (the foreign keys cascade). Without these, each fold scanned whole tables.
CREATE INDEX outbox_person ON outbox (person_id);
CREATE INDEX written_hashes_person ON written_hashes (person_id);
CREATE INDEX tasks_person ON tasks (person_id);
CREATE INDEX record_errors_person ON record_errors (person_id) WHERE person_id IS NOT NULL;
