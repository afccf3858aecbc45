import {
  CreateStaticListSchema,
  ListMemberSchema,
  ListMembersChangedSchema,
  ListMembersChangeSchema,
  PageQuerySchema,
  pageOf,
  StaticListSchema,
  UpdateStaticListSchema,
} from '@tandem/contract';
import { AppError, type Engine } from '@tandem/engine';
import { z } from 'zod';
import { CRM_ERROR_RESPONSES, crmCaller } from '../crm-people/crm-actor.js';
import { type App, IdParamsSchema, NoContentSchema } from '../http/route-schemas.js';

/** Static lists: people added by hand, by journeys and by the API. */
export async function listsRoutes(app: App, options: { engine: Engine }) {
  const { lists } = options.engine;
  const tags = ['Lists'];

  app.get(
    '/api/v1/lists',
    {
      config: { access: 'crm:read' },
      schema: {
        tags,
        response: { 200: z.object({ data: z.array(StaticListSchema) }), ...CRM_ERROR_RESPONSES },
      },
    },
    async (request) => ({ data: await lists.list(crmCaller(request).workspaceId) }),
  );

  app.post(
    '/api/v1/lists',
    {
      config: { access: 'crm:write' },
      schema: {
        tags,
        body: CreateStaticListSchema,
        response: { 201: StaticListSchema, ...CRM_ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      const { workspaceId, actorId } = crmCaller(request);
      return reply.code(201).send(await lists.create(workspaceId, request.body, actorId));
    },
  );

  app.get(
    '/api/v1/lists/:id',
    {
      config: { access: 'crm:read' },
      schema: { tags, params: IdParamsSchema, response: { 200: StaticListSchema, ...CRM_ERROR_RESPONSES } },
    },
    async (request) => lists.get(crmCaller(request).workspaceId, request.params.id),
  );

  app.patch(
    '/api/v1/lists/:id',
    {
      config: { access: 'crm:write' },
      schema: {
        tags,
        params: IdParamsSchema,
        body: UpdateStaticListSchema,
        response: { 200: StaticListSchema, ...CRM_ERROR_RESPONSES },
      },
    },
    async (request) => lists.update(crmCaller(request).workspaceId, request.params.id, request.body),
  );

  app.delete(
    '/api/v1/lists/:id',
    {
      config: { access: 'crm:write' },
      schema: { tags, params: IdParamsSchema, response: { 204: NoContentSchema, ...CRM_ERROR_RESPONSES } },
    },
    async (request, reply) => {
      await lists.delete(crmCaller(request).workspaceId, request.params.id);
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/api/v1/lists/:id/members',
    {
      config: { access: 'crm:read', personalData: 'contactPage' },
      schema: {
        tags,
        params: IdParamsSchema,
        querystring: PageQuerySchema,
        response: { 200: pageOf(ListMemberSchema), ...CRM_ERROR_RESPONSES },
      },
    },
    async (request) => lists.members(crmCaller(request).workspaceId, request.params.id, request.query),
  );

  app.post(
    '/api/v1/lists/:id/members',
    {
      config: { access: 'crm:write' },
      schema: {
        tags,
        params: IdParamsSchema,
        body: ListMembersChangeSchema,
        response: { 200: ListMembersChangedSchema, ...CRM_ERROR_RESPONSES },
      },
    },
    async (request) => {
      const { workspaceId, actorId } = crmCaller(request);
      return lists.addMembers(workspaceId, request.params.id, request.body.profileIds, actorId);
    },
  );

  app.delete(
    '/api/v1/lists/:id/members',
    {
      config: { access: 'crm:write' },
      schema: {
        tags,
        params: IdParamsSchema,
        // Checked in the handler, after the list: an unknown list answers 404 whatever the body.
        body: ListMembersChangeSchema.nullish(),
        response: { 200: ListMembersChangedSchema, ...CRM_ERROR_RESPONSES },
      },
    },
    async (request) => {
      const { workspaceId } = crmCaller(request);
      await lists.get(workspaceId, request.params.id);
      const change = ListMembersChangeSchema.safeParse(request.body);
      if (!change.success) {
        throw new AppError('validation_failed', 'Invalid body.profileIds: a list of 1 to 1000 profile ids', {
          details: [{ path: 'body.profileIds', message: 'a list of 1 to 1000 profile ids' }],
        });
      }
      return lists.removeMembers(workspaceId, request.params.id, change.data.profileIds);
    },
  );
}
