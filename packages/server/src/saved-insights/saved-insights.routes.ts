import {
  AddDashboardTileSchema,
  CreateDashboardSchema,
  CreateSavedInsightSchema,
  DashboardSchema,
  DashboardSummarySchema,
  DashboardTileParamsSchema,
  pageOf,
  ReorderDashboardTilesSchema,
  SavedInsightSchema,
  UpdateDashboardSchema,
  UpdateDashboardTileSchema,
  UpdateSavedInsightSchema,
} from '@tandem/contract';
import type { Engine, Principal } from '@tandem/engine';
import { requirePrincipal } from '../auth/authenticate.js';
import { type App, ERROR_RESPONSES, IdParamsSchema, NoContentSchema } from '../http/route-schemas.js';

/** The caller's workspace and who they are (a user, or a token created by no user). */
function callerOf(request: { principal: Principal | undefined }) {
  const principal = requirePrincipal(request.principal);
  const id = principal.kind === 'token' ? (principal.userId ?? principal.tokenId) : principal.userId;
  return { workspaceId: principal.workspaceId, id };
}

/**
 * Saved insights and dashboards of saved insights, shared by the workspace: everyone reads them
 * (`insights:read`), those who may build insights change them (`insights:write`).
 */
export async function savedInsightsRoutes(app: App, options: { engine: Engine }) {
  const { savedInsights, dashboards } = options.engine;
  const tags = ['Saved insights'];
  const read = { access: 'insights:read' } as const;
  const write = { access: 'insights:write' } as const;
  const dashboardResponse = { 200: DashboardSchema, ...ERROR_RESPONSES };

  app.get(
    '/api/v1/saved-insights',
    { config: read, schema: { tags, response: { 200: pageOf(SavedInsightSchema), ...ERROR_RESPONSES } } },
    async (request) => ({
      data: await savedInsights.list(callerOf(request).workspaceId),
      nextCursor: null,
    }),
  );

  app.get(
    '/api/v1/saved-insights/:id',
    {
      config: read,
      schema: { tags, params: IdParamsSchema, response: { 200: SavedInsightSchema, ...ERROR_RESPONSES } },
    },
    async (request) => savedInsights.get(callerOf(request).workspaceId, request.params.id),
  );

  app.post(
    '/api/v1/saved-insights',
    {
      config: write,
      schema: {
        tags,
        body: CreateSavedInsightSchema,
        response: { 201: SavedInsightSchema, ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      const caller = callerOf(request);
      return reply.code(201).send(await savedInsights.create(caller.workspaceId, caller.id, request.body));
    },
  );

  app.patch(
    '/api/v1/saved-insights/:id',
    {
      config: write,
      schema: {
        tags,
        params: IdParamsSchema,
        body: UpdateSavedInsightSchema,
        response: { 200: SavedInsightSchema, ...ERROR_RESPONSES },
      },
    },
    async (request) => savedInsights.update(callerOf(request).workspaceId, request.params.id, request.body),
  );

  app.delete(
    '/api/v1/saved-insights/:id',
    {
      config: write,
      schema: {
        tags,
        summary: 'Delete a saved insight and its tiles on every dashboard',
        params: IdParamsSchema,
        response: { 204: NoContentSchema, ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      await savedInsights.delete(callerOf(request).workspaceId, request.params.id);
      return reply.code(204).send(null);
    },
  );

  const dashboardTags = ['Dashboards'];

  app.get(
    '/api/v1/dashboards',
    {
      config: read,
      schema: { tags: dashboardTags, response: { 200: pageOf(DashboardSummarySchema), ...ERROR_RESPONSES } },
    },
    async (request) => ({ data: await dashboards.list(callerOf(request).workspaceId), nextCursor: null }),
  );

  app.get(
    '/api/v1/dashboards/:id',
    { config: read, schema: { tags: dashboardTags, params: IdParamsSchema, response: dashboardResponse } },
    async (request) => dashboards.get(callerOf(request).workspaceId, request.params.id),
  );

  app.post(
    '/api/v1/dashboards',
    {
      config: write,
      schema: {
        tags: dashboardTags,
        body: CreateDashboardSchema,
        response: { 201: DashboardSchema, ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      const caller = callerOf(request);
      return reply.code(201).send(await dashboards.create(caller.workspaceId, caller.id, request.body));
    },
  );

  app.patch(
    '/api/v1/dashboards/:id',
    {
      config: write,
      schema: {
        tags: dashboardTags,
        params: IdParamsSchema,
        body: UpdateDashboardSchema,
        response: dashboardResponse,
      },
    },
    async (request) => dashboards.update(callerOf(request).workspaceId, request.params.id, request.body),
  );

  app.delete(
    '/api/v1/dashboards/:id',
    {
      config: write,
      schema: {
        tags: dashboardTags,
        summary: 'Delete a dashboard (its saved insights stay)',
        params: IdParamsSchema,
        response: { 204: NoContentSchema, ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      await dashboards.delete(callerOf(request).workspaceId, request.params.id);
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/api/v1/dashboards/:id/tiles',
    {
      config: write,
      schema: {
        tags: dashboardTags,
        summary: 'Add a saved insight as the last tile',
        params: IdParamsSchema,
        body: AddDashboardTileSchema,
        response: dashboardResponse,
      },
    },
    async (request) => dashboards.addTile(callerOf(request).workspaceId, request.params.id, request.body),
  );

  app.put(
    '/api/v1/dashboards/:id/tiles/order',
    {
      config: write,
      schema: {
        tags: dashboardTags,
        summary: 'Arrange the tiles: every tile id once, in the new order',
        params: IdParamsSchema,
        body: ReorderDashboardTilesSchema,
        response: dashboardResponse,
      },
    },
    async (request) =>
      dashboards.reorderTiles(callerOf(request).workspaceId, request.params.id, request.body.tileIds),
  );

  app.patch(
    '/api/v1/dashboards/:id/tiles/:tileId',
    {
      config: write,
      schema: {
        tags: dashboardTags,
        summary: 'Resize a tile (1 or 2 columns)',
        params: DashboardTileParamsSchema,
        body: UpdateDashboardTileSchema,
        response: dashboardResponse,
      },
    },
    async (request) =>
      dashboards.resizeTile(
        callerOf(request).workspaceId,
        request.params.id,
        request.params.tileId,
        request.body.width,
      ),
  );

  app.delete(
    '/api/v1/dashboards/:id/tiles/:tileId',
    {
      config: write,
      schema: {
        tags: dashboardTags,
        params: DashboardTileParamsSchema,
        response: dashboardResponse,
      },
    },
    async (request) =>
      dashboards.removeTile(callerOf(request).workspaceId, request.params.id, request.params.tileId),
  );
}
