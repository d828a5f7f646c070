import type { RatePolicy } from '../../rate-limit';
import { Router, type Response } from 'express';
import { z } from 'zod';
import { pauseInstallation, resyncInstallation, unpauseInstallation } from '../../app/installations';
import type { Installation, InstallationProblemRecord } from '../../store';
import { firstSyncStanding } from '../../sync/first-sync-marks';
import { installationCounts } from '../console-queries';
import { sendError } from '../http/errors';
import { html, type Raw } from '../http/html';
import { sessionOf, type WebSession } from '../http/session';
import { validate } from '../http/validate';
import { consolePage, csrfField, when } from '../pages/layout';
import type { WebDeps } from '../web-deps';
import { installationView } from './installations.routes';
import { fromForm, member, type RouteGroup } from './route-group';

const InstallationParams = z.object({ id: z.uuid('expected an installation id') }).strict();
const ResyncBody = z.object({ _csrf: z.string().optional(), kind: z.enum(['full', 'incremental'], 'choose a full or an incremental sync') });

/** The status an admin reads first: one word and a colour, then the why. */
type Health = { key: 'healthy' | 'needs_reauth' | 'rate_limited' | 'paused' | 'disconnected' | 'error' | 'pending'; label: string; tone: 'healthy' | 'warn' | 'bad' | 'off'; detail: string | null };

function healthOf(installation: Installation, limiter: { pausedUntil: number | null; reason: string | null } | null, now: number): Health {
  switch (installation.status) {
    case 'disconnected': return { key: 'disconnected', label: 'Disconnected', tone: 'off', detail: 'Nothing syncs and nothing is written. Connect it again to resume where it stopped.' };
    case 'needs_reauth': return { key: 'needs_reauth', label: 'Needs re-authorisation', tone: 'bad', detail: `Work is paused, reconnect needed: the system refused Leadstage's access${installation.statusReason ? ` (${installation.statusReason})` : ''}. Nothing is lost; reconnecting resumes it.` };
    case 'paused': return { key: 'paused', label: 'Paused', tone: 'warn', detail: 'Jobs wait and writes stay pending until you resume it.' };
    case 'error': return { key: 'error', label: 'Setup problem', tone: 'bad', detail: installation.statusReason };
    case 'pending': return { key: 'pending', label: 'Setting up', tone: 'warn', detail: null };
    default:
      if (limiter?.pausedUntil && limiter.pausedUntil > now) {
        const why = limiter.reason === 'daily' ? "the system's daily API limit is used up" : 'the system asked Leadstage to slow down';
        return { key: 'rate_limited', label: 'Rate-limited', tone: 'warn', detail: `Calls wait until ${when(limiter.pausedUntil)}: ${why}.` };
      }
      return { key: 'healthy', label: 'Healthy', tone: 'healthy', detail: null };
  }
}

/**
 * Connections, the console's front page: each installation of the workspace with its health, the
 * last sync of each stream, people synced, today's API budget, writes pending and record errors,
 * and what an admin can do with it (pause, resume, re-sync, disconnect, reconnect), then the systems
 * still to connect and the members.
 */
export const consoleRoutes: RouteGroup = {
  name: 'console',
  access: 'members',
  router(deps) {
    const router = Router();
    const { store } = deps.runtime;

    router.get('/console', ...member, async (req, res) => {
      const session = sessionOf(res)!;
      const admin = session.role === 'admin';
      const now = deps.clock();
      const installations = await store.installations.list(session.workspaceId);
      // after an action: what happened, to which system (an id of another workspace names nothing)
      const acted = installations.find((i) => i.id === req.query.installation);
      const said = typeof req.query.done === 'string' && Object.hasOwn(NOTICES, req.query.done) ? NOTICES[req.query.done] : undefined;
      const notice = said ? `${acted ? `${installationView(deps, acted).system} · ${acted.displayName}: ` : ''}${said}` : undefined;
      const cards = await Promise.all(installations.map((installation) => installationCard(deps, session, installation, admin, now)));
      const workspace = await store.workspaces.get(session.workspaceId);
      const members = await store.users.listMembers(session.workspaceId);
      const connected = new Set(installations.filter((i) => i.status !== 'disconnected').map((i) => i.provider));
      const toConnect = [...deps.installables.values()].filter(({ module }) => !connected.has(module.provider));
      const body = html`<h1>Connections <small class="muted">· ${workspace?.name ?? 'Workspace'}</small></h1>
        ${notice ? html`<p class="notice" role="status">${notice}</p>` : ''}
        ${installations.length === 0 ? html`<p>No system is connected yet.</p>` : cards}
        ${admin && toConnect.length > 0 ? html`<section class="card"><h2>Connect a system</h2><p>You will approve Leadstage in the system itself, then come back here.</p><div class="actions">${toConnect.map(({ module }) => html`<a class="button primary" href="/install/${module.provider}">Connect ${module.label}</a>`)}</div></section>` : ''}
        <section class="card"><h2>Members</h2>
        <ul>${members.map((m) => html`<li>${m.email} (${m.role})</li>`)}</ul>
        ${admin ? html`<form method="post" action="/workspace/members">${csrfField(session)}<label>Add a viewer by email <input type="email" name="email" required></label><input type="hidden" name="role" value="viewer"><button type="submit">Add</button></form>` : ''}</section>`;
      res.type('html').send(consolePage('Connections', session, '/console', body));
    });

    const loadInstallation = async (req: Parameters<Parameters<typeof router.post>[1]>[0], res: Response): Promise<Installation | null> => {
      const params = validate(req, res, 'params', InstallationParams);
      if (!params) return null;
      const installation = await store.installations.get(sessionOf(res)!.workspaceId, params.id);
      if (!installation) sendError(res, 404, 'not_found', 'no such installation in this workspace');
      return installation;
    };
    const answer = async (req: Parameters<Parameters<typeof router.post>[1]>[0], res: Response, installation: Installation, done: string) => {
      if (fromForm(req)) return res.redirect(303, `/console?done=${done}&installation=${installation.id}`);
      res.json({ installation: installationView(deps, (await store.installations.get(installation.workspaceId, installation.id))!) });
    };

    router.post('/installations/:id/pause', ...member, async (req, res) => {
      const installation = await loadInstallation(req, res);
      if (!installation) return;
      if (!(await pauseInstallation(deps.runtime, installation, sessionOf(res)!.email))) return sendError(res, 409, 'conflict', `a ${installation.status} installation cannot be paused`);
      deps.runtime.logger.info('installation paused', { installationId: installation.id, by: sessionOf(res)!.userId });
      await answer(req, res, installation, 'paused');
    });

    router.post('/installations/:id/resume', ...member, async (req, res) => {
      const installation = await loadInstallation(req, res);
      if (!installation) return;
      if (!(await unpauseInstallation(deps.runtime, installation))) return sendError(res, 409, 'conflict', `only a paused installation can be resumed (this one is ${installation.status})`);
      deps.runtime.logger.info('installation resumed', { installationId: installation.id, by: sessionOf(res)!.userId });
      await answer(req, res, installation, 'resumed');
    });

    router.post('/installations/:id/resync', ...member, async (req, res) => {
      const installation = await loadInstallation(req, res);
      if (!installation) return;
      const body = validate(req, res, 'body', ResyncBody);
      if (!body) return;
      if (installation.status !== 'active') return sendError(res, 409, 'conflict', `resume or reconnect the installation first (it is ${installation.status})`);
      await resyncInstallation(deps.runtime, installation, body.kind);
      deps.runtime.logger.info('installation re-sync', { installationId: installation.id, kind: body.kind, by: sessionOf(res)!.userId });
      await answer(req, res, installation, body.kind === 'full' ? 'resync-full' : 'resync');
    });
    return router;
  },
};

const NOTICES: Record<string, string> = {
  paused: 'Paused. Jobs wait and writes stay pending until you resume it.',
  resumed: 'Resumed. Waiting jobs run now and pending writes go out.',
  resync: 'An incremental sync was queued: it pulls what changed since the last one.',
  'resync-full': 'A full sync was queued: every record is read again and matched to the people already known.',
};

/**
 * While a first sync runs, what an admin would otherwise misread (few people synced, streams missing):
 * how many streams are pulled so far. Null once it is done, or when the connector cannot be opened
 * (the card's status says why elsewhere).
 */
async function firstSyncProgress(deps: WebDeps, installation: Installation): Promise<string | null> {
  let streams: readonly string[];
  try {
    streams = (await deps.runtime.deps.connectorFor(installation)).streams;
  } catch {
    return null;
  }
  const standing = await firstSyncStanding(deps.runtime.store.checkpoints, installation.id, streams);
  if (!standing.running) return null;
  return `First sync running: ${standing.caughtUp} of ${streams.length} streams pulled so far. People appear as their records arrive, then are scored and written back.`;
}

/**
 * What the connector could not do, each with its fix, as it worded them (the sync carries on with
 * the rest). A problem whose fix is a mapping change (the connector marks it `details.mappingPage`)
 * links to the mapping page.
 */
function problemList(installation: Installation, problems: readonly InstallationProblemRecord[], admin: boolean): Raw | '' {
  if (problems.length === 0) return '';
  return html`<section class="problems" id="problems-${installation.id}" aria-labelledby="problems-${installation.id}-title">
    <h3 id="problems-${installation.id}-title">Needs your attention</h3>
    <ul>${problems.map((p) => html`<li data-problem="${p.code}" data-key="${p.key}">
      <p>${p.message}</p>
      <p><strong>How to fix it:</strong> ${p.fix}</p>
      ${admin && p.details.mappingPage === true ? html`<p><a href="/console/installations/${installation.id}/mapping">Change the field mapping</a></p>` : ''}
      <p class="muted"><small>First seen ${when(p.firstSeenAt)}${p.occurrences > 1 ? html`, seen ${p.occurrences.toLocaleString('en')} times, last ${when(p.lastSeenAt)}` : ''}.</small></p>
    </li>`)}</ul>
  </section>`;
}

async function installationCard(deps: WebDeps, session: WebSession, installation: Installation, admin: boolean, now: number): Promise<Raw> {
  const { runtime } = deps;
  const view = installationView(deps, installation);
  const module = runtime.deps.connectors.has(installation.provider) ? runtime.deps.connectors.get(installation.provider) : null;
  // an installation without a usable request budget (no policy chosen yet) is shown as such, not a 500
  let policy: RatePolicy | null = null;
  let policyProblem: string | null = null;
  if (module) {
    try {
      policy = runtime.ratePolicyFor(installation);
    } catch (error) {
      policyProblem = `no request budget: ${(error as Error).message.replace(/^installation \S+ \([^)]*\) /, '')}`;
    }
  }
  const [counts, checkpoints, limiter, problems] = await Promise.all([
    installationCounts(runtime.store, session.workspaceId, installation.id),
    runtime.store.checkpoints.listCheckpoints(installation.id),
    policy ? runtime.limiter.status(installation.id, policy).catch(() => null) : Promise.resolve(null),
    runtime.store.problems.list(session.workspaceId, installation.id),
  ]);
  const health = healthOf(installation, limiter, now);
  const streams = checkpoints.filter((c) => !c.stream.includes(':'));
  if (health.key === 'healthy') health.detail = await firstSyncProgress(deps, installation);
  const budget = policyProblem ?? (limiter ? (policy?.daily ? `${limiter.usedToday.toLocaleString('en')} of ${policy.daily.toLocaleString('en')} requests today (${Math.round((limiter.usedToday / policy.daily) * 100)} %)` : `${limiter.usedToday.toLocaleString('en')} requests today (the system sets no daily limit we can know)`) : 'unknown (the limiter did not answer)');
  const csrf = csrfField(session);
  const actions: Raw[] = [];
  if (admin) {
    if (view.reconnectUrl && installation.status !== 'paused') actions.push(html`<a class="button primary" href="${view.reconnectUrl}">Reconnect</a>`);
    if (['active', 'pending', 'error'].includes(installation.status)) actions.push(html`<form method="post" action="/installations/${installation.id}/pause">${csrf}<button type="submit">Pause</button></form>`);
    if (installation.status === 'paused') actions.push(html`<form method="post" action="/installations/${installation.id}/resume">${csrf}<button type="submit" class="primary">Resume</button></form>`);
    if (installation.status === 'active') {
      actions.push(html`<form method="post" action="/installations/${installation.id}/resync">${csrf}<input type="hidden" name="kind" value="incremental"><button type="submit">Sync changes now</button></form>`);
      actions.push(html`<form method="post" action="/installations/${installation.id}/resync">${csrf}<input type="hidden" name="kind" value="full"><button type="submit">Full re-sync</button></form>`);
    }
    actions.push(html`<a class="button" href="/console/installations/${installation.id}/mapping">Field mapping</a>`);
  }
  const disconnect = admin && installation.status !== 'disconnected'
    ? html`<details><summary>Disconnect…</summary><p>Disconnecting stops every sync and write, removes the schedule, revokes Leadstage's tokens in ${view.system} and deletes them here.
        <strong>Kept:</strong> the people, their history, decisions and tasks already synced; connecting the same account again resumes from there.
        <strong>Deleted:</strong> the stored tokens. Pending writes (${counts.outboxPending}) are not sent.</p>
        <form method="post" action="/installations/${installation.id}/disconnect">${csrf}<button type="submit" class="danger">Disconnect ${view.system}</button></form></details>`
    : '';
  return html`<section class="card" data-installation="${installation.id}" data-status="${health.key}" aria-labelledby="inst-${installation.id}">
    <h2 id="inst-${installation.id}">${view.system} · ${installation.displayName} <span class="status ${health.tone}">${health.label}</span>${problems.length > 0 ? html` <a class="status warn" href="#problems-${installation.id}">${problems.length === 1 ? '1 problem' : `${problems.length} problems`} to fix</a>` : ''}</h2>
    ${health.detail ? html`<p>${health.detail}</p>` : ''}
    ${problemList(installation, problems, admin)}
    <dl class="facts">
      <dt>Account</dt><dd>${installation.externalAccountId}</dd>
      <dt>People synced</dt><dd data-fact="people">${counts.people.toLocaleString('en')}</dd>
      <dt>API budget used</dt><dd data-fact="budget">${budget}</dd>
      <dt>Writes pending</dt><dd data-fact="outbox">${counts.outboxPending.toLocaleString('en')}${counts.outboxOldest ? html` <small>(oldest since ${when(counts.outboxOldest)})</small>` : ''}</dd>
      <dt>Record errors</dt><dd data-fact="errors">${counts.recordErrors > 0 ? html`<a href="/console/sync?installation=${installation.id}#record-errors">${counts.recordErrors.toLocaleString('en')}</a>` : '0'}</dd>
      <dt>Last sync</dt><dd>${streams.length === 0 ? 'not yet' : html`<table><thead><tr><th>Stream</th><th>Last page stored</th></tr></thead><tbody>${streams.map((c) => html`<tr><td>${c.stream}</td><td>${when(c.updatedAt)}</td></tr>`)}</tbody></table>`}</dd>
    </dl>
    ${actions.length > 0 ? html`<div class="actions">${actions}</div>` : ''}
    ${disconnect}
  </section>`;
}
