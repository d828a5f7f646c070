import { Router } from 'express';
import { z } from 'zod';
import { disconnectInstallation } from '../../app/installations';
import type { Installation } from '../../store';
import { sendError } from '../http/errors';
import { sessionOf } from '../http/session';
import { validate } from '../http/validate';
import { fromForm, member, type RouteGroup } from './route-group';
import type { WebDeps } from '../web-deps';

const InstallationParams = z.object({ id: z.uuid('expected an installation id') }).strict();

/** What the API shows of an installation: never credentials. */
export function installationView(deps: WebDeps, installation: Installation) {
  const module = deps.runtime.deps.connectors.has(installation.provider) ? deps.runtime.deps.connectors.get(installation.provider) : null;
  return {
    id: installation.id,
    provider: installation.provider,
    system: module?.label ?? installation.provider,
    displayName: installation.displayName,
    externalAccountId: installation.externalAccountId,
    status: installation.status,
    statusReason: installation.statusReason,
    reconnectUrl: deps.installables.has(installation.provider) && installation.status !== 'active' ? `/install/${installation.provider}` : null,
    createdAt: installation.createdAt,
  };
}

/**
 * The workspace's installations: listed for any member, disconnected by an admin. An installation
 * is always loaded through the session's workspace: another workspace's id is simply not found.
 */
export const installationRoutes: RouteGroup = {
  name: 'installations',
  access: 'members',
  router(deps) {
    const router = Router();
    const { store } = deps.runtime;

    router.get('/api/installations', ...member, async (_req, res) => {
      const session = sessionOf(res)!;
      res.json({ installations: (await store.installations.list(session.workspaceId)).map((i) => installationView(deps, i)) });
    });

    router.post('/installations/:id/disconnect', ...member, async (req, res) => {
      const params = validate(req, res, 'params', InstallationParams);
      if (!params) return;
      const session = sessionOf(res)!;
      const installation = await store.installations.get(session.workspaceId, params.id);
      if (!installation) return sendError(res, 404, 'not_found', 'no such installation in this workspace');
      const result = installation.status === 'disconnected'
        ? { revoked: false, problem: 'already disconnected' }
        : await disconnectInstallation(deps.runtime, installation, deps.installables.get(installation.provider)?.app ?? null);
      deps.runtime.logger.info('installation disconnected', { installationId: installation.id, by: session.userId, revoked: result.revoked });
      if (fromForm(req)) return res.redirect(303, '/console');
      res.json({ installation: installationView(deps, (await store.installations.get(session.workspaceId, installation.id))!), ...result });
    });
    return router;
  },
};
