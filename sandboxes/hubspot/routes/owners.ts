/** `GET /crm/v3/owners` (paged: limit ≤500, `after`; `email` filter) and `GET /crm/v3/owners/:ownerId`. */
import { Router } from 'express';
import type { SandboxContext } from '../context';
import { intParam, stringParam } from '../crm-view';
import { notFound } from '../errors';
import { OWNERS } from '../seed-catalog';

export function ownersRouter(ctx: SandboxContext): Router {
  const router = Router();
  const teams = [...new Set(OWNERS.map((o) => o.team))];
  const created = new Date(ctx.store.seed.options.now - 1200 * 86_400_000).toISOString();
  const view = (o: (typeof OWNERS)[number]) => ({
    id: o.id, email: o.email, type: 'PERSON', firstName: o.firstName, lastName: o.lastName, userId: o.userId,
    userIdIncludingInactive: o.userId, createdAt: created, updatedAt: created, archived: false,
    teams: [{ id: String(8001 + teams.indexOf(o.team)), name: o.team, primary: true }],
  });

  router.get('/crm/v3/owners', (req, res) => {
    const limit = intParam(req.query.limit, 'limit', 100, 500);
    if (req.query.archived === 'true') {
      res.json({ results: [] });
      return;
    }
    const email = stringParam(req.query.email)?.toLowerCase();
    const all = OWNERS.filter((o) => !email || o.email === email);
    const offset = Number(stringParam(req.query.after) ?? 0) || 0;
    const body: Record<string, unknown> = { results: all.slice(offset, offset + limit).map(view) };
    if (offset + limit < all.length) body.paging = { next: { after: String(offset + limit), link: `?after=${offset + limit}` } };
    res.json(body);
  });

  router.get('/crm/v3/owners/:ownerId', (req, res) => {
    const owner = OWNERS.find((o) => o.id === req.params.ownerId);
    if (!owner) throw notFound(`Owner ${req.params.ownerId} not found`);
    res.json(view(owner));
  });
  return router;
}
