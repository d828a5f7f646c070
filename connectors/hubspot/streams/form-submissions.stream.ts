/**
 * The `form_submissions` stream: lists forms (`GET /marketing/v3/forms`), then pages each form's
 * submissions (`GET /form-integrations/v1/submissions/forms/:guid`: `limit` ≤50, `after` paging,
 * "returned in reverse-chronological order" with each submission's `submittedAt`, per the v1
 * reference; the endpoint takes no time filter). One API page per pull.
 *
 * Incremental by the data's own clock, per form: the cursor keeps, for each form, the newest
 * `submittedAt` already taken (`w:<formId>`), and a form is paged only down to it. An incremental pass
 * with nothing new costs the form list and one page per form, whatever the portal's history. The
 * watermark is HubSpot's time, never ours: a pass that used its own start as the next one's watermark
 * lost every submission stamped before that instant but readable only after it (HubSpot processes
 * submissions asynchronously; our clock is not HubSpot's). The conversion id taken at the watermark
 * (`c:<formId>`) keeps that one from being taken again; another at the very same millisecond is
 * (events are unique by id, so it is stored once).
 *
 * Cursor: `{v: 2, since, until, formId, after, stop, newest, newestId, "w:<formId>": ms, "c:<formId>": id…}`. `since` is when the
 * last finished pass started (our clock: a pass starts at most once per run); `until` the running
 * pass's start; `stop` the paged form's watermark before this pass and `newest` the newest taken from
 * it so far. A cursor without `v` (written before per-form watermarks) counts `since` as every
 * form's watermark.
 */
import type { EngagementEvent } from '../../../src/model/event';
import type { PullPage, PulledEvent, StreamCursor } from '../../../src/connector/crm-connector';
import type { HubSpotHttp } from '../hubspot-http';
import { cursorNumber, cursorString } from '../../../src/connector/shared/cursor.util';
import { assetTitleOf, CONTACT_ME_FIELD, contentStageOf, formEventType, TRUTHY } from './form-intent.constant';

const STREAM = 'form_submissions';
const FORMS_PAGE = 50;
const SUBMISSIONS_PAGE = 50;
const VERSION = 2;
const WATERMARK = 'w:';
/** The conversion id of the submission at a form's watermark, so it is not taken twice. */
const AT_WATERMARK = 'c:';

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

/** The newest submittedAt already taken from a form (0: none, its whole history is new). */
function watermarkOf(cursor: StreamCursor | null, formId: string): number {
  if (cursor === null) return 0;
  if (cursor.v !== VERSION) return cursorNumber(cursor, STREAM, 'since', true) ?? 0;
  return cursorNumber(cursor, STREAM, `${WATERMARK}${formId}`, true) ?? 0;
}

/** Every form's watermark from `cursor`, for the forms of this pass (gone forms are dropped). */
function watermarks(cursor: StreamCursor | null, forms: readonly FormSummary[]): StreamCursor {
  return Object.fromEntries(forms.flatMap((form) => [
    [`${WATERMARK}${form.id}`, watermarkOf(cursor, form.id)],
    [`${AT_WATERMARK}${form.id}`, cursor?.v === VERSION ? cursorString(cursor, STREAM, `${AT_WATERMARK}${form.id}`) : null],
  ]));
}

export class FormSubmissionsStream {
  private forms: FormSummary[] | undefined;

  constructor(private readonly http: HubSpotHttp) {}

  async pull(cursor: StreamCursor | null, now: number): Promise<PullPage> {
    const since = cursor ? cursorNumber(cursor, STREAM, 'since', true) ?? 0 : 0;
    let formId = cursor ? cursorString(cursor, STREAM, 'formId') : null;
    const after = cursor ? cursorString(cursor, STREAM, 'after') : null;
    if (formId === null && since >= now) return { people: [], events: [], next: null };
    const until = (cursor ? cursorNumber(cursor, STREAM, 'until', true) : null) ?? now;

    // The form list is read at the start of each pass and kept while the pass runs.
    if (formId === null || !this.forms) this.forms = await this.listForms();
    let index = formId === null ? 0 : this.forms.findIndex((f) => f.id === formId);
    // The form went away mid-pass: start the pass over (events dedupe by id).
    const resuming = index !== -1 && formId !== null;
    if (index === -1) index = 0;
    const marks = watermarks(cursor, this.forms);
    const form = this.forms[index];
    const finished: StreamCursor = { v: VERSION, since: until, until: null, formId: null, after: null, stop: null, newest: null, newestId: null, ...marks };
    if (!form) return { people: [], events: [], next: finished };
    formId = form.id;
    // this form's watermark as it was before the pass, and the newest taken from it in this pass
    const stop = resuming ? cursorNumber(cursor!, STREAM, 'stop', true) ?? watermarkOf(cursor, form.id) : watermarkOf(cursor, form.id);
    const takenAtStop = marks[`${AT_WATERMARK}${form.id}`] ?? null;
    let newest = resuming ? cursorNumber(cursor!, STREAM, 'newest', true) ?? stop : stop;
    let newestId = (resuming ? cursorString(cursor!, STREAM, 'newestId') : null) ?? takenAtStop;

    const response = await this.http.json<SubmissionsResponse>('standard', 'GET /form-integrations/v1/submissions/forms/:guid', {
      method: 'GET',
      path: `/form-integrations/v1/submissions/forms/${encodeURIComponent(form.id)}`,
      qs: { limit: String(SUBMISSIONS_PAGE), ...(resuming && after ? { after } : {}) },
    });
    const events: PulledEvent[] = [];
    let reachedWatermark = false;
    for (const submission of response.results ?? []) {
      const at = Number(submission.submittedAt);
      if (!Number.isFinite(at)) continue;
      if (at < stop) {
        reachedWatermark = true; // newest first: everything after this is older still
        break;
      }
      // the pass ends at its start (a later submission is the next pass's: the watermark waits for it)
      if (at >= until) continue;
      if (at === stop && submission.conversionId !== undefined && submission.conversionId === takenAtStop) continue;
      if (at > newest || (at === newest && newestId === null)) {
        newest = at;
        newestId = submission.conversionId ?? null;
      }
      const event = toEvent(form, submission, at);
      if (event) events.push(event);
    }
    const nextAfter = response.paging?.next?.after;
    if (!reachedWatermark && nextAfter) {
      return { people: [], events, next: { v: VERSION, since, until, formId, after: nextAfter, stop, newest, newestId, ...marks } };
    }
    const done = { ...marks, [`${WATERMARK}${form.id}`]: newest, [`${AT_WATERMARK}${form.id}`]: newestId };
    const following = this.forms[index + 1];
    return {
      people: [],
      events,
      next: following
        ? { v: VERSION, since, until, formId: following.id, after: null, stop: null, newest: null, newestId: null, ...done }
        : { ...finished, ...done },
    };
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
