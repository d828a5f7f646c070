/**
 * The `form_submissions` stream: lists forms (`GET /marketing/v3/forms`), then pages each form's
 * submissions (`GET /form-integrations/v1/submissions/forms/:guid`, newest first) down to the
 * pass's watermark. A pass covers [since, until) with `until` fixed when the pass starts, so
 * submissions arriving meanwhile belong to the next pass. One API page per pull.
 *
 * Cursor: `{since, until, formId, after}`; `next: null` once since has reached `now`.
 */
import type { EngagementEvent } from '../../../src/model/event';
import type { PullPage, PulledEvent, StreamCursor } from '../../../src/connector/crm-connector';
import type { HubSpotHttp } from '../hubspot-http';
import { cursorNumber, cursorString } from '../../../src/connector/shared/cursor.util';
import { assetTitleOf, CONTACT_ME_FIELD, contentStageOf, formEventType, TRUTHY } from './form-intent.constant';

const STREAM = 'form_submissions';
const FORMS_PAGE = 50;
const SUBMISSIONS_PAGE = 50;

interface FormSummary {
  id: string;
  name: string;
}

interface SubmissionsResponse {
  results?: { conversionId?: string; submittedAt?: number; pageUrl?: string; values?: { name?: string; value?: string }[] }[];
  paging?: { next?: { after?: string } };
}

interface FormsResponse {
  results?: { id?: string; name?: string; archived?: boolean }[];
  paging?: { next?: { after?: string } };
}

export class FormSubmissionsStream {
  private forms: FormSummary[] | undefined;

  constructor(private readonly http: HubSpotHttp) {}

  async pull(cursor: StreamCursor | null, now: number): Promise<PullPage> {
    const since = cursor ? cursorNumber(cursor, STREAM, 'since') : 0;
    let formId = cursor ? cursorString(cursor, STREAM, 'formId') : null;
    const after = cursor ? cursorString(cursor, STREAM, 'after') : null;
    if (formId === null && since >= now) return { people: [], events: [], next: null };
    const until = (cursor ? cursorNumber(cursor, STREAM, 'until', true) : null) ?? now;

    // The form list is read at the start of each pass and kept while the pass runs.
    if (formId === null || !this.forms) this.forms = await this.listForms();
    let index = formId === null ? 0 : this.forms.findIndex((f) => f.id === formId);
    // The form went away mid-pass: start the pass over (events dedupe by id).
    const resumeAfter = index === -1 ? null : after;
    if (index === -1) index = 0;
    const form = this.forms[index];
    const finished: StreamCursor = { since: until, until: null, formId: null, after: null };
    if (!form) return { people: [], events: [], next: finished };
    formId = form.id;

    const response = await this.http.json<SubmissionsResponse>('standard', 'GET /form-integrations/v1/submissions/forms/:guid', {
      method: 'GET',
      path: `/form-integrations/v1/submissions/forms/${encodeURIComponent(form.id)}`,
      qs: { limit: String(SUBMISSIONS_PAGE), ...(resumeAfter ? { after: resumeAfter } : {}) },
    });
    const submissions = response.results ?? [];
    const events: PulledEvent[] = [];
    let reachedWatermark = false;
    for (const submission of submissions) {
      const at = Number(submission.submittedAt);
      if (!Number.isFinite(at)) continue;
      if (at < since) {
        reachedWatermark = true; // newest first: everything after this is older still
        break;
      }
      if (at >= until) continue;
      const event = toEvent(form, submission, at);
      if (event) events.push(event);
    }
    const nextAfter = response.paging?.next?.after;
    if (!reachedWatermark && nextAfter) return { people: [], events, next: { since, until, formId, after: nextAfter } };
    const following = this.forms[index + 1];
    return { people: [], events, next: following ? { since, until, formId: following.id, after: null } : finished };
  }

  private async listForms(): Promise<FormSummary[]> {
    const forms: FormSummary[] = [];
    let after: string | undefined;
    do {
      const page = await this.http.json<FormsResponse>('standard', 'GET /marketing/v3/forms', {
        method: 'GET', path: '/marketing/v3/forms', qs: { limit: String(FORMS_PAGE), ...(after ? { after } : {}) },
      });
      for (const f of page.results ?? []) if (f.id && !f.archived) forms.push({ id: f.id, name: f.name ?? f.id });
      after = page.paging?.next?.after;
    } while (after);
    return forms;
  }
}

function toEvent(form: FormSummary, submission: NonNullable<SubmissionsResponse['results']>[number], at: number): PulledEvent | null {
  const values = submission.values ?? [];
  const email = values.find((v) => v.name?.toLowerCase() === 'email')?.value?.trim().toLowerCase();
  if (!email) return null; // nobody to attribute it to
  const type = formEventType(form.name);
  const properties: EngagementEvent['properties'] = { formId: form.id, formName: form.name };
  if (submission.pageUrl) properties.url = submission.pageUrl;
  if (submission.conversionId) properties.conversionId = submission.conversionId;
  if (type === 'content_download') {
    const title = assetTitleOf(form.name);
    properties.assetTitle = title;
    const stage = contentStageOf(title);
    if (stage) properties.contentStage = stage;
  }
  if (type === 'webinar_registered') {
    properties.webinarId = /\/webinars?\/([^/?#]+)/.exec(submission.pageUrl ?? '')?.[1] ?? form.id;
  }
  const ticked = values.some((v) => CONTACT_ME_FIELD.test(v.name ?? '') && TRUTHY.test(v.value ?? ''));
  // Contact Sales is the "I want sales to contact me" form itself.
  if (ticked || type === 'contact_sales') properties.contact_me = true;
  return {
    who: { email },
    event: {
      id: `form:${form.id}:${at}:${email}`,
      type,
      occurredAt: new Date(at).toISOString(),
      source: 'hubspot',
      properties,
    },
  };
}
