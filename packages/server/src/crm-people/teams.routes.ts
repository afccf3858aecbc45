import {
  AssignLeadsSchema,
  AssignmentResultSchema,
  CreateTeamSchema,
  pageOf,
  TeamSchema,
  UpdateTeamSchema,
} from '@tandem/contract';
import type { Engine } from '@tandem/engine';
import { type App, IdParamsSchema, NoContentSchema } from '../http/route-schemas.js';
import { CRM_ERROR_RESPONSES, crmCaller } from './crm-actor.js';

/** Teams and lead assignment: round robin (skipping members away or at capacity) or by rule. */
export async function teamsRoutes(app: App, options: { engine: Engine }) {
  const { teams } = options.engine;
  const tags = ['CRM'];

  app.get(
    '/api/v1/teams',
    {
      config: { access: 'crm:read' },
      schema: { tags, response: { 200: pageOf(TeamSchema), ...CRM_ERROR_RESPONSES } },
    },
    async (request) => ({ data: await teams.list(crmCaller(request).workspaceId), nextCursor: null }),
  );

  app.post(
    '/api/v1/teams',
    {
      config: { access: 'crm:write' },
      schema: { tags, body: CreateTeamSchema, response: { 201: TeamSchema, ...CRM_ERROR_RESPONSES } },
    },
    async (request, reply) => {
      const { workspaceId, actorId } = crmCaller(request);
      return reply.code(201).send(await teams.create(workspaceId, request.body, actorId));
    },
  );

  app.get(
    '/api/v1/teams/:id',
    {
      config: { access: 'crm:read' },
      schema: { tags, params: IdParamsSchema, response: { 200: TeamSchema, ...CRM_ERROR_RESPONSES } },
    },
    async (request) => teams.get(crmCaller(request).workspaceId, request.params.id),
  );

  app.patch(
    '/api/v1/teams/:id',
    {
      config: { access: 'crm:write' },
      schema: {
        tags,
        params: IdParamsSchema,
        body: UpdateTeamSchema,
        response: { 200: TeamSchema, ...CRM_ERROR_RESPONSES },
      },
    },
    async (request) => {
      const { workspaceId, actorId } = crmCaller(request);
      return teams.update(workspaceId, request.params.id, request.body, actorId);
    },
  );

  app.delete(
    '/api/v1/teams/:id',
    {
      config: { access: 'crm:write' },
      schema: { tags, params: IdParamsSchema, response: { 204: NoContentSchema, ...CRM_ERROR_RESPONSES } },
    },
    async (request, reply) => {
      const { workspaceId, actorId } = crmCaller(request);
      await teams.delete(workspaceId, request.params.id, actorId);
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/api/v1/teams/:id/assign',
    {
      config: { access: 'crm:write' },
      schema: {
        tags,
        description: 'Assigns each person an owner from the team, recorded like any change of owner.',
        params: IdParamsSchema,
        body: AssignLeadsSchema,
        response: { 200: AssignmentResultSchema, ...CRM_ERROR_RESPONSES },
      },
    },
    async (request) => {
      const { workspaceId, actorId } = crmCaller(request);
      return teams.assign(workspaceId, request.params.id, request.body.profileIds, actorId);
    },
  );
}
