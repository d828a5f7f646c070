/** Salesforce streams: `pullStream()` and the stream names, in first-sync order. */
export { forgetDescribes, pullStream, SALESFORCE_STREAMS, UnknownStreamError, type SalesforceStream } from './salesforce-streams';
export { DEFAULT_STREAM_OPTIONS, type SalesforceStreamLogger, type SalesforceStreamOptions } from './stream-deps';
export { DescribeCache, SalesforceSchemaError, describeCacheFor } from './describe-cache';
export { isInvalidLocator, keysetSoql } from './keyset-query';
