import { Router } from 'express';
import { z } from 'zod';
import { sessionOf } from '../http/session';
import { validate } from '../http/validate';
import { fromForm, member, type RouteGroup } from './route-group';

const AddMember = z.object({
  email: z.email('expected an email address').max(320),
  role: z.enum(['viewer', 'admin']).default('viewer'),
  _csrf: z.string().optional(),
}).strict();

/**
 * Who may see the workspace. An admin adds a member by email (a viewer by default); they sign in
 * with their CRM account of one of the workspace's systems. Any member may list them.
 */
export const memberRoutes: RouteGroup = {
  name: 'members',
  access: 'members',
  router(deps) {
    const router = Router();
    const { store } = deps.runtime;

    router.get('/api/members', ...member, async (_req, res) => {
      const session = sessionOf(res)!;
      res.json({ members: (await store.users.listMembers(session.workspaceId)).map(({ userId, email, name, role }) => ({ userId, email, name, role })) });
    });

    router.post('/workspace/members', ...member, async (req, res) => {
      const body = validate(req, res, 'body', AddMember);
      if (!body) return;
      const session = sessionOf(res)!;
      const user = await store.users.upsertByEmail(body.email);
      // never demotes: adding an existing admin as a viewer leaves them admin
      const membership = await store.users.addMember(session.workspaceId, user.id, body.role, { promoteOnly: true });
      if (fromForm(req)) return res.redirect(303, '/console');
      res.status(201).json({ member: { userId: user.id, email: user.email, role: membership.role } });
    });
    return router;
  },
};
