/**
 * The form submissions stream read incrementally against a portal where visitors keep submitting:
 * each form is paged only down to what an earlier pass took from it (newest first, by the data's own
 * `submittedAt`), so a pass with nothing new costs the form list and one page per form, and a
 * submission HubSpot made readable only after a pass that started later than its `submittedAt` is
 * still read by the next pass.
 */
import { createHubSpotConnector } from '../../connectors/hubspot';
import { FORM_IDS, FORMS, startHubSpotSandbox, type HubSpotSandbox } from '../../sandboxes/hubspot';
import type { CrmConnector, PulledEvent, StreamCursor } from '../../src/connector/crm-connector';

const SUBMISSIONS = 'GET /form-integrations/v1/submissions/forms/:formGuid';
const FORM_LIST = 'GET /marketing/v3/forms';
const MINUTE = 60_000;

describe('HubSpot connector: form submissions, incremental per form', () => {
  let sandbox: HubSpotSandbox;
  let connector: CrmConnector;
  let cursor: StreamCursor | null = null;

  /** One pass at `now`, to its end: the events and the calls it cost. */
  async function pass(now: number): Promise<{ events: PulledEvent[]; submissionCalls: number; listCalls: number }> {
    sandbox.resetStats();
    const events: PulledEvent[] = [];
    for (let pages = 0; pages < 1_000; pages++) {
      const page = await connector.pull('form_submissions', cursor, { now });
      events.push(...page.events);
      if (page.next === null) break;
      cursor = page.next;
      if (page.more === false) break;
    }
    const calls = sandbox.stats().requests.byEndpoint;
    return { events, submissionCalls: calls[SUBMISSIONS] ?? 0, listCalls: calls[FORM_LIST] ?? 0 };
  }

  const newestSeeded = async (formId: string): Promise<number> => {
    const response = await fetch(`${sandbox.url}/form-integrations/v1/submissions/forms/${formId}?limit=1`, { headers: { authorization: `Bearer ${sandbox.token}` } });
    return ((await response.json()) as { results: { submittedAt: number }[] }).results[0]!.submittedAt;
  };

  beforeAll(async () => {
    sandbox = await startHubSpotSandbox({ port: 0, contacts: 300, clock: 'frozen', rateLimit: { maxPerWindow: 100_000 } });
    connector = createHubSpotConnector({ accessToken: sandbox.token, basePath: sandbox.url });
    const first = await pass(sandbox.clock.now());
    expect(first.events.length).toBeGreaterThan(100);
  });
  afterAll(async () => {
    await sandbox.close();
  });

  it('a pass with nothing new reads the form list and the newest page of each form, and takes nothing', async () => {
    sandbox.clock.advance(5 * MINUTE);
    const idle = await pass(sandbox.clock.now());
    expect(idle).toEqual({ events: [], submissionCalls: FORMS.length, listCalls: 1 });
  });

  it('reads a submission HubSpot processed only after the last pass began, though it is stamped before that pass', async () => {
    // the last pass ran at `began`; this submission was made a second before it, and readable only now
    const began = sandbox.clock.now();
    const submittedAt = began - 1_000;
    expect(await newestSeeded(FORM_IDS.demoRequest)).toBeLessThan(submittedAt);
    sandbox.clock.advance(5 * MINUTE);
    const late = sandbox.submitForm({ formId: FORM_IDS.demoRequest, contactId: '100007', submittedAt });
    const next = await pass(sandbox.clock.now());
    expect(next.events.map((e) => e.event.properties.conversionId)).toEqual([late.conversionId]);
    expect(next.events[0]!.event).toMatchObject({ type: 'demo_request', occurredAt: new Date(submittedAt).toISOString() });
    expect(next.submissionCalls).toBe(FORMS.length);
  });

  it('pages a busy form only down to what the last pass took from it', async () => {
    sandbox.clock.advance(MINUTE);
    const made: string[] = [];
    for (let i = 0; i < 120; i++) {
      sandbox.clock.advance(1_000);
      made.push(sandbox.submitForm({ formId: FORM_IDS.contactSales, contactId: String(100_010 + (i % 200)) }).conversionId);
    }
    sandbox.clock.advance(MINUTE);
    const busy = await pass(sandbox.clock.now());
    const taken = busy.events.filter((e) => e.event.properties.formId === FORM_IDS.contactSales).map((e) => e.event.properties.conversionId);
    expect(new Set(taken)).toEqual(new Set(made));
    expect(busy.events).toHaveLength(120);
    // 120 new ones: three pages of 50 for that form, one for each of the others
    expect(busy.submissionCalls).toBe(FORMS.length - 1 + 3);
    const again = await pass(sandbox.clock.now() + MINUTE);
    expect(again.events).toEqual([]);
  });

  it('takes over a checkpoint written before per-form watermarks: its `since` is every form\'s watermark', async () => {
    const since = sandbox.clock.now();
    sandbox.clock.advance(MINUTE);
    const fresh = sandbox.submitForm({ formId: FORM_IDS.freeTrial, contactId: '100014' });
    cursor = { since, until: null, formId: null, after: null };
    const next = await pass(sandbox.clock.now() + 1);
    expect(next.events.map((e) => e.event.properties.conversionId)).toEqual([fresh.conversionId]);
    expect(cursor).toMatchObject({ v: 2, [`w:${FORM_IDS.freeTrial}`]: fresh.submittedAt, [`c:${FORM_IDS.freeTrial}`]: fresh.conversionId });
  });
});
