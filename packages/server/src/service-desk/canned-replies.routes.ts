import {
  CannedReplySchema,
  CreateCannedReplySchema,
  pageOf,
  RenderedCannedReplySchema,
  UpdateCannedReplySchema,
} from '@tandem/contract';
import type { Engine } from '@tandem/engine';
import { z } from 'zod';
import { CRM_ERROR_RESPONSES, crmCaller } from '../crm-people/crm-actor.js';
import { type App, IdParamsSchema, NoContentSchema } from '../http/route-schemas.js';

/** Canned replies: agents use them, support (`tickets:write`) maintains them. */
export async function cannedRepliesRoutes(app: App, options: { engine: Engine }) {
  const { cannedReplies } = options.engine;
  const tags = ['Tickets'];

  app.get(
    '/api/v1/canned-replies',
    {
      config: { access: 'crm:read' },
      schema: { tags, response: { 200: pageOf(CannedReplySchema), ...CRM_ERROR_RESPONSES } },
    },
    async (request) => ({ data: await cannedReplies.list(crmCaller(request).workspaceId), nextCursor: null }),
  );

  app.post(
    '/api/v1/canned-replies',
    {
      config: { access: 'tickets:write' },
      schema: {
        tags,
        body: CreateCannedReplySchema,
        response: { 201: CannedReplySchema, ...CRM_ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      const { workspaceId, actorId } = crmCaller(request);
      return reply.code(201).send(await cannedReplies.create(workspaceId, request.body, actorId));
    },
  );

  app.patch(
    '/api/v1/canned-replies/:id',
    {
      config: { access: 'tickets:write' },
      schema: {
        tags,
        params: IdParamsSchema,
        body: UpdateCannedReplySchema,
        response: { 200: CannedReplySchema, ...CRM_ERROR_RESPONSES },
      },
    },
    async (request) => {
      const { workspaceId, actorId } = crmCaller(request);
      return cannedReplies.update(workspaceId, request.params.id, request.body, actorId);
    },
  );

  app.delete(
    '/api/v1/canned-replies/:id',
    {
      config: { access: 'tickets:write' },
      schema: { tags, params: IdParamsSchema, response: { 204: NoContentSchema, ...CRM_ERROR_RESPONSES } },
    },
    async (request, reply) => {
      const { workspaceId, actorId } = crmCaller(request);
      await cannedReplies.delete(workspaceId, request.params.id, actorId);
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/api/v1/tickets/:id/canned-replies/:cannedReplyId',
    {
      config: { access: 'crm:read' },
      schema: {
        tags,
        description: 'The canned reply filled in for this ticket’s requester (placeholders replaced).',
        params: z.object({ id: z.string().min(1), cannedReplyId: z.string().min(1) }),
        response: { 200: RenderedCannedReplySchema, ...CRM_ERROR_RESPONSES },
      },
    },
    async (request) => {
      const { workspaceId, actorId } = crmCaller(request);
      return cannedReplies.render(workspaceId, request.params.cannedReplyId, request.params.id, actorId);
    },
  );
}
