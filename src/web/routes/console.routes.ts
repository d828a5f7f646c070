import { Router } from 'express';
import { html, page, type Raw } from '../http/html';
import { sessionOf } from '../http/session';
import { installationView } from './installations.routes';
import { member, type RouteGroup } from './route-group';

/**
 * A placeholder console (the real one replaces this file): the workspace's installations and their
 * status, with a reconnect button for one waiting for an admin and a disconnect button, the
 * systems still to connect, the members, and sign-out. Forms carry the session's CSRF token.
 */
export const consoleRoutes: RouteGroup = {
  name: 'console',
  access: 'members',
  router(deps) {
    const router = Router();
    const { store } = deps.runtime;

    router.get('/console', ...member, async (_req, res) => {
      const session = sessionOf(res)!;
      const admin = session.role === 'admin';
      const csrf = html`<input type="hidden" name="_csrf" value="${session.csrfToken}">`;
      const installations = (await store.installations.list(session.workspaceId)).map((i) => installationView(deps, i));
      const workspace = await store.workspaces.get(session.workspaceId);
      const members = await store.users.listMembers(session.workspaceId);
      const connected = new Set(installations.map((i) => i.provider));
      const rows = installations.map((i) => html`<tr data-installation="${i.id}" data-status="${i.status}">
        <td>${i.system}</td><td>${i.displayName}</td><td>${statusText(i.status)}${i.statusReason ? html`<br><small>${i.statusReason}</small>` : ''}</td>
        <td>${actions(admin, i, csrf)}</td></tr>`);
      const toConnect = [...deps.installables.values()].filter(({ module }) => !connected.has(module.provider));
      const body = html`<h1>${workspace?.name ?? 'Workspace'}</h1>
        <p>Signed in as ${session.email} (${session.role}).</p>
        <form method="post" action="/signout">${csrf}<button type="submit">Sign out</button></form>
        <h2>Connected systems</h2>
        ${installations.length === 0 ? html`<p>None yet.</p>` : html`<table><thead><tr><th>System</th><th>Account</th><th>Status</th><th></th></tr></thead><tbody>${rows}</tbody></table>`}
        ${admin && toConnect.length > 0 ? html`<h2>Connect another system</h2><ul>${toConnect.map(({ module }) => html`<li><a href="/install/${module.provider}">Connect ${module.label}</a></li>`)}</ul>` : ''}
        <h2>Members</h2>
        <ul>${members.map((m) => html`<li>${m.email} (${m.role})</li>`)}</ul>
        ${admin ? html`<form method="post" action="/workspace/members">${csrf}<label>Add a viewer by email <input type="email" name="email" required></label><input type="hidden" name="role" value="viewer"><button type="submit">Add</button></form>` : ''}`;
      res.type('html').send(page('Console', body));
    });
    return router;
  },
};

function statusText(status: string): string {
  switch (status) {
    case 'active': return 'Active: syncing';
    case 'needs_reauth': return 'Paused: reconnect needed. The system refused Leadstage\'s access; work waits, nothing is lost.';
    case 'disconnected': return 'Disconnected';
    case 'error': return 'Setup problem';
    case 'paused': return 'Paused';
    default: return status;
  }
}

function actions(admin: boolean, installation: { id: string; status: string; reconnectUrl: string | null }, csrf: Raw): Raw | string {
  if (!admin) return '';
  const reconnect = installation.reconnectUrl ? html`<a href="${installation.reconnectUrl}">Reconnect</a> ` : '';
  const disconnect = installation.status === 'disconnected'
    ? ''
    : html`<form method="post" action="/installations/${installation.id}/disconnect">${csrf}<button type="submit">Disconnect</button></form>`;
  return html`${reconnect}${disconnect}`;
}
