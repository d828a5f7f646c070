/**
 * The Reports page in a real browser (playwright-core driving the system's Chromium) at 1280 px,
 * on the hand-counted workspace of support/report-fixture.ts: the figures on the page are the
 * hand count, the charts are labelled images, an admin enters a campaign cost (refused field by
 * field when wrong, then saved and counted), a viewer reads without the form and cannot post, and
 * another workspace's admin sees none of it. Screenshots go to test-output/screenshots/.
 */
import './support/native-pglite';
import { mkdirSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { chromium } from 'playwright-core';
import type { Runtime } from '../../src/app/runtime';
import { SESSION_COOKIE, startSession } from '../../src/app/sessions';
import { createWebApp } from '../../src/web/web-app';
import { REPORT_NOW, buildReportFixture, type ReportFixture } from './support/report-fixture';
import { closeTestRuntime, openTestRuntime, uniqueRun } from './support/test-runtime';

const SHOTS = 'test-output/screenshots';

describe('the Reports page in a browser', () => {
  let runtime: Runtime;
  let server: Server;
  let base: string;
  let browser: Browser;
  let fx: ReportFixture;
  const users: Record<'admin' | 'viewer' | 'otherAdmin', { userId: string; workspaceId: string }> = {} as never;

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    runtime = await openTestRuntime(uniqueRun('reports-browser'));
    fx = await buildReportFixture(runtime.store);
    for (const [name, workspaceId, role] of [['admin', fx.workspaceId, 'admin'], ['viewer', fx.workspaceId, 'viewer'], ['otherAdmin', fx.otherWorkspaceId, 'admin']] as const) {
      const user = await runtime.store.users.upsertByEmail(`${name.toLowerCase()}@example.com`);
      await runtime.store.users.addMember(workspaceId, user.id, role);
      users[name] = { userId: user.id, workspaceId };
    }
    const app = createWebApp({ runtime, installables: new Map(), publicUrl: 'http://127.0.0.1', secureCookies: false, clock: () => REPORT_NOW.getTime() });
    server = await new Promise<Server>((resolve) => {
      const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
    });
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    await closeTestRuntime(runtime);
  });

  async function signedIn(who: keyof typeof users): Promise<{ context: BrowserContext; page: Page; cookie: string; csrf: string }> {
    const session = await startSession(runtime.store, users[who].workspaceId, users[who].userId, REPORT_NOW.getTime());
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    await context.addCookies([{ name: SESSION_COOKIE, value: session.token, url: base }]);
    return { context, page: await context.newPage(), cookie: `${SESSION_COOKIE}=${session.token}`, csrf: session.csrfToken };
  }
  const cells = async (page: Page, selector: string) => (await page.locator(selector).locator('td').allTextContents()).map((t) => t.trim());

  it('shows the hand-counted figures with labelled charts, and lets an admin enter a cost', async () => {
    const { context, page } = await signedIn('admin');
    try {
      await page.goto(`${base}/console/reports?weeks=4`);
      await expect(page.getByRole('link', { name: 'Reports' }).getAttribute('aria-current')).resolves.toBe('page');
      await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Reports');
      // the charts are images named by their titles, described by their figures
      await expect(page.getByRole('img', { name: 'People per stage now' }).count()).resolves.toBe(1);
      await expect(page.locator('#funnel-chart desc').textContent()).resolves.toBe('6 people: Contact 0, Lead 1, MQL 0, SQL 1, Opportunity 0, Customer 1, Nurture 2, Disqualified 1.');
      await expect(page.getByRole('img', { name: 'MQL and SQL volume per week' }).count()).resolves.toBe(1);
      expect(await cells(page, '#conversions tr[data-conversion="mql-sql"]')).toEqual(['MQL', 'SQL', '4', '2', '50 %']);
      expect(await cells(page, '#time-in-stage tr[data-stage="lead"]')).toEqual(['Lead', '5', '3 d', '25.8 d']);
      expect(await cells(page, '#time-in-stage tr[data-stage="mql"]')).toEqual(['MQL', '4', '24 h', '18.5 d']);
      // four weeks up to Wednesday Dec 2: the weeks of Nov 9, 16, 23, 30; targets 10 and 2 a week
      expect(await cells(page, '#volume-table tr[data-week="2026-11-30"]')).toEqual(['2026-11-30', '1', '10 %', '1', '50 %']);
      await expect(page.locator('#volume-table tbody tr').count()).resolves.toBe(4);
      // the last 28 days: h1 met, h2 met late, h3 breached, h4 pending, h5 expired
      await expect(page.locator('[data-fact="on-time"]').textContent()).resolves.toBe('25 %');
      expect(await cells(page, '#sla-reps tr[data-owner="u1"]')).toEqual(['Avery Chen u1', '2', '1', '1', '0', '0', '0', '50 %', '100 %', '1', '2']);
      expect(await cells(page, '#sla-teams tr[data-team="West"]')).toEqual(['West', '1', '0', '0', '0', '1', '0', '0 %', '0 %', '0', '0']);
      expect(await cells(page, '#recycle-table tbody tr')).toEqual(['Nurture', 'rejected by sales: bad timing', '2', '2']);
      expect(await cells(page, '#roi-campaigns tr[data-campaign="Paid search/Winter"]')).toEqual(['Paid search', 'Winter', '1,500 USD', '2', '2', '2', '1', '750 USD', '750 USD', '750 USD', '1,500 USD', '5,000 USD', '233.3 %']);
      // nothing of the other workspace (its 99,999 cost, its reason)
      await expect(page.locator('main').textContent()).resolves.not.toMatch(/99,999|other workspace reason/);
      await page.screenshot({ path: `${SHOTS}/20-reports.png`, fullPage: true });
      await page.locator('#volume').screenshot({ path: `${SHOTS}/20-reports-volume.png` });

      // a wrong cost: nothing saved, each problem next to its field
      await page.getByLabel('Source', { exact: true }).fill('Webinar');
      await page.getByLabel('Campaign (optional)', { exact: true }).fill('December live demo');
      await page.getByLabel('Month', { exact: true }).fill('2026-13');
      await page.getByLabel('Amount', { exact: true }).fill('1,250');
      await page.getByLabel('Currency', { exact: true }).fill('usd');
      await page.getByRole('button', { name: 'Save cost' }).click();
      await expect(page.locator('[role=alert]').textContent()).resolves.toMatch(/Nothing was saved/);
      await expect(page.locator('#cost-period-error').textContent()).resolves.toMatch(/YYYY-MM/);
      await expect(page.locator('#cost-amount-error').textContent()).resolves.toMatch(/no thousands separator/);
      await expect(page.getByLabel('Amount', { exact: true }).getAttribute('aria-invalid')).resolves.toBe('true');
      await expect(page.getByLabel('Source', { exact: true }).inputValue()).resolves.toBe('Webinar');
      await expect(page.locator('#cost-source-error').count()).resolves.toBe(0);
      await page.locator('#cost-form').screenshot({ path: `${SHOTS}/21-reports-cost-refused.png` });
      expect((await runtime.store.db.query('SELECT 1 FROM campaign_costs WHERE campaign = $1', ['December live demo'])).rows).toEqual([]);

      // corrected: saved; nobody is attributed to that campaign, so it has a cost and no people
      await page.getByLabel('Month', { exact: true }).fill('2026-12');
      await page.getByLabel('Amount', { exact: true }).fill('1250.50');
      await page.getByRole('button', { name: 'Save cost' }).click();
      await page.waitForURL('**/console/reports?saved=cost#costs');
      await expect(page.locator('[role=status]').textContent()).resolves.toMatch(/Cost saved/);
      expect(await cells(page, '#roi-campaigns tr[data-campaign="Webinar/December live demo"]')).toEqual(['Webinar', 'December live demo', '1,250.5 USD', '0', '0', '0', '0', '—', '—', '—', '—', '—', '—']);
      // the source's cost now holds it too: 400 + 1250.50 over p4 and p6
      expect((await cells(page, '#roi-sources tr[data-source="Webinar"]')).slice(0, 3)).toEqual(['Webinar', '1,650.5 USD', '2']);
      await page.screenshot({ path: `${SHOTS}/22-reports-cost-saved.png`, fullPage: true });
    } finally {
      await context.close();
    }
  }, 60_000);

  it('downloads a report as CSV and JSON', async () => {
    const { context, cookie } = await signedIn('admin');
    await context.close();
    const csv = await fetch(`${base}/console/reports/export?report=recycle&format=csv&weeks=4`, { headers: { cookie } });
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-disposition')).toMatch(/^attachment; filename="?leadstage-recycle-2026-12-02\.csv"?$/);
    expect(await csv.text()).toBe('stage,reason,transitions,people\r\nnurture,rejected by sales: bad timing,2,2\r\n');
    const json = await fetch(`${base}/console/reports/export?report=funnel&format=json`, { headers: { cookie } });
    expect(((await json.json()) as { conversions: unknown[] }).conversions[0]).toEqual({ from: 'lead', to: 'mql', reachedFrom: 6, reachedTo: 4, rate: 4 / 6 });
    const bad = await fetch(`${base}/console/reports/export?report=pipeline`, { headers: { cookie, accept: 'application/json' } });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { errors: unknown[] } }).error.errors[0]).toMatchObject({ path: 'query.report', value: 'pipeline' });
  });

  it('takes a cost as JSON from a script: 400 naming each bad field and its value, 201 with the saved cost', async () => {
    const { context, cookie, csrf } = await signedIn('admin');
    await context.close();
    const post = (body: unknown) => fetch(`${base}/console/reports/costs`, { method: 'POST', headers: { cookie, 'x-csrf-token': csrf, 'content-type': 'application/json', accept: 'application/json' }, body: JSON.stringify(body) });
    const bad = await post({ source: 'Webinar', period: 'Nov 2026', amount: '-3', currency: 'US dollars' });
    expect(bad.status).toBe(400);
    const { error } = (await bad.json()) as { error: { errors: Array<{ path: string; value: unknown }> } };
    expect(error.errors.map((e) => [e.path, e.value])).toEqual([['body.period', 'Nov 2026'], ['body.amount', '-3'], ['body.currency', 'US dollars']]);
    const good = await post({ source: 'Trade show', period: '2026-10', amount: '99.90', currency: 'usd' });
    expect(good.status).toBe(201);
    expect(((await good.json()) as { cost: unknown }).cost).toMatchObject({ source: 'Trade show', campaign: '', period: '2026-10', amount: 99.9, currency: 'USD', enteredBy: 'admin@example.com' });
    // the same source, campaign, month and currency again replaces the amount
    expect((await post({ source: 'Trade show', period: '2026-10', amount: '120', currency: 'USD' })).status).toBe(201);
    const { rows } = await runtime.store.db.query<{ amount: number }>(`SELECT amount::float8 AS amount FROM campaign_costs WHERE workspace_id = $1 AND source = 'Trade show' AND period = '2026-10'`, [fx.workspaceId]);
    expect(rows).toEqual([{ amount: 120 }]);
  });

  it('a viewer reads the reports without the cost form, and cannot post a cost', async () => {
    const { context, page, cookie, csrf } = await signedIn('viewer');
    try {
      await page.goto(`${base}/console/reports`);
      // 13 weeks (the default) reach back to Sep 2: h7 (met, Nov 1) counts too, 2 met of 5 decided
      await expect(page.locator('[data-fact="on-time"]').textContent()).resolves.toBe('40 %');
      await expect(page.locator('#cost-form').count()).resolves.toBe(0);
      const posted = await fetch(`${base}/console/reports/costs`, { method: 'POST', headers: { cookie, 'x-csrf-token': csrf, 'content-type': 'application/json', accept: 'application/json' }, body: JSON.stringify({ source: 'Webinar', period: '2026-11', amount: '1', currency: 'USD' }) });
      expect(posted.status).toBe(403);
    } finally {
      await context.close();
    }
  });

  it("another workspace's admin sees their own figures only", async () => {
    const { context, page } = await signedIn('otherAdmin');
    try {
      await page.goto(`${base}/console/reports`);
      await expect(page.locator('#funnel-chart desc').textContent()).resolves.toBe('1 people: Contact 0, Lead 0, MQL 0, SQL 0, Opportunity 0, Customer 0, Nurture 1, Disqualified 0.');
      expect(await cells(page, '#roi-campaigns tr[data-campaign="Paid search/Winter"]')).toEqual(['Paid search', 'Winter', '99,999 USD', '1', '1', '1', '0', '99,999 USD', '99,999 USD', '99,999 USD', '—', '—', '—']);
      await expect(page.locator('main').textContent()).resolves.not.toMatch(/rejected by sales|1,500 USD|u2/);
    } finally {
      await context.close();
    }
  });
});
