/**
 * Every route group the server mounts, in order, in one place. A route group is one file; public
 * groups come first. test/integration/web-routes-access.integration.test.ts walks the mounted
 * router and checks every route that is not public for sign-in, workspace scoping, roles and CSRF,
 * so a route added anywhere cannot escape those checks.
 */
import { signinRoutes, signoutRoutes } from './auth.routes';
import { consoleRoutes } from './console.routes';
import { healthRoutes } from './health.routes';
import { installRoutes } from './install.routes';
import { installationRoutes } from './installations.routes';
import { mappingRoutes } from './mapping.routes';
import { memberRoutes } from './members.routes';
import { peopleRoutes } from './people.routes';
import { reportRoutes } from './reports.routes';
import { syncRoutes } from './sync.routes';
import type { RouteGroup } from './route-group';

export const ROUTE_GROUPS: readonly RouteGroup[] = [
  healthRoutes,
  installRoutes,
  signinRoutes,
  signoutRoutes,
  consoleRoutes,
  syncRoutes,
  mappingRoutes,
  peopleRoutes,
  reportRoutes,
  installationRoutes,
  memberRoutes,
];

export type { RouteGroup } from './route-group';
