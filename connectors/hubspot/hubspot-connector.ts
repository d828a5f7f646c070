/**
 * `createHubSpotConnector()`: the CrmConnector (src/connector/crm-connector.ts) for HubSpot, on the
 * official @hubspot/api-client. One SDK Client per connector; no SDK limiter or retries (they are
 * process-global): every request waits for the injected `fetchLimiter`, and failures surface as
 * HubSpotApiError for the jobs to retry or report.
 */
import type { Decision } from '../../src/model/decision';
import type { SlaSnapshot } from '../../src/model/sla-snapshot';
import type { CrmConnector, CrmObjectType, CrmTask, CrmWrite, InstallationProblem, PullContext, PullPage, PulledPerson, StreamCursor } from '../../src/connector/crm-connector';
import type { AccessTokenSource } from './auth/token-manager';
import { HubSpotHttp, type FetchLimiter } from './hubspot-http';
import { FieldMappings } from './mapping/field-mappings';
import { loadHubSpotDefaultMappings } from './mapping/load-mappings';
import type { HubSpotFieldMapping } from './mapping/mapping-schema';
import { describeContactFields } from './schema/describe-fields';
import { listHubSpotOwners } from './owners/list-owners';
import { ensureSchema } from './schema/ensure-schema';
import { pullContacts, pullContactsById } from './streams/contacts.stream';
import { pullCrmActivities, type CrmActivityStream } from './streams/crm-activities.stream';
import { pullEmailEvents } from './streams/email-events.stream';
import { FormSubmissionsStream } from './streams/form-submissions.stream';
import { pullPageViews } from './streams/page-views.stream';
import { ContactWriter } from './write/contact-writer';
import { LifecycleOrder } from './write/lifecycle-order';
import { propertiesFor } from './write/properties-for';
import { TaskWriter } from './write/task-writer';

export const HUBSPOT_STREAMS = ['contacts', 'form_submissions', 'email_events', 'page_views', 'meetings', 'calls', 'emails'] as const;
export type HubSpotStream = (typeof HUBSPOT_STREAMS)[number];

export interface HubSpotConnectorLogger {
  warn(message: string, meta?: Record<string, unknown>): void;
  debug?(message: string, meta?: Record<string, unknown>): void;
}

export interface HubSpotConnectorOptions {
  accessToken: string;
  /** The HubSpot sandbox URL in tests and the demo; https://api.hubapi.com otherwise. */
  basePath?: string;
  /** The installation's mappings from the store; they override the shipped defaults entry by entry. */
  mappings?: readonly HubSpotFieldMapping[];
  fetchLimiter?: FetchLimiter;
  logger?: HubSpotConnectorLogger;
  /** OAuth installations: the token for each request, refreshed before it expires (auth/token-manager.ts). */
  tokens?: AccessTokenSource;
}

/**
 * A page whose next cursor is a finished pass ending at `now` (a watermark: `since` ≥ now, no
 * window open) is the last one for this run: `more: false` spares the job a pull that would only
 * answer "caught up". Cursors in the middle of a pass always carry `until` or a paging field.
 */
function markCaughtUp(page: PullPage, now: number): PullPage {
  const next = page.next;
  const watermark = next !== null && typeof next.since === 'number' && next.since >= now && (next.until ?? null) === null;
  return watermark ? { ...page, more: false } : page;
}

export function createHubSpotConnector(options: HubSpotConnectorOptions): CrmConnector {
  const http = new HubSpotHttp({ accessToken: options.accessToken, basePath: options.basePath, fetchLimiter: options.fetchLimiter, tokens: options.tokens });
  const mappings = new FieldMappings(loadHubSpotDefaultMappings(), options.mappings ?? []);
  const forms = new FormSubmissionsStream(http);
  // problems found while writing, held until the job that wrote takes them (one per key, latest wording)
  const problems = new Map<string, InstallationProblem>();
  const writer = new ContactWriter(http, mappings, new LifecycleOrder(http), options.logger, (problem) => problems.set(problem.key, problem));
  const tasks = new TaskWriter(http);

  return {
    provider: 'hubspot',
    streams: HUBSPOT_STREAMS,
    writeBatchSize: 100, // batch update and batch create take 100 inputs
    // engagement first (it names people by email or contact id), then the contacts, scored page by page
    firstSyncPhases: [HUBSPOT_STREAMS.filter((stream) => stream !== 'contacts'), ['contacts']],
    ensureSchema: () => ensureSchema(http, mappings, options.logger),
    async pull(stream: string, cursor: StreamCursor | null, context: PullContext): Promise<PullPage> {
      return markCaughtUp(await pullStream(stream, cursor, context), context.now);
    },
    async pullRecords(objectType: CrmObjectType, ids: readonly string[]): Promise<PulledPerson[]> {
      if (objectType !== 'contact') throw new Error(`HubSpot connector pulls contacts by id, not ${objectType}s`);
      return pullContactsById({ http, mappings }, ids);
    },
    propertiesFor: (decision: Decision, sla: SlaSnapshot | null) => propertiesFor(decision, sla, mappings),
    writePolicyFor: (property: string) => mappings.writeMappingFor(property)?.writePolicy ?? 'always',
    describeFields: (objectType: string) => describeContactFields(http, objectType),
    effectiveMappings: () => [...mappings.read, ...mappings.write],
    write: (writes: readonly CrmWrite[]) => writer.write(writes),
    takeProblems: () => {
      const taken = [...problems.values()];
      problems.clear();
      return taken;
    },
    createTasks: (list: readonly CrmTask[]) => tasks.createTasks(list),
    listOwners: () => listHubSpotOwners(http),
  };

  function pullStream(stream: string, cursor: StreamCursor | null, context: PullContext): Promise<PullPage> {
    const { now } = context;
    switch (stream as HubSpotStream) {
      case 'contacts':
        return pullContacts({ http, mappings }, cursor, context);
      case 'form_submissions':
        return forms.pull(cursor, now);
      case 'email_events':
        return pullEmailEvents(http, cursor, now);
      case 'page_views':
        return pullPageViews(http, cursor, now);
      case 'meetings':
      case 'calls':
      case 'emails':
        return pullCrmActivities(http, stream as CrmActivityStream, cursor, now);
      default:
        return Promise.reject(new Error(`HubSpot connector has no stream "${stream}"; streams: ${HUBSPOT_STREAMS.join(', ')}`));
    }
  }
}
