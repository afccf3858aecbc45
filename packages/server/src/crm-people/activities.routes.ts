import { ActivityListQuerySchema, ActivitySchema, CreateActivitySchema, pageOf } from '@tandem/contract';
import type { Engine } from '@tandem/engine';
import { type App, IdParamsSchema } from '../http/route-schemas.js';
import { CRM_ERROR_RESPONSES, crmCaller } from './crm-actor.js';

/** Activities: notes, calls, emails and meetings about a person, a company or a deal. */
export async function activitiesRoutes(app: App, options: { engine: Engine }) {
  const { activities } = options.engine;
  const tags = ['CRM'];

  app.get(
    '/api/v1/activities',
    {
      config: { access: 'crm:read' },
      schema: {
        tags,
        querystring: ActivityListQuerySchema,
        response: { 200: pageOf(ActivitySchema), ...CRM_ERROR_RESPONSES },
      },
    },
    async (request) => activities.list(crmCaller(request).workspaceId, request.query),
  );

  app.post(
    '/api/v1/activities',
    {
      config: { access: 'crm:write' },
      schema: { tags, body: CreateActivitySchema, response: { 201: ActivitySchema, ...CRM_ERROR_RESPONSES } },
    },
    async (request, reply) => {
      const { workspaceId, actorId } = crmCaller(request);
      return reply.code(201).send(await activities.create(workspaceId, request.body, actorId));
    },
  );

  app.get(
    '/api/v1/activities/:id',
    {
      config: { access: 'crm:read' },
      schema: { tags, params: IdParamsSchema, response: { 200: ActivitySchema, ...CRM_ERROR_RESPONSES } },
    },
    async (request) => activities.get(crmCaller(request).workspaceId, request.params.id),
  );
}
