/**
 * Marketing email events, bulk by time window: `GET /email/public/v1/events` with startTimestamp /
 * endTimestamp (epoch ms, inclusive), eventType, recipient, campaignId, limit (≤1000, default 1000)
 * and the opaque `offset` cursor; answers `{hasMore, offset, events}`, newest first. Types served:
 * OPEN, CLICK, BOUNCE (hard bounces), STATUSCHANGE (unsubscribes), SPAMREPORT.
 */
import { Router } from 'express';
import { Prng } from '../../kit/prng';
import { lowerBound } from '../activity-index';
import type { SandboxContext } from '../context';
import { intParam, stringParam } from '../crm-view';
import { validationError } from '../errors';
import { EMAIL_CAMPAIGNS, PAGES, PORTAL_ID, SITE_URL } from '../seed-catalog';
import { campaignSentAt, EMAIL_EVENT_TYPES } from '../seed-engagement';

const BROWSER = { name: 'Microsoft Outlook 16', family: 'Microsoft Outlook', producer: 'Microsoft Corporation', type: 'Email client', version: ['16'] };

function encodeOffset(position: number): string {
  return Buffer.from(`email:${position}`).toString('base64url');
}
function decodeOffset(cursor: string): number {
  const match = /^email:(\d+)$/.exec(Buffer.from(cursor, 'base64url').toString());
  if (!match) throw validationError(`offset "${cursor}" is not a value returned by this endpoint`);
  return Number(match[1]);
}

function timestampParam(value: unknown, name: string): number | undefined {
  const text = stringParam(value);
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text)) throw validationError(`${name} must be epoch milliseconds, got ${text}`);
  return Number(text);
}

export function emailEventsRouter(ctx: SandboxContext): Router {
  const router = Router();
  const { seed, now } = ctx.store.seed.options;

  router.get('/email/public/v1/events', (req, res) => {
    const series = ctx.store.activity.email;
    const start = timestampParam(req.query.startTimestamp, 'startTimestamp') ?? 0;
    const end = timestampParam(req.query.endTimestamp, 'endTimestamp') ?? Number.MAX_SAFE_INTEGER;
    const limit = intParam(req.query.limit, 'limit', 1000, 1000);
    const typeFilter = stringParam(req.query.eventType);
    if (typeFilter !== undefined && !['SENT', 'DELIVERED', 'PROCESSED', 'DROPPED', 'DEFERRED', 'PRINT', 'FORWARD', 'SUPPRESSED',
      ...EMAIL_EVENT_TYPES].includes(typeFilter)) {
      throw validationError(`eventType ${typeFilter} is not a valid email event type`);
    }
    const typeCode = typeFilter === undefined ? -1 : EMAIL_EVENT_TYPES.indexOf(typeFilter as (typeof EMAIL_EVENT_TYPES)[number]);
    const recipient = stringParam(req.query.recipient)?.toLowerCase();
    const campaignId = stringParam(req.query.campaignId);

    // Newest first: walk the ascending series backwards from the end of the window. The cursor is
    // the series position to resume from, so each page costs its own size, not the pages before it.
    const lo = lowerBound(series.t, series.count, start);
    const hi = lowerBound(series.t, series.count, end + 1);
    const cursor = stringParam(req.query.offset);
    const resumeAt = cursor === undefined ? hi - 1 : Math.min(hi - 1, decodeOffset(cursor));
    const events: Record<string, unknown>[] = [];
    let next = lo - 1;
    for (let i = resumeAt; i >= lo; i--) {
      const type = series.type[i]!;
      if (typeFilter !== undefined && type !== typeCode) continue;
      const campaign = EMAIL_CAMPAIGNS[series.campaign[i]!]!;
      if (campaignId !== undefined && String(campaign.id) !== campaignId) continue;
      const email = ctx.store.contactRecord(series.contact[i]!).properties.email ?? '';
      if (recipient !== undefined && email.toLowerCase() !== recipient) continue;
      if (events.length === limit) {
        next = i;
        break;
      }
      const prng = Prng.for(seed, 92, i);
      const created = series.t[i]!;
      const sentAt = campaignSentAt(now, series.campaign[i]!);
      const event: Record<string, unknown> = {
        id: prng.uuid(), created, type: EMAIL_EVENT_TYPES[type], recipient: email, portalId: PORTAL_ID, appId: 113,
        appName: 'BatchEmail', emailCampaignId: campaign.id, emailCampaignGroupId: campaign.id - 10_000,
        sentBy: { id: Prng.for(seed, 93, series.contact[i]!, series.campaign[i]!).uuid(), created: sentAt },
        subject: campaign.subject,
      };
      switch (EMAIL_EVENT_TYPES[type]) {
        case 'OPEN':
          Object.assign(event, { userAgent: 'Microsoft Office/16.0', browser: BROWSER, location: { country: 'United States' }, filteredEvent: false, duration: prng.int(2, 90) * 1000 });
          break;
        case 'CLICK': {
          const page = PAGES[series.url[i]!];
          Object.assign(event, { url: `${SITE_URL}${page?.path ?? '/'}`, userAgent: 'Mozilla/5.0', browser: BROWSER, referer: '', filteredEvent: false });
          break;
        }
        case 'BOUNCE':
          Object.assign(event, { category: 'UNKNOWN_USER', status: '5.1.1', response: '550 5.1.1 The email account that you tried to reach does not exist.' });
          break;
        case 'STATUSCHANGE':
          Object.assign(event, { source: 'SOURCE_RECIPIENT', subscriptions: [{ id: 7125001, status: 'UNSUBSCRIBED' }],
            portalSubscriptionStatus: 'UNSUBSCRIBED', requestedBy: email, changes: [{ change: 'UNSUBSCRIBED', changeType: 'PORTAL_STATUS', source: 'SOURCE_RECIPIENT' }] });
          break;
        case 'SPAMREPORT':
          Object.assign(event, { userAgent: 'Mozilla/5.0', ipAddress: '203.0.113.7' });
          break;
      }
      events.push(event);
    }
    const hasMore = next >= lo;
    res.json({ hasMore, offset: encodeOffset(Math.max(0, next)), events });
  });

  return router;
}
