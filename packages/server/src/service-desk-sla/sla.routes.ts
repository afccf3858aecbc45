import {
  BusinessCalendarSchema,
  CreateBusinessCalendarSchema,
  CreateSlaPolicySchema,
  pageOf,
  SlaClockSchema,
  SlaPolicyOrderSchema,
  SlaPolicySchema,
  UpdateBusinessCalendarSchema,
  UpdateSlaPolicySchema,
} from '@tandem/contract';
import { AppError, type Engine } from '@tandem/engine';
import { z } from 'zod';
import { requirePrincipal } from '../auth/authenticate.js';
import { type App, ERROR_RESPONSES, IdParamsSchema, NoContentSchema } from '../http/route-schemas.js';

const AtRiskQuerySchema = z.object({ limit: z.coerce.number().int().min(1).max(1000).default(50) });
const AtRiskTicketSchema = SlaClockSchema.extend({ ticketId: z.string() });
const TicketParamsSchema = z.object({ ticketId: z.string().min(1) });

/**
 * Business calendars and SLA policies: settings, so owners and admins change them
 * (`members:manage`, as deal settings); everyone who reads the CRM, support included, sees them.
 */
export async function slaRoutes(app: App, options: { engine: Engine }) {
  const { slaSettings, sla } = options.engine;
  const workspaceOf = (request: { principal: Parameters<typeof requirePrincipal>[0] }) =>
    requirePrincipal(request.principal).workspaceId;
  const calendars = { tags: ['Business calendars'] };
  const policies = { tags: ['SLA policies'] };

  app.get(
    '/api/v1/business-calendars',
    {
      config: { access: 'crm:read' },
      schema: { ...calendars, response: { 200: pageOf(BusinessCalendarSchema), ...ERROR_RESPONSES } },
    },
    async (request) => ({ data: await slaSettings.listCalendars(workspaceOf(request)), nextCursor: null }),
  );

  app.post(
    '/api/v1/business-calendars',
    {
      config: { access: 'members:manage' },
      schema: {
        ...calendars,
        body: CreateBusinessCalendarSchema,
        response: { 201: BusinessCalendarSchema, ...ERROR_RESPONSES },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await slaSettings.createCalendar(workspaceOf(request), request.body)),
  );

  app.get(
    '/api/v1/business-calendars/:id',
    {
      config: { access: 'crm:read' },
      schema: {
        ...calendars,
        params: IdParamsSchema,
        response: { 200: BusinessCalendarSchema, ...ERROR_RESPONSES },
      },
    },
    async (request) => slaSettings.getCalendar(workspaceOf(request), request.params.id),
  );

  app.patch(
    '/api/v1/business-calendars/:id',
    {
      config: { access: 'members:manage' },
      schema: {
        ...calendars,
        params: IdParamsSchema,
        body: UpdateBusinessCalendarSchema,
        response: { 200: BusinessCalendarSchema, ...ERROR_RESPONSES },
      },
    },
    async (request) => slaSettings.updateCalendar(workspaceOf(request), request.params.id, request.body),
  );

  app.delete(
    '/api/v1/business-calendars/:id',
    {
      config: { access: 'members:manage' },
      schema: {
        ...calendars,
        params: IdParamsSchema,
        response: { 204: NoContentSchema, ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      await slaSettings.deleteCalendar(workspaceOf(request), request.params.id);
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/api/v1/sla-policies',
    {
      config: { access: 'crm:read' },
      schema: { ...policies, response: { 200: pageOf(SlaPolicySchema), ...ERROR_RESPONSES } },
    },
    async (request) => ({ data: await slaSettings.listPolicies(workspaceOf(request)), nextCursor: null }),
  );

  app.post(
    '/api/v1/sla-policies',
    {
      config: { access: 'members:manage' },
      schema: {
        ...policies,
        body: CreateSlaPolicySchema,
        response: { 201: SlaPolicySchema, ...ERROR_RESPONSES },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await slaSettings.createPolicy(workspaceOf(request), request.body)),
  );

  app.put(
    '/api/v1/sla-policies/order',
    {
      config: { access: 'members:manage' },
      schema: {
        ...policies,
        body: SlaPolicyOrderSchema,
        response: { 200: pageOf(SlaPolicySchema), ...ERROR_RESPONSES },
      },
    },
    async (request) => ({
      data: await slaSettings.reorderPolicies(workspaceOf(request), request.body.ids),
      nextCursor: null,
    }),
  );

  app.get(
    '/api/v1/sla-policies/:id',
    {
      config: { access: 'crm:read' },
      schema: { ...policies, params: IdParamsSchema, response: { 200: SlaPolicySchema, ...ERROR_RESPONSES } },
    },
    async (request) => slaSettings.getPolicy(workspaceOf(request), request.params.id),
  );

  app.patch(
    '/api/v1/sla-policies/:id',
    {
      config: { access: 'members:manage' },
      schema: {
        ...policies,
        params: IdParamsSchema,
        body: UpdateSlaPolicySchema,
        response: { 200: SlaPolicySchema, ...ERROR_RESPONSES },
      },
    },
    async (request) => slaSettings.updatePolicy(workspaceOf(request), request.params.id, request.body),
  );

  app.delete(
    '/api/v1/sla-policies/:id',
    {
      config: { access: 'members:manage' },
      schema: { ...policies, params: IdParamsSchema, response: { 204: NoContentSchema, ...ERROR_RESPONSES } },
    },
    async (request, reply) => {
      await slaSettings.deletePolicy(workspaceOf(request), request.params.id);
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/api/v1/sla-clocks/at-risk',
    {
      config: { access: 'crm:read' },
      schema: {
        ...policies,
        querystring: AtRiskQuerySchema,
        response: { 200: pageOf(AtRiskTicketSchema), ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const workspaceId = workspaceOf(request);
      const ids = await sla.atRisk(workspaceId, { limit: request.query.limit });
      const clocks = await sla.clocksOf(workspaceId, ids);
      const data = ids.flatMap((ticketId) => {
        const clock = clocks.get(ticketId);
        return clock ? [{ ticketId, ...clock }] : [];
      });
      return { data, nextCursor: null };
    },
  );

  app.get(
    '/api/v1/sla-clocks/:ticketId',
    {
      config: { access: 'crm:read' },
      schema: {
        ...policies,
        params: TicketParamsSchema,
        response: { 200: SlaClockSchema, ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const clock = await sla.clockOf(workspaceOf(request), request.params.ticketId);
      if (!clock) throw new AppError('not_found', `No SLA clock for ticket ${request.params.ticketId}`);
      return clock;
    },
  );
}
