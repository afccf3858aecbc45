import {
  CreateCustomFieldSchema,
  CustomFieldListQuerySchema,
  CustomFieldSchema,
  pageOf,
  UpdateCustomFieldSchema,
} from '@tandem/contract';
import type { Engine } from '@tandem/engine';
import { type App, IdParamsSchema, NoContentSchema } from '../http/route-schemas.js';
import { CRM_ERROR_RESPONSES, crmCaller } from './crm-actor.js';

/** Custom fields of people, companies and deals. */
export async function customFieldsRoutes(app: App, options: { engine: Engine }) {
  const { customFields } = options.engine;
  const tags = ['CRM'];

  app.get(
    '/api/v1/custom-fields',
    {
      config: { access: 'crm:read' },
      schema: {
        tags,
        querystring: CustomFieldListQuerySchema,
        response: { 200: pageOf(CustomFieldSchema), ...CRM_ERROR_RESPONSES },
      },
    },
    async (request) => ({
      data: await customFields.list(crmCaller(request).workspaceId, request.query.entity),
      nextCursor: null,
    }),
  );

  app.post(
    '/api/v1/custom-fields',
    {
      config: { access: 'crm:write' },
      schema: {
        tags,
        body: CreateCustomFieldSchema,
        response: { 201: CustomFieldSchema, ...CRM_ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      const { workspaceId, actorId } = crmCaller(request);
      return reply.code(201).send(await customFields.create(workspaceId, request.body, actorId));
    },
  );

  app.patch(
    '/api/v1/custom-fields/:id',
    {
      config: { access: 'crm:write' },
      schema: {
        tags,
        params: IdParamsSchema,
        body: UpdateCustomFieldSchema,
        response: { 200: CustomFieldSchema, ...CRM_ERROR_RESPONSES },
      },
    },
    async (request) => {
      const { workspaceId, actorId } = crmCaller(request);
      return customFields.update(workspaceId, request.params.id, request.body, actorId);
    },
  );

  app.delete(
    '/api/v1/custom-fields/:id',
    {
      config: { access: 'crm:write' },
      schema: { tags, params: IdParamsSchema, response: { 204: NoContentSchema, ...CRM_ERROR_RESPONSES } },
    },
    async (request, reply) => {
      const { workspaceId, actorId } = crmCaller(request);
      await customFields.delete(workspaceId, request.params.id, actorId);
      return reply.code(204).send(null);
    },
  );
}
