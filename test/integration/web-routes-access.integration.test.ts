/**
 * Every route the server mounts, found by walking the express router (so a route added anywhere
 * is checked without touching this file): each one that is not public must refuse a request
 * without a session (401, or a redirect to sign-in for a page), never show one workspace's data to
 * a member of another (404/403), refuse state changes from a viewer (403) and any state change
 * without the session's CSRF token (403).
 */
import './support/native-pglite';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';
import { connectorRegistry } from '../../connectors/registry';
import { configureInstallables } from '../../src/app/oauth-flow';
import type { Runtime } from '../../src/app/runtime';
import { closeTestRuntime, openTestRuntime, uniqueRun } from './support/test-runtime';
import { SESSION_COOKIE, startSession } from '../../src/app/sessions';
import type { Installation } from '../../src/store';
import { createWebApp } from '../../src/web/web-app';

/** Public on purpose: probes, the install and sign-in entry points, OAuth callbacks, webhooks (signed). */
const PUBLIC = [/^\/healthz$/, /^\/readyz$/, /^\/metrics$/, /^\/install\/:provider$/, /^\/oauth\/:provider\/callback$/, /^\/signin$/, /^\/signin\/:provider$/, /^\/webhooks(\/|$)/];
/** State changes any member may make about themselves. */
const ANY_MEMBER = [/^\/signout$/];
const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

interface RouteInfo {
  method: string;
  path: string;
}

interface LayerLike {
  route?: { path: unknown; methods: Record<string, boolean> };
  handle?: { stack?: LayerLike[] };
  slash?: boolean;
  rawPath?: unknown;
}

/** Every method and path on the app's router, nested routers included. */
function listRoutes(app: Express): RouteInfo[] {
  const out: RouteInfo[] = [];
  const walk = (stack: LayerLike[], prefix: string) => {
    for (const layer of stack) {
      if (layer.route) {
        const paths = [layer.route.path].flat();
        for (const path of paths) {
          if (typeof path !== 'string') throw new Error(`route path ${String(path)} is not a string: the access test cannot check it`);
          for (const method of Object.keys(layer.route.methods)) if (method !== '_all') out.push({ method: method.toUpperCase(), path: prefix + path });
        }
      } else if (layer.handle?.stack) {
        const mount = layer.slash ? '' : layer.rawPath;
        if (typeof mount !== 'string') throw new Error('a router is mounted on a non-string path: the access test cannot check it');
        walk(layer.handle.stack, prefix + mount);
      }
    }
  };
  const router = (app as unknown as { router?: { stack: LayerLike[] }; _router?: { stack: LayerLike[] } }).router ?? (app as unknown as { _router: { stack: LayerLike[] } })._router;
  walk(router.stack, '');
  return out;
}

describe('access to every route', () => {
  const prefix = uniqueRun('routes');
  let runtime: Runtime;
  let server: Server;
  let base: string;
  let app: Express;
  let installationA: Installation;
  let installationB: Installation;
  const people: Record<'adminA' | 'viewerA' | 'adminB', { userId: string; workspaceId: string }> = {} as never;

  beforeAll(async () => {
    runtime = await openTestRuntime(prefix);
    const { store } = runtime;
    const workspaceA = await store.workspaces.create('Workspace A');
    const workspaceB = await store.workspaces.create('Workspace B');
    installationA = await store.installations.create(workspaceA.id, { provider: 'hubspot', externalAccountId: 'portal-a', displayName: 'Portal of A', status: 'active' });
    installationB = await store.installations.create(workspaceB.id, { provider: 'hubspot', externalAccountId: 'portal-b', displayName: 'Portal of B', status: 'active' });
    for (const [name, workspaceId, role] of [['adminA', workspaceA.id, 'admin'], ['viewerA', workspaceA.id, 'viewer'], ['adminB', workspaceB.id, 'admin']] as const) {
      const user = await store.users.upsertByEmail(`${name.toLowerCase()}@example.com`);
      await store.users.addMember(workspaceId, user.id, role);
      people[name] = { userId: user.id, workspaceId };
    }
    app = createWebApp({
      runtime,
      installables: configureInstallables(connectorRegistry, { HUBSPOT_CLIENT_ID: 'id', HUBSPOT_CLIENT_SECRET: 'secret', HUBSPOT_APP_ID: '1' }),
      publicUrl: 'http://127.0.0.1',
      secureCookies: false,
      clock: Date.now,
    });
    server = await new Promise<Server>((resolve) => {
      const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
    });
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => server?.close(() => resolve()));
    await closeTestRuntime(runtime);
  });

  async function signIn(who: keyof typeof people): Promise<{ cookie: string; csrf: string }> {
    const session = await startSession(runtime.store, people[who].workspaceId, people[who].userId, Date.now());
    return { cookie: `${SESSION_COOKIE}=${session.token}`, csrf: session.csrfToken };
  }

  function urlOf(path: string): string {
    return path.replace(/:id\b/g, installationA.id).replace(/:provider\b/g, 'hubspot').replace(/:[A-Za-z_]+/g, 'x');
  }

  async function send(route: RouteInfo, options: { cookie?: string; csrf?: string; accept?: string; body?: Record<string, string> } = {}): Promise<{ status: number; location: string | null; text: string }> {
    const headers: Record<string, string> = { accept: options.accept ?? 'application/json' };
    if (options.cookie) headers.cookie = options.cookie;
    if (options.csrf) headers['x-csrf-token'] = options.csrf;
    let body: string | undefined;
    if (!SAFE.has(route.method)) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(options.body ?? { email: 'someone@example.com' });
    }
    const response = await fetch(base + urlOf(route.path), { method: route.method, headers, body: body ?? null, redirect: 'manual' });
    return { status: response.status, location: response.headers.get('location'), text: await response.text() };
  }

  it('finds the routes, public and members-only', () => {
    const routes = listRoutes(app).map((r) => `${r.method} ${r.path}`);
    expect(routes).toEqual(expect.arrayContaining([
      'GET /healthz', 'GET /install/:provider', 'GET /oauth/:provider/callback', 'GET /signin/:provider',
      'GET /console', 'GET /api/installations', 'POST /installations/:id/disconnect', 'POST /workspace/members', 'GET /api/members', 'POST /signout',
    ]));
  });

  it('every route that is not public checks the session, the workspace, the role and the CSRF token', async () => {
    const guarded = listRoutes(app).filter((route) => !PUBLIC.some((pattern) => pattern.test(route.path)));
    expect(guarded.length).toBeGreaterThanOrEqual(6);
    const problems: string[] = [];
    const secretsOfA = [installationA.id, 'Portal of A', 'portal-a', 'admina@example.com', 'viewera@example.com'];
    for (const route of guarded) {
      const name = `${route.method} ${route.path}`;
      // no session: 401 for the API, a redirect to sign-in for a page
      const anonymous = await send(route);
      if (anonymous.status !== 401) problems.push(`${name} without a session answered ${anonymous.status}, not 401`);
      if (SAFE.has(route.method)) {
        const page = await send(route, { accept: 'text/html' });
        if (!(page.status === 303 && page.location?.startsWith('/signin'))) problems.push(`${name} page without a session answered ${page.status} ${page.location ?? ''}, not a redirect to /signin`);
      }
      // another workspace's admin: never A's data; a route naming A's resource is not found for them
      const other = await signIn('adminB');
      const foreign = await send(route, other);
      if (secretsOfA.some((secret) => foreign.text.includes(secret))) problems.push(`${name} showed workspace A's data to workspace B's admin`);
      if (route.path.includes(':id') && ![403, 404].includes(foreign.status)) problems.push(`${name} on A's installation answered ${foreign.status} to B's admin, not 404/403`);
      if (!SAFE.has(route.method)) {
        // a viewer may read, never change (signing out excepted)
        if (!ANY_MEMBER.some((pattern) => pattern.test(route.path))) {
          const viewer = await signIn('viewerA');
          const asViewer = await send(route, viewer);
          if (asViewer.status !== 403) problems.push(`${name} answered ${asViewer.status} to a viewer, not 403`);
        }
        // the cookie alone never suffices, nor a wrong token
        const admin = await signIn('adminA');
        const withoutToken = await send(route, { cookie: admin.cookie });
        if (withoutToken.status !== 403) problems.push(`${name} without the CSRF token answered ${withoutToken.status}, not 403`);
        const wrongToken = await send(route, { cookie: admin.cookie, csrf: (await signIn('adminA')).csrf });
        if (wrongToken.status !== 403) problems.push(`${name} with another session's CSRF token answered ${wrongToken.status}, not 403`);
      }
    }
    expect(problems).toEqual([]);
    // and nothing above changed A's installation
    expect((await runtime.store.installations.get(installationA.workspaceId, installationA.id))!.status).toBe('active');
    expect((await runtime.store.installations.get(installationB.workspaceId, installationB.id))!.status).toBe('active');
  });

  it('lets an admin disconnect their own installation and add a viewer, with the token', async () => {
    const admin = await signIn('adminB');
    const added = await send({ method: 'POST', path: '/workspace/members' }, { ...admin, body: { email: 'New.Viewer@Example.com' } });
    expect(added.status).toBe(201);
    expect(JSON.parse(added.text)).toMatchObject({ member: { email: 'new.viewer@example.com', role: 'viewer' } });
    const bad = await send({ method: 'POST', path: '/workspace/members' }, { ...admin, body: { email: 'not-an-email', role: 'owner' } });
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.text)).toEqual({
      error: {
        code: 'invalid_request',
        message: expect.any(String),
        errors: expect.arrayContaining([
          { path: 'body.email', message: 'expected an email address', value: 'not-an-email' },
          expect.objectContaining({ path: 'body.role', value: 'owner' }),
        ]),
      },
    });
    const response = await fetch(`${base}/installations/${installationB.id}/disconnect`, { method: 'POST', headers: { cookie: admin.cookie, 'x-csrf-token': admin.csrf, accept: 'application/json' }, redirect: 'manual' });
    expect(response.status).toBe(200);
    expect((await runtime.store.installations.get(installationB.workspaceId, installationB.id))!.status).toBe('disconnected');
  });

  it('limits sign-in attempts per address (Redis-backed), with Retry-After', async () => {
    const limited = createWebApp({ runtime, installables: new Map(), publicUrl: 'http://127.0.0.1', secureCookies: false, clock: Date.now, rateLimits: { signin: { max: 2, windowMs: 60_000 } } });
    const other = await new Promise<Server>((resolve) => {
      const listening = limited.listen(0, '127.0.0.1', () => resolve(listening));
    });
    try {
      const url = `http://127.0.0.1:${(other.address() as AddressInfo).port}/signin`;
      const statuses = [];
      for (let i = 0; i < 3; i++) statuses.push((await fetch(url)).status);
      const refused = await fetch(url);
      expect(statuses).toEqual([200, 200, 429]);
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    } finally {
      await new Promise<void>((resolve) => other.close(() => resolve()));
    }
  });

  it('limits the body size', async () => {
    const admin = await signIn('adminA');
    const response = await fetch(`${base}/workspace/members`, {
      method: 'POST',
      headers: { cookie: admin.cookie, 'x-csrf-token': admin.csrf, 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ email: `${'a'.repeat(100_000)}@example.com` }),
    });
    expect(response.status).toBe(413);
  });
});
