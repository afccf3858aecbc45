import {
  BulkTicketsResultSchema,
  BulkUpdateTicketsSchema,
  CreateTicketReplySchema,
  CreateTicketSchema,
  ErrorBodySchema,
  MergeTicketsSchema,
  pageOf,
  SetTicketDealsSchema,
  TicketDetailSchema,
  TicketListItemSchema,
  TicketListQuerySchema,
  TicketReportQuerySchema,
  TicketReportSchema,
  UpdateTicketSchema,
} from '@tandem/contract';
import type { Engine } from '@tandem/engine';
import { z } from 'zod';
import { CRM_ERROR_RESPONSES, crmCaller } from '../crm-people/crm-actor.js';
import { type App, IdParamsSchema } from '../http/route-schemas.js';

/** Room for attachments: the contract caps each file; base64 adds a third. */
const TICKET_BODY_LIMIT = 16 * 1024 * 1024;
const RESPONSES = { ...CRM_ERROR_RESPONSES, 413: ErrorBodySchema } as const;

/**
 * Service desk tickets: everyone who reads the CRM sees them; support (`tickets:write`, also
 * owners and admins) works them.
 */
export async function ticketsRoutes(app: App, options: { engine: Engine }) {
  const { tickets } = options.engine;
  const tags = ['Tickets'];

  app.get(
    '/api/v1/tickets',
    {
      config: { access: 'crm:read', personalData: 'ticketPage' },
      schema: {
        tags,
        description: 'The inbox: most recently updated first; views `mine`, `unassigned`, `sla_at_risk`.',
        querystring: TicketListQuerySchema,
        response: { 200: pageOf(TicketListItemSchema), ...RESPONSES },
      },
    },
    async (request) => {
      const { workspaceId, actorId } = crmCaller(request);
      return tickets.list(workspaceId, request.query, { actorId });
    },
  );

  app.post(
    '/api/v1/tickets',
    {
      config: { access: 'tickets:write', personalData: 'ticketDetail' },
      bodyLimit: TICKET_BODY_LIMIT,
      schema: { tags, body: CreateTicketSchema, response: { 201: TicketDetailSchema, ...RESPONSES } },
    },
    async (request, reply) => {
      const { workspaceId, actorId } = crmCaller(request);
      return reply.code(201).send(await tickets.create(workspaceId, request.body, actorId));
    },
  );

  app.post(
    '/api/v1/tickets/bulk',
    {
      config: { access: 'tickets:write' },
      schema: {
        tags,
        description: 'The same change (status, priority, assignee, team, tags) on many tickets, all or none.',
        body: BulkUpdateTicketsSchema,
        response: { 200: BulkTicketsResultSchema, ...RESPONSES },
      },
    },
    async (request) => {
      const { workspaceId, actorId } = crmCaller(request);
      return tickets.bulkUpdate(workspaceId, request.body, actorId);
    },
  );

  app.get(
    '/api/v1/tickets/:id',
    {
      config: { access: 'crm:read', personalData: 'ticketDetail' },
      schema: { tags, params: IdParamsSchema, response: { 200: TicketDetailSchema, ...RESPONSES } },
    },
    async (request) => tickets.get(crmCaller(request).workspaceId, request.params.id),
  );

  app.patch(
    '/api/v1/tickets/:id',
    {
      config: { access: 'tickets:write', personalData: 'ticketDetail' },
      schema: {
        tags,
        params: IdParamsSchema,
        body: UpdateTicketSchema,
        response: { 200: TicketDetailSchema, ...RESPONSES },
      },
    },
    async (request) => {
      const { workspaceId, actorId } = crmCaller(request);
      return tickets.update(workspaceId, request.params.id, request.body, actorId);
    },
  );

  app.post(
    '/api/v1/tickets/:id/replies',
    {
      config: { access: 'tickets:write', personalData: 'ticketDetail' },
      bodyLimit: TICKET_BODY_LIMIT,
      schema: {
        tags,
        description:
          'A public reply (mailed to the requester when mail is set up) or, with `public: false`, an internal note.',
        params: IdParamsSchema,
        body: CreateTicketReplySchema,
        response: { 201: TicketDetailSchema, ...RESPONSES },
      },
    },
    async (request, reply) => {
      const { workspaceId, actorId } = crmCaller(request);
      return reply.code(201).send(await tickets.reply(workspaceId, request.params.id, request.body, actorId));
    },
  );

  app.post(
    '/api/v1/tickets/:id/merge',
    {
      config: { access: 'tickets:write', personalData: 'ticketDetail' },
      schema: {
        tags,
        description:
          'Merges duplicates into this ticket: their messages move here, each is closed with a note.',
        params: IdParamsSchema,
        body: MergeTicketsSchema,
        response: { 200: TicketDetailSchema, ...RESPONSES },
      },
    },
    async (request) => {
      const { workspaceId, actorId } = crmCaller(request);
      return tickets.merge(workspaceId, request.params.id, request.body.ticketIds, actorId);
    },
  );

  app.put(
    '/api/v1/tickets/:id/deals',
    {
      config: { access: 'tickets:write', personalData: 'ticketDetail' },
      schema: {
        tags,
        params: IdParamsSchema,
        body: SetTicketDealsSchema,
        response: { 200: TicketDetailSchema, ...RESPONSES },
      },
    },
    async (request) => {
      const { workspaceId, actorId } = crmCaller(request);
      return tickets.setDeals(workspaceId, request.params.id, request.body.dealIds, actorId);
    },
  );

  app.get(
    '/api/v1/tickets/:id/attachments/:attachmentId',
    {
      config: { access: 'crm:read' },
      schema: {
        tags,
        params: z.object({ id: z.string().min(1), attachmentId: z.string().min(1) }),
        response: { 200: z.string().describe('The file’s bytes'), ...RESPONSES },
      },
    },
    async (request, reply) => {
      const file = await tickets.attachment(
        crmCaller(request).workspaceId,
        request.params.id,
        request.params.attachmentId,
      );
      return (
        reply
          // Served as a download, never rendered in the app's origin (an attachment is untrusted).
          .header('content-type', 'application/octet-stream')
          .header('content-disposition', `attachment; filename="${file.filename.replace(/["\\\r\n]/g, '_')}"`)
          .header('x-content-type-options', 'nosniff')
          .header('cache-control', 'no-store')
          // A buffer skips the response serializer; the schema only documents the body.
          .send(file.content as unknown as string)
      );
    },
  );

  app.get(
    '/api/v1/ticket-reports',
    {
      config: { access: 'crm:read' },
      schema: {
        tags,
        description: 'Volume by day, median first-response and resolution times, per agent and team.',
        querystring: TicketReportQuerySchema,
        response: { 200: TicketReportSchema, ...RESPONSES },
      },
    },
    async (request) => tickets.report(crmCaller(request).workspaceId, request.query),
  );
}
