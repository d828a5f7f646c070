'use strict';
/**
 * The names tests give what they create on the shared Redis and PostgreSQL, in one place: the test
 * helpers build names from these, and the leftover check looks for exactly these (and never touches
 * anything else: demos and other runs share the servers).
 */
module.exports = {
  /** Every Redis key a test creates starts with this (a BullMQ prefix, a limiter or lock prefix). */
  TEST_KEY_PREFIX: 'leadstage-test-',
  /** Every PostgreSQL schema a test creates starts with this. */
  TEST_SCHEMA_PREFIX: 'leadstage_test_',
};
