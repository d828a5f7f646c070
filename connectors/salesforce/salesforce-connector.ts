/**
 * `createSalesforceConnector()`: the CrmConnector (src/sync/crm-connector.ts) for Salesforce. The
 * transport is a SalesforceApi (salesforce-api.ts on jsforce: limiter, daily headroom, token refresh
 * with rotation under a cross-process lock, error mapping); the streams (streams/), the writers
 * (write/) and the schema setup (schema/) depend on that interface only.
 */
import type { Decision } from '../../src/model/decision';
import type { SlaSnapshot } from '../../src/model/sla-snapshot';
import type { FieldMapping } from '../../src/store/records';
import type { CrmConnector, CrmTask, CrmWrite, PullContext, PullPage, StreamCursor } from '../../src/connector/crm-connector';
import { salesforceMappings } from './mapping';
import type { TaskCreateConfig } from './mapping/mapping-schema';
import { listSalesforceUsers } from './owners/list-users';
import { ProblemLog } from './problems';
import { createSalesforceApi, type SalesforceApiOptions } from './salesforce-api';
import type { SalesforceApi } from './salesforce-api.types';
import { describeRecordFields } from './schema/describe-fields';
import { ensureSchema } from './schema/ensure-schema';
import { OrgSchema } from './schema/org-schema';
import { WritableFields } from './schema/writable-fields';
import { forgetDescribes, pullStream, SALESFORCE_STREAMS, type SalesforceStreamOptions } from './streams';
import { propertiesFor } from './write/properties-for';
import { RecordWriter } from './write/record-writer';
import { TaskWriter } from './write/task-writer';

export interface SalesforceConnectorLogger {
  warn(message: string, meta?: Record<string, unknown>): void;
  error?(message: string, meta?: Record<string, unknown>): void;
  debug?(message: string, meta?: Record<string, unknown>): void;
}

export interface SalesforceConnectorOptions {
  /** Names the installation in errors, lock keys and quota errors. */
  installationId: string;
  /** How to reach the org (a jsforce-based transport is built), or a ready SalesforceApi (tests). */
  api: SalesforceApi | Omit<SalesforceApiOptions, 'installationId'>;
  /** The installation's mappings from the store; they override config/mappings/salesforce.default.yaml entry by entry. */
  mappings?: readonly FieldMapping[];
  streamOptions?: Omit<SalesforceStreamOptions, 'logger'>;
  /** Overrides the mapping file's `tasks.create` (status, subtype, type, assignQueueOwnedLeads) for this installation. */
  tasks?: Partial<TaskCreateConfig>;
  logger?: SalesforceConnectorLogger;
}

function isApi(value: SalesforceConnectorOptions['api']): value is SalesforceApi {
  return typeof (value as SalesforceApi).query === 'function';
}

export function createSalesforceConnector(options: SalesforceConnectorOptions): CrmConnector {
  const { installationId, logger } = options;
  const api = isApi(options.api) ? options.api : createSalesforceApi({ ...options.api, installationId });
  const mappings = salesforceMappings(options.mappings ?? []);
  const schema = new OrgSchema(api);
  // what this installation cannot write (ensureSchema, refusals while writing) and what to tell the admin
  const writable = new WritableFields();
  const problems = new ProblemLog();
  const records = new RecordWriter(api, mappings, schema, logger, { writable, problems });
  const tasks = new TaskWriter(api, logger, {
    schema, writable, problems,
    create: { ...mappings.taskCreate, ...(options.tasks ?? {}) },
    ...(mappings.leadstageKeyField ? { keyField: mappings.leadstageKeyField } : {}),
  });
  const streamOptions: SalesforceStreamOptions = { ...(options.streamOptions ?? {}), ...(logger ? { logger } : {}) };

  return {
    provider: 'salesforce',
    streams: SALESFORCE_STREAMS,
    // sObject Collections take 200 records a call (the writers split anything larger)
    writeBatchSize: 200,
    // engagement first (campaign members and rep tasks name their lead or contact), then the people,
    // each page scored as it lands; opportunities and accounts start at the first sync's end (the
    // contacts stream already reads deals and account fields)
    firstSyncPhases: [['campaign_members', 'tasks', 'opportunities', 'accounts'], ['leads', 'contacts']],
    async ensureSchema() {
      try {
        return await ensureSchema({ installationId, api, schema, mappings, writable, logger });
      } finally {
        // fields may have been created: the streams describe again before selecting them
        forgetDescribes(api);
      }
    },
    pull: (stream: string, cursor: StreamCursor | null, context: PullContext): Promise<PullPage> =>
      pullStream(api, mappings, stream, cursor, context, streamOptions),
    propertiesFor: (decision: Decision, sla: SlaSnapshot | null) => propertiesFor(decision, sla, mappings, writable),
    writePolicyFor: (property: string) => mappings.writePolicyFor(property),
    describeFields: (objectType: string) => describeRecordFields(api, objectType),
    effectiveMappings: () => [...mappings.readMappings('lead'), ...mappings.readMappings('contact'), ...mappings.writeMappings()],
    write: (writes: readonly CrmWrite[]) => records.write(writes),
    createTasks: (list: readonly CrmTask[]) => tasks.createTasks(list),
    listOwners: () => listSalesforceUsers(api),
    takeProblems: () => problems.take(),
  };
}
