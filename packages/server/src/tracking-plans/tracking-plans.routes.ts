import {
  TrackingPlanDocumentSchema,
  TrackingPlanDraftSchema,
  TrackingPlanExportSchema,
  TrackingPlanInputSchema,
  TrackingPlanSchema,
  ViolationListSchema,
} from '@tandem/contract';
import type { Engine, Principal } from '@tandem/engine';
import { requirePrincipal } from '../auth/authenticate.js';
import { type App, ERROR_RESPONSES, IdParamsSchema, NoContentSchema } from '../http/route-schemas.js';

/**
 * A source's tracking plan: read, write, remove, export / import as JSON, draft from the calls
 * already seen, and its violations. Enforcement runs in the engine on every Tracking API call.
 */
export async function trackingPlansRoutes(app: App, options: { engine: Engine }) {
  const { sources, trackingPlans } = options.engine;
  const tags = ['Tracking plans'];
  const path = '/api/v1/sources/:id/tracking-plan';

  /** The caller's workspace and user, once the source is known to be theirs (404 otherwise). */
  async function sourceOf(request: { principal?: Principal | undefined; params: { id: string } }) {
    const principal = requirePrincipal(request.principal);
    await sources.get(principal.workspaceId, request.params.id);
    return { workspaceId: principal.workspaceId, sourceId: request.params.id, userId: principal.userId };
  }

  app.get(
    path,
    {
      config: { access: 'sources:read' },
      schema: { tags, params: IdParamsSchema, response: { 200: TrackingPlanSchema, ...ERROR_RESPONSES } },
    },
    async (request) => {
      const { workspaceId, sourceId } = await sourceOf(request);
      return trackingPlans.get(workspaceId, sourceId);
    },
  );

  app.put(
    path,
    {
      config: { access: 'sources:write' },
      schema: {
        tags,
        params: IdParamsSchema,
        body: TrackingPlanInputSchema,
        response: { 200: TrackingPlanSchema, ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const { workspaceId, sourceId, userId } = await sourceOf(request);
      return trackingPlans.put(workspaceId, sourceId, request.body, userId);
    },
  );

  app.delete(
    path,
    {
      config: { access: 'sources:write' },
      schema: { tags, params: IdParamsSchema, response: { 204: NoContentSchema, ...ERROR_RESPONSES } },
    },
    async (request, reply) => {
      const { workspaceId, sourceId } = await sourceOf(request);
      await trackingPlans.remove(workspaceId, sourceId);
      return reply.code(204).send(null);
    },
  );

  app.get(
    `${path}/export`,
    {
      config: { access: 'sources:read' },
      schema: {
        tags,
        params: IdParamsSchema,
        response: { 200: TrackingPlanExportSchema, ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      const { workspaceId, sourceId } = await sourceOf(request);
      const document = await trackingPlans.export(workspaceId, sourceId);
      return reply
        .header('content-disposition', `attachment; filename="tracking-plan-${sourceId}.json"`)
        .send(document);
    },
  );

  app.post(
    `${path}/import`,
    {
      config: { access: 'sources:write' },
      schema: {
        tags,
        params: IdParamsSchema,
        body: TrackingPlanDocumentSchema,
        response: { 200: TrackingPlanSchema, ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const { workspaceId, sourceId, userId } = await sourceOf(request);
      return trackingPlans.import(workspaceId, sourceId, request.body, userId);
    },
  );

  app.post(
    `${path}/draft`,
    {
      config: { access: 'sources:read' },
      schema: {
        tags,
        params: IdParamsSchema,
        response: { 200: TrackingPlanDraftSchema, ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const { workspaceId, sourceId } = await sourceOf(request);
      return trackingPlans.draft(workspaceId, sourceId);
    },
  );

  app.get(
    `${path}/violations`,
    {
      config: { access: 'sources:read' },
      schema: { tags, params: IdParamsSchema, response: { 200: ViolationListSchema, ...ERROR_RESPONSES } },
    },
    async (request) => {
      const { workspaceId, sourceId } = await sourceOf(request);
      return { data: await trackingPlans.violationsOf(workspaceId, sourceId) };
    },
  );
}
