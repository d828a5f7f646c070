import { Router } from 'express';
import { z } from 'zod';
import type { Decision } from '../../model/decision';
import type { Installation } from '../../store';
import { personDetail, personEvents, personTasks, personTransitions, personWrites, searchPeople } from '../console-queries';
import { html } from '../http/html';
import { sessionOf } from '../http/session';
import { validate } from '../http/validate';
import { consolePage, when } from '../pages/layout';
import type { WebDeps } from '../web-deps';
import { member, type RouteGroup } from './route-group';
import { recordUrl } from './sync.routes';

const SEARCH_LIMIT = 50;
const EVENTS_SHOWN = 25;

const SearchQuery = z.object({ email: z.string().trim().max(254, 'at most 254 characters').optional() }).strict();
const PersonParams = z.object({ id: z.uuid('expected a person id') }).strict();

/**
 * People: find one by email (a prefix of it), then everything Leadstage knows about them: their
 * records in each system (linked there), the current decision and its reasons, the stage history,
 * recent engagement, what was written and when, and their tasks.
 */
export const peopleRoutes: RouteGroup = {
  name: 'people',
  access: 'members',
  router(deps) {
    const router = Router();
    const { store } = deps.runtime;

    router.get('/console/people', ...member, async (req, res) => {
      const session = sessionOf(res)!;
      const parsed = SearchQuery.safeParse(req.query);
      const email = parsed.success ? (parsed.data.email ?? '') : '';
      const problem = parsed.success ? (email.length > 0 && email.length < 3 ? 'Type at least 3 characters of the email address.' : null) : 'Type an email address (at most 254 characters).';
      const hits = !problem && email.length >= 3 ? await searchPeople(store, session.workspaceId, email, SEARCH_LIMIT + 1) : [];
      const body = html`<h1>People</h1>
        <form method="get" action="/console/people" role="search"><label for="email">Email address (or its beginning)</label>
          <input id="email" name="email" type="search" value="${email}" size="40" autocomplete="off"${problem ? html` aria-invalid="true" aria-describedby="email-error"` : ''}>
          <button type="submit">Find</button>
          ${problem ? html`<p id="email-error" class="error">${problem}</p>` : ''}</form>
        ${email.length >= 3 && !problem ? (hits.length === 0 ? html`<p>Nobody in this workspace has an email address starting with “${email}”.</p>` : html`<table id="people"><thead><tr><th>Email</th><th>Name</th><th>Stage</th></tr></thead><tbody>
          ${hits.slice(0, SEARCH_LIMIT).map((p) => html`<tr><td><a href="/console/people/${p.id}">${p.email ?? '(no email)'}</a></td><td>${p.name ?? '—'}</td><td>${p.stage ?? 'not scored yet'}</td></tr>`)}
          </tbody></table>${hits.length > SEARCH_LIMIT ? html`<p class="muted">More than ${SEARCH_LIMIT} match: type more of the address.</p>` : ''}`) : ''}`;
      res.status(problem ? 400 : 200).type('html').send(consolePage('People', session, '/console/people', body));
    });

    router.get('/console/people/:id', ...member, async (req, res) => {
      const params = validate(req, res, 'params', PersonParams);
      if (!params) return;
      const session = sessionOf(res)!;
      const person = await personDetail(store, session.workspaceId, params.id);
      if (!person) {
        res.status(404).type('html').send(consolePage('Not found', session, '/console/people', html`<h1>No such person</h1><p>Nobody with this id in this workspace.</p><p><a href="/console/people">Find a person</a></p>`));
        return;
      }
      const [identities, transitions, events, writes, tasks, handoffs, installations] = await Promise.all([
        store.people.listIdentities(session.workspaceId, person.id, { includeRetired: true }),
        personTransitions(store, session.workspaceId, person.id, 100),
        personEvents(store, session.workspaceId, person.id, EVENTS_SHOWN),
        personWrites(store, session.workspaceId, person.id),
        personTasks(store, session.workspaceId, person.id),
        store.sla.listForPerson(session.workspaceId, person.id),
        store.installations.list(session.workspaceId),
      ]);
      const byId = new Map(installations.map((i) => [i.id, i]));
      const system = (id: string) => nameOf(deps, byId.get(id));
      const decision = person.state?.decision as Partial<Decision> | undefined;
      const snapshot = person.snapshot;
      const name = [snapshot.firstName, snapshot.lastName].filter((v) => typeof v === 'string' && v).join(' ');
      const body = html`<p><a href="/console/people">← Find another person</a></p>
        <h1>${name || person.email || 'Person'} ${name && person.email ? html`<small class="muted">${person.email}</small>` : ''}</h1>
        <section class="card" id="decision"><h2>Decision</h2>
        ${decision ? html`<dl class="facts">
          <dt>Stage</dt><dd data-fact="stage">${decision.stage}${decision.mqlTier ? ` (${decision.mqlTier})` : ''}</dd>
          <dt>Score</dt><dd>${decision.score} (fit ${decision.fit?.score} grade ${decision.fit?.grade}, engagement ${decision.engagement?.score})</dd>
          <dt>Priority</dt><dd>${decision.priority}</dd>
          ${decision.excluded ? html`<dt>Excluded</dt><dd>${decision.excluded.reason} <small>(${decision.excluded.rule})</small></dd>` : ''}
          ${decision.missingForHandoff && decision.missingForHandoff.length > 0 ? html`<dt>Missing for hand-off</dt><dd>${decision.missingForHandoff.join(', ')}</dd>` : ''}
          <dt>Decided</dt><dd>${when(person.state!.decidedAt)} with rulebook ${person.state!.rulebookVersion}</dd></dl>
          <h3>Reasons</h3>${decision.reasons && decision.reasons.length > 0 ? html`<ul>${decision.reasons.map((r) => html`<li>${r.text}${r.points === 0 ? '' : html` <small>(${r.points > 0 ? '+' : ''}${r.points})</small>`}</li>`)}</ul>` : html`<p>None.</p>`}`
          : html`<p>Not scored yet.</p>`}</section>
        <section class="card" id="identities"><h2>Records in each system</h2>
        <table><thead><tr><th>System</th><th>Record</th><th>Id</th><th>State</th></tr></thead><tbody>
        ${identities.map((i) => {
          const installation = byId.get(i.installationId);
          const url = installation ? recordUrl(deps, installation, i.objectType, i.crmId) : null;
          return html`<tr><td>${system(i.installationId)}</td><td>${i.objectType}</td><td>${url ? html`<a href="${url}" rel="noopener" target="_blank">${i.crmId}</a>` : i.crmId}</td><td>${i.retiredReason ? `no longer written (${i.retiredReason})` : 'live'}</td></tr>`;
        })}
        </tbody></table></section>
        <section class="card" id="history"><h2>Stage history</h2>
        ${transitions.length === 0 ? html`<p>No stage change recorded.</p>` : html`<table><thead><tr><th>When</th><th>From</th><th>To</th><th>Why</th><th>Rulebook</th></tr></thead><tbody>
          ${transitions.map((t) => html`<tr><td class="nowrap">${when(t.at)}</td><td>${t.fromStage}</td><td>${t.toStage}</td><td>${t.reason}</td><td>${t.rulebookVersion}</td></tr>`)}</tbody></table>`}</section>
        <section class="card" id="writes"><h2>Written to the systems</h2>
        ${writes.written.length === 0 && writes.pending.length === 0 ? html`<p>Nothing written yet.</p>` : ''}
        ${writes.written.length > 0 ? html`<table><thead><tr><th>System</th><th>Last confirmed write</th></tr></thead><tbody>${writes.written.map((w) => html`<tr><td>${system(w.installationId)}</td><td>${when(w.writtenAt)}</td></tr>`)}</tbody></table>` : ''}
        ${writes.pending.length > 0 ? html`<h3>Pending</h3><table><thead><tr><th>System</th><th>Values</th><th>Queued</th><th>Attempts</th><th>Last error</th></tr></thead><tbody>
          ${writes.pending.map((w) => html`<tr><td>${system(w.installationId)}</td><td><small>${propertiesOf(w.payload)}</small></td><td>${when(w.createdAt)}</td><td>${w.attempts}</td><td>${w.lastError ?? '—'}</td></tr>`)}</tbody></table>` : ''}
        ${writes.errors.length > 0 ? html`<h3>Refused</h3><table><thead><tr><th>When</th><th>System</th><th>Record</th><th>Error</th></tr></thead><tbody>
          ${writes.errors.map((e) => html`<tr><td>${when(e.createdAt)}</td><td>${system(e.installationId)}</td><td>${e.crmId ?? '—'}</td><td><code>${e.code}</code> ${e.message}</td></tr>`)}</tbody></table>` : ''}</section>
        <section class="card" id="follow-up"><h2>Follow-up (SLA)</h2>
        ${handoffs.length === 0 ? html`<p>Never handed to sales.</p>` : html`<table><thead><tr><th>System</th><th>Started</th><th>First touch due</th><th>Status</th><th>First touched</th><th>Owner</th><th>Note</th></tr></thead><tbody>
          ${handoffs.map((h) => html`<tr data-handoff="${h.status}"><td>${system(h.installationId)}</td><td class="nowrap">${when(h.startedAt)}</td><td class="nowrap">${when(h.firstTouchDueAt)} <small class="muted">${h.timeZone}</small></td>
            <td>${h.kind === 'held' ? 'held: ' : ''}${h.status.replace('_', ' ')}${h.outcome ? ` (${h.outcome})` : ''}</td><td class="nowrap">${h.firstTouchedAt ? when(h.firstTouchedAt) : '—'}</td>
            <td>${h.ownerId ?? html`<em>unassigned</em>`}${h.ownerSource !== 'record' && h.ownerId ? html` <small class="muted">(${h.ownerSource.replace('_', ' ')})</small>` : ''}</td><td>${h.note ?? '—'}</td></tr>`)}</tbody></table>`}</section>
        <section class="card" id="tasks"><h2>Tasks</h2>
        ${tasks.length === 0 ? html`<p>No task.</p>` : html`<table><thead><tr><th>System</th><th>Task</th><th>Due</th><th>Status</th><th>Task id</th><th>Error</th></tr></thead><tbody>
          ${tasks.map((t) => html`<tr><td>${system(t.installationId)}</td><td>${t.subject ? html`${t.subject} <small class="muted">(${t.kind.replace('_', ' ')})</small>` : t.kind.replace('_', ' ')}</td><td class="nowrap">${when(t.dueAt)}</td><td>${t.status}</td><td>${t.crmTaskId ?? '—'}</td><td>${t.error ?? '—'}</td></tr>`)}</tbody></table>`}</section>
        <section class="card" id="events"><h2>Recent engagement</h2>
        ${events.length === 0 ? html`<p>No event recorded.</p>` : html`<table><thead><tr><th>When</th><th>What</th><th>From</th><th>Details</th></tr></thead><tbody>
          ${events.map((e) => html`<tr><td class="nowrap">${when(e.occurredAt)}</td><td class="nowrap">${e.type.replace(/_/g, ' ')}</td><td class="nowrap">${labelOf(deps, byId.get(e.installationId))}</td><td class="details"><small>${propertiesOf(e.properties, 160)}</small></td></tr>`)}</tbody></table>
          ${events.length === EVENTS_SHOWN ? html`<p class="muted">The latest ${EVENTS_SHOWN} are shown.</p>` : ''}`}</section>`;
      res.type('html').send(consolePage(name || person.email || 'Person', session, '/console/people', body));
    });
    return router;
  },
};

function nameOf(deps: WebDeps, installation: Installation | undefined): string {
  if (!installation) return 'unknown system';
  const label = deps.runtime.deps.connectors.has(installation.provider) ? deps.runtime.deps.connectors.get(installation.provider).label : installation.provider;
  return `${label} · ${installation.displayName}`;
}

function labelOf(deps: WebDeps, installation: Installation | undefined): string {
  if (!installation) return 'unknown system';
  return deps.runtime.deps.connectors.has(installation.provider) ? deps.runtime.deps.connectors.get(installation.provider).label : installation.provider;
}

/** A few "key: value" pairs of a payload or event, short. */
function propertiesOf(value: unknown, max = 400): string {
  if (typeof value !== 'object' || value === null) return '—';
  const source = (value as { properties?: unknown }).properties;
  const entries = Object.entries(typeof source === 'object' && source !== null ? (source as Record<string, unknown>) : (value as Record<string, unknown>))
    .filter(([, v]) => v === null || ['string', 'number', 'boolean'].includes(typeof v));
  const text = entries.slice(0, 12).map(([k, v]) => `${k}: ${String(v)}`).join(', ');
  return text.length > max ? `${text.slice(0, max)}…` : text || '—';
}
