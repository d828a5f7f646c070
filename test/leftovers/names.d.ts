export declare const TEST_KEY_PREFIX: 'leadstage-test-';
export declare const TEST_SCHEMA_PREFIX: 'leadstage_test_';
