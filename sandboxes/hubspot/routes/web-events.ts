/**
 * Page views through the event analytics API: `GET /events/v3/events` with objectType=contact,
 * eventType=e_visited_page, occurredAfter / occurredBefore (ISO 8601 or epoch ms), optional objectId,
 * sort (ASCENDING by default, or DESCENDING / -occurredAt), limit (≤1000, default 100) and `after`
 * paging. Each result carries hs_url, hs_title, hs_referrer and hs_session_id, so a connector can
 * weight pricing, product, blog, careers and webinar pages differently.
 * `GET /events/v3/events/event-types` lists the one event type the sandbox records.
 */
import { Router } from 'express';
import { Prng } from '../../kit/prng';
import { lowerBound } from '../activity-index';
import type { SandboxContext } from '../context';
import { intParam, stringParam } from '../crm-view';
import { validationError } from '../errors';
import { contactId, contactIndex } from '../seed';
import { PAGES, SITE_URL } from '../seed-catalog';

export const PAGE_VIEW_EVENT_TYPE = 'e_visited_page';

function timeParam(value: unknown, name: string): number | undefined {
  const text = stringParam(value);
  if (text === undefined) return undefined;
  const ms = /^\d+$/.test(text) ? Number(text) : Date.parse(text);
  if (Number.isNaN(ms)) throw validationError(`${name} must be an ISO 8601 date-time or epoch milliseconds, got ${text}`);
  return ms;
}

function encode(position: number): string {
  return Buffer.from(`web:${position}`).toString('base64url');
}
function decode(cursor: string): number {
  const match = /^web:(\d+)$/.exec(Buffer.from(cursor, 'base64url').toString());
  if (!match) throw validationError(`after "${cursor}" is not a cursor returned by this endpoint`);
  return Number(match[1]);
}

export function webEventsRouter(ctx: SandboxContext): Router {
  const router = Router();
  const { seed } = ctx.store.seed.options;

  router.get('/events/v3/events/event-types', (_req, res) => {
    res.json({ eventTypes: [PAGE_VIEW_EVENT_TYPE] });
  });

  router.get('/events/v3/events', (req, res) => {
    const objectType = (stringParam(req.query.objectType) ?? 'contact').toLowerCase();
    const eventType = stringParam(req.query.eventType);
    const limit = intParam(req.query.limit, 'limit', 100, 1000);
    const after = timeParam(req.query.occurredAfter, 'occurredAfter') ?? 0;
    const before = timeParam(req.query.occurredBefore, 'occurredBefore') ?? Number.MAX_SAFE_INTEGER;
    const sortRaw = [req.query.sort].flat().map((s) => String(s ?? '')).join(',');
    const descending = sortRaw.includes('DESCENDING') || sortRaw.startsWith('-');
    const objectIdText = stringParam(req.query.objectId);
    const objectFilter = objectIdText === undefined ? undefined : contactIndex(objectIdText) ?? -1;
    const isContact = objectType === 'contact' || objectType === 'contacts' || objectType === '0-1';
    if (!isContact || (eventType !== undefined && eventType !== PAGE_VIEW_EVENT_TYPE)) {
      res.json({ results: [] });
      return;
    }

    const series = ctx.store.activity.web;
    // occurredAfter / occurredBefore are exclusive bounds.
    const lo = lowerBound(series.t, series.count, after + 1);
    const hi = lowerBound(series.t, series.count, before);
    const cursor = stringParam(req.query.after);
    let i = cursor === undefined ? (descending ? hi - 1 : lo) : decode(cursor);
    const step = descending ? -1 : 1;
    const inRange = (k: number) => k >= lo && k < hi;
    const results: Record<string, unknown>[] = [];
    for (; inRange(i) && results.length < limit; i += step) {
      if (objectFilter !== undefined && series.contact[i] !== objectFilter) continue;
      const page = PAGES[series.page[i]!]!;
      const prng = Prng.for(seed, 94, i);
      results.push({
        objectType: 'CONTACT',
        objectId: contactId(series.contact[i]!),
        eventType: PAGE_VIEW_EVENT_TYPE,
        occurredAt: new Date(series.t[i]!).toISOString(),
        id: prng.uuid(),
        properties: {
          hs_url: `${SITE_URL}${page.path}`,
          hs_title: page.title,
          hs_page_content_type: page.kind === 'blog' ? 'BLOG_POST' : page.kind === 'docs' ? 'KNOWLEDGE_ARTICLE' : 'STANDARD_PAGE',
          hs_referrer: prng.pick(['https://www.google.com/', '', 'https://www.linkedin.com/', `${SITE_URL}/`]),
          hs_session_id: String(series.session[i]!),
          hs_browser: prng.pick(['chrome', 'edge', 'safari', 'firefox']),
          hs_device_type: prng.chance(0.8) ? 'COMPUTER' : 'MOBILE',
        },
      });
    }
    // Skip to the next match so `paging` appears only when more results exist.
    while (objectFilter !== undefined && inRange(i) && series.contact[i] !== objectFilter) i += step;
    const body: Record<string, unknown> = { results };
    if (inRange(i)) body.paging = { next: { after: encode(i), link: `?after=${encode(i)}` } };
    res.json(body);
  });

  return router;
}
