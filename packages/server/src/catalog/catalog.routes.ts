import { CatalogEventsSchema, CatalogTraitsSchema } from '@tandem/contract';
import type { Engine } from '@tandem/engine';
import { requirePrincipal } from '../auth/authenticate.js';
import { type App, ERROR_RESPONSES } from '../http/route-schemas.js';

/** The trait and event names of a workspace, for pickers (the audience and computed-trait builders). */
export async function catalogRoutes(app: App, options: { engine: Engine }) {
  const { catalog } = options.engine;
  const tags = ['Catalog'];
  const workspaceOf = (request: { principal: Parameters<typeof requirePrincipal>[0] }) =>
    requirePrincipal(request.principal).workspaceId;

  app.get(
    '/api/v1/catalog/traits',
    {
      config: { access: 'audiences:read' },
      schema: { tags, response: { 200: CatalogTraitsSchema, ...ERROR_RESPONSES } },
    },
    async (request) => ({ data: await catalog.traits(workspaceOf(request)) }),
  );

  app.get(
    '/api/v1/catalog/events',
    {
      config: { access: 'audiences:read' },
      schema: { tags, response: { 200: CatalogEventsSchema, ...ERROR_RESPONSES } },
    },
    async (request) => ({ data: await catalog.events(workspaceOf(request)) }),
  );
}
