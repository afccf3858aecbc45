import { BroadcastSchema, CreateBroadcastSchema, PageQuerySchema, pageOf } from '@tandem/contract';
import type { Engine } from '@tandem/engine';
import { CRM_ERROR_RESPONSES, crmCaller } from '../crm-people/crm-actor.js';
import { type App, IdParamsSchema } from '../http/route-schemas.js';

/** Broadcasts: one template to an audience, now or at `sendAt`, throttled; their report counts. */
export async function broadcastsRoutes(app: App, options: { engine: Engine }) {
  const { broadcasts } = options.engine;
  const tags = ['Email'];

  app.get(
    '/api/v1/broadcasts',
    {
      config: { access: 'audiences:read' },
      schema: {
        tags,
        description: 'The broadcasts with their report counts, newest first.',
        querystring: PageQuerySchema,
        response: { 200: pageOf(BroadcastSchema), ...CRM_ERROR_RESPONSES },
      },
    },
    async (request) => broadcasts.list(crmCaller(request).workspaceId, request.query),
  );

  app.post(
    '/api/v1/broadcasts',
    {
      config: { access: 'audiences:write' },
      schema: {
        tags,
        description:
          'Sends a template to the members of an audience at `sendAt` (absent: now), at most `perMinute` a minute when given.',
        body: CreateBroadcastSchema,
        response: { 201: BroadcastSchema, ...CRM_ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      const { workspaceId, actorId } = crmCaller(request);
      return reply.code(201).send(await broadcasts.create(workspaceId, request.body, actorId));
    },
  );

  app.get(
    '/api/v1/broadcasts/:id',
    {
      config: { access: 'audiences:read' },
      schema: {
        tags,
        description:
          'The broadcast and its report: recipients, sent, delivered (the relay accepted), opened and clicked (people, not machines), bounced, unsubscribed, skipped.',
        params: IdParamsSchema,
        response: { 200: BroadcastSchema, ...CRM_ERROR_RESPONSES },
      },
    },
    async (request) => broadcasts.get(crmCaller(request).workspaceId, request.params.id),
  );

  app.post(
    '/api/v1/broadcasts/:id/cancel',
    {
      config: { access: 'audiences:write' },
      schema: {
        tags,
        description: 'Stops a scheduled or sending broadcast: messages not sent yet are withdrawn.',
        params: IdParamsSchema,
        response: { 200: BroadcastSchema, ...CRM_ERROR_RESPONSES },
      },
    },
    async (request) => broadcasts.cancel(crmCaller(request).workspaceId, request.params.id),
  );
}
