/**
 * What one synthetic person did on the site, in emails and with sales, generated from that person's
 * own PRNG so it can be rebuilt for any contact in isolation. The behaviours mirror the signals the
 * rulebook scores (SPEC.md §3.4–3.5): blog readers, researchers downloading content at rising funnel
 * stages, pricing-page revisits, fast-track requests, webinars (live counts most), job seekers,
 * unsubscribes and bounces.
 */
import { Prng } from '../kit/prng';
import { EMAIL_CAMPAIGNS, FORM_IDS, FORMS, PAGES, pagesOfKind, type PageKind } from './seed-catalog';

// Module-level copies of hot Math functions (global lookups are slow inside Jest's vm context).
const max = Math.max;
const floor = Math.floor;

const DAY = 86_400_000;
const MINUTE = 60_000;

export const BEHAVIOURS = [
  'dormant', 'newsletter', 'blog-reader', 'researcher', 'pricing-hot', 'demo-request', 'trial', 'quote',
  'consultation', 'webinar', 'job-seeker', 'customer', 'open-deal', 'unsubscribed', 'bounced',
] as const;
export type Behaviour = (typeof BEHAVIOURS)[number];

export type EmailEventType = 'OPEN' | 'CLICK' | 'BOUNCE' | 'STATUSCHANGE' | 'SPAMREPORT';
export const EMAIL_EVENT_TYPES: readonly EmailEventType[] = ['OPEN', 'CLICK', 'BOUNCE', 'STATUSCHANGE', 'SPAMREPORT'];

export interface PageView { t: number; page: number; session: number }
export interface FormSubmission { t: number; form: number }
export interface EmailEvent { t: number; type: EmailEventType; campaign: number; url?: number }
export interface Meeting { t: number; title: number; outcome: 'SCHEDULED' | 'COMPLETED' | 'NO_SHOW'; minutes: number }
export interface Call { t: number; title: number; direction: 'OUTBOUND' | 'INBOUND'; seconds: number; connected: boolean }
export interface Deal { createdAt: number; closeDate: number; stage: string; amount: number; won: boolean; closed: boolean }

export interface PersonEngagement {
  pageViews: PageView[];
  forms: FormSubmission[];
  emails: EmailEvent[];
  meetings: Meeting[];
  calls: Call[];
  deal?: Deal;
}

export interface EngagementWindow {
  now: number;
  /** Earliest moment activity may happen: the later of sign-up and now − 120 days. */
  start: number;
}

const FORM_INDEX = new Map<string, number>(FORMS.map((form, index) => [form.id, index]));
function formIndex(id: string): number {
  return FORM_INDEX.get(id)!;
}
const PAGE_INDEX = new Map<string, number>(PAGES.map((page, index) => [page.path, index]));
function pageIndex(path: string): number {
  const index = PAGE_INDEX.get(path);
  if (index === undefined) throw new Error(`seed catalog has no page ${path}`);
  return index;
}

/** Campaign k goes out every two weeks, the oldest about 110 days before now. */
export function campaignSentAt(now: number, campaign: number): number {
  return now - (110 - campaign * 14) * DAY + 15 * 60 * MINUTE;
}

class Builder {
  readonly out: PersonEngagement = { pageViews: [], forms: [], emails: [], meetings: [], calls: [] };
  private session = 0;

  constructor(
    private readonly prng: Prng,
    private readonly window: EngagementWindow,
  ) {}

  at(fromDaysAgo: number, toDaysAgo: number): number {
    const { now, start } = this.window;
    const lo = max(start, now - fromDaysAgo * DAY);
    const hi = max(lo, now - toDaysAgo * DAY - MINUTE);
    return floor(lo + this.prng.float() * (hi - lo));
  }

  /** One visit: a few pages in a row, a minute or two apart. */
  visit(t: number, pages: number[]): number {
    this.session += 1;
    let time = t;
    for (const page of pages) {
      this.out.pageViews.push({ t: time, page, session: this.session });
      time += this.prng.int(20, 240) * 1000;
    }
    return time;
  }

  pagesOf(kind: PageKind, count: number): number[] {
    const pool = pagesOfKind(kind);
    return Array.from({ length: count }, () => this.prng.pick(pool));
  }

  submit(t: number, formId: string, landingPage = true): void {
    const form = FORMS[formIndex(formId)]!;
    const at = landingPage ? this.visit(t, [pageIndex(form.pagePath)]) : t;
    this.out.forms.push({ t: at, form: formIndex(formId) });
  }

  /** Marketing emails: each campaign in the window, opened/clicked with the given propensity. */
  emails(openRate: number, clickRate: number): void {
    EMAIL_CAMPAIGNS.forEach((_, campaign) => {
      const sent = campaignSentAt(this.window.now, campaign);
      if (sent < this.window.start || sent > this.window.now) return;
      if (!this.prng.chance(openRate)) return;
      const open = sent + this.prng.int(5, 60 * 36) * MINUTE;
      if (open > this.window.now) return;
      this.out.emails.push({ t: open, type: 'OPEN', campaign });
      if (this.prng.chance(0.25)) this.out.emails.push({ t: open + this.prng.int(60, 7200) * 1000, type: 'OPEN', campaign });
      if (this.prng.chance(clickRate)) {
        const url = this.prng.pick([...pagesOfKind('blog'), ...pagesOfKind('product'), ...pagesOfKind('webinar')]);
        const click = open + this.prng.int(5, 120) * 1000;
        this.out.emails.push({ t: click, type: 'CLICK', campaign, url });
        this.visit(click + 1000, [url]);
      }
    });
  }

  firstCampaignInWindow(): number | undefined {
    const index = EMAIL_CAMPAIGNS.findIndex((_, c) => campaignSentAt(this.window.now, c) >= this.window.start);
    return index === -1 ? undefined : index;
  }
}

/** A content download is a form fill on the asset's landing page, reached from a blog post or an email. */
function downloads(b: Builder, prng: Prng, count: number, fromDays: number, ordered: boolean): void {
  const assets = [FORM_IDS.ebookReactiveMaintenance, FORM_IDS.whitepaperVibrationVsOil, FORM_IDS.guideBusinessCase,
    FORM_IDS.checklistVendorEvaluation];
  // "Content that gets more advanced": researchers move awareness → consideration → decision over time.
  const chosen = ordered ? assets.slice(0, count) : Array.from({ length: count }, () => prng.pick(assets));
  chosen.forEach((form, i) => {
    const span = fromDays / Math.max(1, count);
    const t = b.at(fromDays - i * span, Math.max(0, fromDays - (i + 1) * span));
    b.visit(t - 90_000, b.pagesOf('blog', 1));
    b.submit(t, form);
  });
}

export function generateEngagement(prng: Prng, behaviour: Behaviour, window: EngagementWindow): PersonEngagement {
  const b = new Builder(prng, window);
  const blogVisits = (n: number, fromDays = 120) => {
    for (let i = 0; i < n; i++) b.visit(b.at(fromDays, 0), b.pagesOf('blog', prng.int(1, 3)));
  };

  switch (behaviour) {
    case 'dormant':
      b.emails(0.08, 0.01);
      if (prng.chance(0.3)) b.visit(b.at(120, 30), [pageIndex('/')]);
      break;
    case 'newsletter':
      b.submit(b.at(120, 60), FORM_IDS.newsletter);
      blogVisits(prng.int(1, 4));
      b.emails(0.45, 0.1);
      break;
    case 'blog-reader':
      // Lots of informational reading, nothing else: the "blog low" weight and per-rule caps matter here.
      blogVisits(prng.int(8, 20));
      break;
    case 'researcher':
      blogVisits(prng.int(3, 8));
      for (let i = 0; i < prng.int(1, 4); i++) b.visit(b.at(90, 2), b.pagesOf('product', prng.int(1, 3)));
      if (prng.chance(0.5)) b.visit(b.at(60, 1), [pageIndex('/case-studies/ridgeline-power-cuts-downtime-38-percent')]);
      downloads(b, prng, prng.int(1, 3), 100, true);
      if (prng.chance(0.3)) b.visit(b.at(40, 1), [pageIndex('/pricing')]);
      if (prng.chance(0.04)) b.submit(b.at(30, 1), FORM_IDS.contactSales);
      b.emails(0.5, 0.2);
      break;
    case 'pricing-hot': {
      blogVisits(prng.int(2, 5));
      downloads(b, prng, prng.int(2, 4), 45, true);
      // Repeat visits to pricing and products in the last week: the high-intent velocity signal.
      for (let i = 0; i < prng.int(3, 5); i++) {
        b.visit(b.at(7, 0), [pageIndex('/pricing'), ...b.pagesOf('product', prng.int(1, 2)), pageIndex('/pricing')]);
      }
      b.emails(0.8, 0.45);
      break;
    }
    case 'demo-request':
    case 'trial':
    case 'quote':
    case 'consultation': {
      blogVisits(prng.int(1, 4));
      b.visit(b.at(30, 5), [pageIndex('/pricing'), ...b.pagesOf('product', 2)]);
      if (prng.chance(0.6)) downloads(b, prng, prng.int(1, 2), 60, true);
      const form = { 'demo-request': FORM_IDS.demoRequest, trial: FORM_IDS.freeTrial, quote: FORM_IDS.quoteRequest,
        consultation: FORM_IDS.consultationRequest }[behaviour];
      b.submit(b.at(5, 0), form);
      // Some also tick "I want sales to contact me" on the Contact Sales form.
      if (prng.chance(0.2)) b.submit(b.at(5, 0), FORM_IDS.contactSales);
      b.emails(0.6, 0.25);
      if (prng.chance(0.5)) {
        const call = b.at(3, 0);
        b.out.calls.push({ t: call, title: 0, direction: 'OUTBOUND', seconds: prng.int(20, 600), connected: prng.chance(0.5) });
      }
      break;
    }
    case 'webinar': {
      const webinar = prng.chance(0.5) ? FORM_IDS.webinarPdm101 : FORM_IDS.webinarRoi;
      const slug = webinar === FORM_IDS.webinarPdm101 ? 'predictive-maintenance-101' : 'roi-of-condition-monitoring';
      const registered = b.at(70, 20);
      b.submit(registered, webinar);
      // Attendance shows up as views of the live page during the session (live content counts most).
      if (prng.chance(0.7)) {
        const live = registered + prng.int(2, 10) * DAY;
        if (live < window.now) {
          const livePage = pageIndex(`/webinars/${slug}/live`);
          b.visit(live, [livePage, livePage, livePage]);
        }
      }
      blogVisits(prng.int(1, 5));
      b.emails(0.6, 0.3);
      break;
    }
    case 'job-seeker':
      for (let i = 0; i < prng.int(2, 5); i++) b.visit(b.at(90, 0), b.pagesOf('careers', prng.int(1, 3)));
      if (prng.chance(0.6)) b.submit(b.at(60, 0), FORM_IDS.jobApplication);
      break;
    case 'customer': {
      const closed = b.at(100, 10);
      b.out.deal = { createdAt: closed - prng.int(30, 90) * DAY, closeDate: closed, stage: 'closedwon',
        amount: prng.int(30, 400) * 500, won: true, closed: true };
      for (let i = 0; i < prng.int(3, 6); i++) {
        b.out.meetings.push({ t: closed - prng.int(2, 60) * DAY, title: prng.int(0, 4), outcome: 'COMPLETED', minutes: prng.pick([30, 45, 60]) });
      }
      for (let i = 0; i < prng.int(2, 5); i++) {
        b.out.calls.push({ t: closed - prng.int(1, 70) * DAY, title: prng.int(0, 4), direction: 'OUTBOUND', seconds: prng.int(60, 1800), connected: true });
      }
      b.visit(b.at(30, 0), [pageIndex('/docs/getting-started')]);
      b.emails(0.5, 0.15);
      break;
    }
    case 'open-deal': {
      const created = b.at(60, 5);
      b.out.deal = { createdAt: created, closeDate: window.now + prng.int(10, 90) * DAY,
        stage: prng.pick(['qualifiedtobuy', 'presentationscheduled', 'decisionmakerboughtin', 'contractsent']),
        amount: prng.int(30, 400) * 500, won: false, closed: false };
      b.submit(created - prng.int(1, 10) * DAY, FORM_IDS.demoRequest);
      b.visit(b.at(14, 0), [pageIndex('/pricing')]);
      for (let i = 0; i < prng.int(2, 4); i++) {
        const t = Math.min(window.now - MINUTE, created + prng.int(1, 40) * DAY);
        b.out.meetings.push({ t, title: prng.int(0, 4), outcome: prng.chance(0.85) ? 'COMPLETED' : 'NO_SHOW', minutes: prng.pick([30, 60]) });
      }
      b.out.meetings.push({ t: window.now + prng.int(1, 10) * DAY, title: 3, outcome: 'SCHEDULED', minutes: 45 });
      for (let i = 0; i < prng.int(2, 5); i++) {
        b.out.calls.push({ t: b.at(45, 0), title: prng.int(0, 4), direction: prng.chance(0.8) ? 'OUTBOUND' : 'INBOUND',
          seconds: prng.int(30, 1500), connected: prng.chance(0.7) });
      }
      b.emails(0.7, 0.3);
      break;
    }
    case 'unsubscribed': {
      blogVisits(prng.int(0, 3));
      const first = b.firstCampaignInWindow();
      if (first !== undefined) {
        const t = campaignSentAt(window.now, first) + prng.int(10, 600) * MINUTE;
        b.out.emails.push({ t, type: 'OPEN', campaign: first });
        b.out.emails.push({ t: t + 30_000, type: 'STATUSCHANGE', campaign: first });
        if (prng.chance(0.2)) b.out.emails.push({ t: t + 40_000, type: 'SPAMREPORT', campaign: first });
      }
      break;
    }
    case 'bounced': {
      const first = b.firstCampaignInWindow();
      if (first !== undefined) {
        b.out.emails.push({ t: campaignSentAt(window.now, first) + prng.int(1, 5) * MINUTE, type: 'BOUNCE', campaign: first });
      }
      if (prng.chance(0.3)) blogVisits(1);
      break;
    }
  }

  // A visit that started just before "now" must not leak page views into the future.
  const past = <T extends { t: number }>(list: T[]) => list.filter((e) => e.t <= window.now).sort((x, y) => x.t - y.t);
  return {
    ...b.out,
    pageViews: past(b.out.pageViews),
    forms: past(b.out.forms),
    emails: past(b.out.emails),
    calls: past(b.out.calls),
    meetings: [...b.out.meetings].sort((x, y) => x.t - y.t),
  };
}
