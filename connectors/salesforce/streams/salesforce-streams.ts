/**
 * The Salesforce streams and `pullStream()`, the one entry the connector's `pull()` calls. Each pull
 * returns one page and the cursor to resume from (checkpointed by the sync job after every page);
 * `more: false` once the stream has caught up with the run's `now`.
 *
 * | stream             | reads                                                                 |
 * | ------------------ | --------------------------------------------------------------------- |
 * | `leads`            | Lead (queryAll; converted → their Contact with `formerly`; Bulk 2.0 first load) |
 * | `contacts`         | Contact + Account.* + deals via OpportunityContactRole (queryAll; Bulk first load) |
 * | `opportunities`    | Opportunity, then OpportunityContactRole changes → affected contacts re-emitted |
 * | `accounts`         | Account changes → their contacts re-emitted (firmographics)          |
 * | `campaign_members` | CampaignMember + Campaign.Name/Type → webinar, event, content, fast-track events |
 * | `tasks`            | Task, then Event (WhoId set) → sales_call / sales_email / meeting_booked |
 */
import type { PullContext, PullPage, StreamCursor } from '../../../src/connector/crm-connector';
import type { SalesforceFieldMappings } from '../mapping/field-mappings';
import type { SalesforceApi } from '../salesforce-api.types';
import { pullCampaignMembers, pullTasks } from './activity.stream';
import { pullContactRefresh } from './contact-refresh.stream';
import { describeCacheFor } from './describe-cache';
import { pullPeople } from './people.stream';
import { resolveStreamOptions, type SalesforceStreamOptions, type StreamDeps } from './stream-deps';

/** The order of a first sync: people first, so events find them; then what re-reads people; then events. */
export const SALESFORCE_STREAMS = ['leads', 'contacts', 'opportunities', 'accounts', 'campaign_members', 'tasks'] as const;
export type SalesforceStream = (typeof SALESFORCE_STREAMS)[number];

export class UnknownStreamError extends Error {
  override readonly name = 'UnknownStreamError';
  readonly code = 'UNKNOWN_STREAM';
}

export async function pullStream(
  api: SalesforceApi,
  mappings: SalesforceFieldMappings,
  stream: string,
  cursor: StreamCursor | null,
  context: PullContext,
  options: SalesforceStreamOptions = {},
): Promise<PullPage> {
  const deps: StreamDeps = { api, mappings, describes: describeCacheFor(api), options: resolveStreamOptions(options) };
  const now = context.now;
  switch (stream as SalesforceStream) {
    case 'leads':
      return pullPeople(deps, 'lead', cursor, now);
    case 'contacts':
      return pullPeople(deps, 'contact', cursor, now);
    case 'opportunities':
    case 'accounts':
      return pullContactRefresh(deps, stream as 'opportunities' | 'accounts', cursor, now);
    case 'campaign_members':
      return pullCampaignMembers(deps, cursor, now);
    case 'tasks':
      return pullTasks(deps, cursor, now);
    default:
      throw new UnknownStreamError(`Salesforce connector has no stream "${stream}"; streams: ${SALESFORCE_STREAMS.join(', ')}`);
  }
}

/** After ensureSchema created fields (Leadstage_*__c, Leadstage_Key__c): the next pull describes again. */
export function forgetDescribes(api: SalesforceApi): void {
  describeCacheFor(api).forget();
}
