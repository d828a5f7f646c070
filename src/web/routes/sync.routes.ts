import type { Job, Queue } from 'bullmq';
import { Router } from 'express';
import { z } from 'zod';
import { QUEUE_NAMES, type QueueName } from '../../queue/job-data';
import type { Installation } from '../../store';
import { recordErrorsPage } from '../console-queries';
import { sendError } from '../http/errors';
import { html } from '../http/html';
import { sessionOf } from '../http/session';
import { validate } from '../http/validate';
import { consolePage, csrfField, when } from '../pages/layout';
import type { WebDeps } from '../web-deps';
import { fromForm, member, type RouteGroup } from './route-group';

/** Jobs looked at per queue for the per-installation depth and the lists: bounded, never a whole queue. */
const SCAN = 1_000;
const ERRORS_PER_PAGE = 50;
const FAILED_PER_PAGE = 20;

const SyncQuery = z.object({
  installation: z.uuid('expected an installation id').optional(),
  errorsBefore: z.coerce.number().int().positive('expected a record error id').optional(),
  failedPage: z.coerce.number().int().min(0, 'expected a page number').max(1_000).optional(),
}).strict();
const RetryParams = z.object({ queue: z.enum(QUEUE_NAMES, `expected one of ${QUEUE_NAMES.join(', ')}`), jobId: z.string().min(1).max(200) }).strict();

type JobData = { workspaceId?: string; installationId?: string; stream?: string };
const dataOf = (job: Job): JobData => (typeof job.data === 'object' && job.data !== null ? (job.data as JobData) : {});

/**
 * Sync status: queue depth per job type (and per installation of the workspace), recent runs with
 * their duration and what they counted, failed jobs with their error and a retry button, and record
 * errors with the system's message and a link to the record there. Everything is paged.
 */
export const syncRoutes: RouteGroup = {
  name: 'sync',
  access: 'members',
  router(deps) {
    const router = Router();
    const { store } = deps.runtime;

    router.get('/console/sync', ...member, async (req, res) => {
      const query = validate(req, res, 'query', SyncQuery);
      if (!query) return;
      const session = sessionOf(res)!;
      const admin = session.role === 'admin';
      const installations = await store.installations.list(session.workspaceId);
      const byId = new Map(installations.map((i) => [i.id, i]));
      const nameOf = (id: string | undefined) => {
        const installation = id ? byId.get(id) : undefined;
        return installation ? `${systemOf(deps, installation)} · ${installation.displayName}` : 'all systems';
      };
      const queues = deps.runtime.queues;
      const mine = (job: Job | undefined): job is Job => !!job && dataOf(job).workspaceId === session.workspaceId && (!query.installation || dataOf(job).installationId === query.installation);

      const depth = await Promise.all(QUEUE_NAMES.map(async (name) => {
        const queue: Queue = queues[name];
        const counts = await queue.getJobCounts('waiting', 'prioritized', 'active', 'delayed', 'failed', 'completed');
        const pending = (await queue.getJobs(['waiting', 'prioritized', 'active', 'delayed'], 0, SCAN - 1)).filter(mine);
        const perInstallation = new Map<string, number>();
        for (const job of pending) perInstallation.set(dataOf(job).installationId ?? '', (perInstallation.get(dataOf(job).installationId ?? '') ?? 0) + 1);
        return { name, counts, perInstallation };
      }));
      const recent = (await Promise.all(QUEUE_NAMES.map(async (name) => (await queues[name].getCompleted(0, 49)).filter(mine).map((job) => ({ name, job })))))
        .flat().sort((a, b) => (b.job.finishedOn ?? 0) - (a.job.finishedOn ?? 0)).slice(0, 20);
      const failedPage = query.failedPage ?? 0;
      const failedAll = (await Promise.all(QUEUE_NAMES.map(async (name) => (await queues[name].getFailed(0, SCAN - 1)).filter(mine).map((job) => ({ name, job })))))
        .flat().sort((a, b) => (b.job.finishedOn ?? 0) - (a.job.finishedOn ?? 0));
      const failed = failedAll.slice(failedPage * FAILED_PER_PAGE, (failedPage + 1) * FAILED_PER_PAGE);
      const errors = await recordErrorsPage(store, session.workspaceId, { ...(query.installation ? { installationId: query.installation } : {}), ...(query.errorsBefore ? { beforeId: query.errorsBefore } : {}), limit: ERRORS_PER_PAGE + 1 });
      const moreErrors = errors.length > ERRORS_PER_PAGE;
      const shownErrors = errors.slice(0, ERRORS_PER_PAGE);
      const csrf = csrfField(session);
      const filter = query.installation ? `installation=${encodeURIComponent(query.installation)}&` : '';

      const body = html`<h1>Sync status</h1>
        <form method="get" action="/console/sync" class="actions"><label for="installation">System</label>
          <select id="installation" name="installation"><option value="">All systems</option>${installations.map((i) => html`<option value="${i.id}"${i.id === query.installation ? html` selected` : ''}>${nameOf(i.id)}</option>`)}</select>
          <button type="submit">Show</button></form>
        <h2>Queues</h2>
        <p class="muted">Waiting, running, delayed and failed jobs of all workspaces per job type; the last column counts this workspace's pending jobs per system (of the first ${SCAN.toLocaleString('en')} per queue).</p>
        <table id="queues"><thead><tr><th>Job type</th><th>Waiting</th><th>Running</th><th>Delayed</th><th>Failed</th><th>Pending here, per system</th></tr></thead><tbody>
        ${depth.map(({ name, counts, perInstallation }) => html`<tr data-queue="${name}"><td>${name}</td><td>${(counts.waiting ?? 0) + (counts.prioritized ?? 0)}</td><td>${counts.active ?? 0}</td><td>${counts.delayed ?? 0}</td><td>${counts.failed ?? 0}</td>
          <td>${perInstallation.size === 0 ? 'none' : [...perInstallation].map(([id, n]) => html`${nameOf(id)}: ${n}<br>`)}</td></tr>`)}
        </tbody></table>
        <h2>Recent runs</h2>
        ${recent.length === 0 ? html`<p>No finished job is kept for this workspace yet.</p>` : html`<table id="recent-runs"><thead><tr><th>Finished</th><th>Job</th><th>System</th><th>Duration</th><th>Result</th></tr></thead><tbody>
          ${recent.map(({ name, job }) => html`<tr><td class="nowrap">${when(job.finishedOn)}</td><td>${name}${dataOf(job).stream ? html` <small>${dataOf(job).stream}</small>` : ''}</td><td>${nameOf(dataOf(job).installationId)}</td><td>${job.processedOn && job.finishedOn ? `${((job.finishedOn - job.processedOn) / 1000).toFixed(1)} s` : '—'}</td><td><small>${summarise(job.returnvalue)}</small></td></tr>`)}
        </tbody></table>`}
        <h2 id="failed-jobs">Failed jobs</h2>
        ${failed.length === 0 ? html`<p>No failed job.</p>` : html`<table id="failed"><thead><tr><th>Failed</th><th>Job</th><th>System</th><th>Attempts</th><th>Error</th><th></th></tr></thead><tbody>
          ${failed.map(({ name, job }) => html`<tr data-job="${name}:${job.id}"><td class="nowrap">${when(job.finishedOn)}</td><td>${name}${dataOf(job).stream ? html` <small>${dataOf(job).stream}</small>` : ''}</td><td>${nameOf(dataOf(job).installationId)}</td><td>${job.attemptsMade}</td><td>${job.failedReason ?? 'no reason recorded'}</td>
            <td>${admin ? html`<form method="post" action="/console/jobs/${name}/${String(job.id)}/retry">${csrf}<button type="submit">Retry</button></form>` : ''}</td></tr>`)}
        </tbody></table>
        <nav class="pager" aria-label="Failed jobs pages">${failedPage > 0 ? html`<a href="/console/sync?${filter}failedPage=${failedPage - 1}#failed-jobs">Newer</a>` : ''}${failedAll.length > (failedPage + 1) * FAILED_PER_PAGE ? html`<a href="/console/sync?${filter}failedPage=${failedPage + 1}#failed-jobs">Older</a>` : ''}</nav>`}
        <h2 id="record-errors">Record errors</h2>
        <p class="muted">Writes the system refused for good: fix the record or the mapping there; the next change writes it again.</p>
        ${shownErrors.length === 0 ? html`<p>No record error.</p>` : html`<table id="errors"><thead><tr><th>When</th><th>System</th><th>Record</th><th>Error</th><th>Person</th></tr></thead><tbody>
          ${shownErrors.map((e) => {
            const installation = byId.get(e.installationId);
            const objectType = typeof (e.details as { objectType?: unknown } | null)?.objectType === 'string' ? (e.details as { objectType: string }).objectType : 'contact';
            const url = installation && e.crmId ? recordUrl(deps, installation, objectType, e.crmId) : null;
            return html`<tr><td class="nowrap">${when(e.createdAt)}</td><td>${nameOf(e.installationId)}</td><td>${e.crmId ? (url ? html`<a href="${url}" rel="noopener" target="_blank">${e.crmId}</a>` : e.crmId) : '—'}</td><td><code>${e.code}</code> ${e.message}</td><td>${e.personId ? html`<a href="/console/people/${e.personId}">open</a>` : '—'}</td></tr>`;
          })}
        </tbody></table>
        <nav class="pager" aria-label="Record error pages">${query.errorsBefore ? html`<a href="/console/sync?${filter}#record-errors">Newest</a>` : ''}${moreErrors ? html`<a href="/console/sync?${filter}errorsBefore=${shownErrors[shownErrors.length - 1]!.id}#record-errors">Older</a>` : ''}</nav>`}`;
      res.type('html').send(consolePage('Sync status', session, '/console/sync', body));
    });

    router.post('/console/jobs/:queue/:jobId/retry', ...member, async (req, res) => {
      const params = validate(req, res, 'params', RetryParams);
      if (!params) return;
      const session = sessionOf(res)!;
      const job = await deps.runtime.queues[params.queue as QueueName].getJob(params.jobId);
      if (!job || dataOf(job).workspaceId !== session.workspaceId) return sendError(res, 404, 'not_found', 'no such job in this workspace');
      if (!(await job.isFailed())) return sendError(res, 409, 'conflict', 'only a failed job can be retried');
      await job.retry('failed');
      deps.runtime.logger.info('job retried from the console', { queue: params.queue, jobId: params.jobId, by: session.userId });
      if (fromForm(req)) return res.redirect(303, '/console/sync#failed-jobs');
      res.json({ retried: { queue: params.queue, jobId: params.jobId } });
    });
    return router;
  },
};

function systemOf(deps: WebDeps, installation: Installation): string {
  return deps.runtime.deps.connectors.has(installation.provider) ? deps.runtime.deps.connectors.get(installation.provider).label : installation.provider;
}

export function recordUrl(deps: WebDeps, installation: Installation, objectType: string, crmId: string): string | null {
  if (!deps.runtime.deps.connectors.has(installation.provider)) return null;
  return deps.runtime.deps.connectors.get(installation.provider).recordUrl?.(installation, objectType, crmId) ?? null;
}

/** A job's return value as a few "key: number" pairs (what it counted), or a dash. */
function summarise(value: unknown): string {
  if (typeof value !== 'object' || value === null) return value === undefined || value === null ? '—' : String(value).slice(0, 120);
  const parts = Object.entries(value as Record<string, unknown>).filter(([, v]) => typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean').slice(0, 6).map(([k, v]) => `${k}: ${String(v)}`);
  return parts.length > 0 ? parts.join(', ') : '—';
}
