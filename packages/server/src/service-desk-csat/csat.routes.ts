import {
  CsatAnswerSchema,
  CsatReportSchema,
  CsatSurveyPageSchema,
  SlaAttainmentReportSchema,
  SupportReportQuerySchema,
  TicketCsatSchema,
  UpdateTicketCsatSchema,
} from '@tandem/contract';
import { type Engine, slaAttainmentReport } from '@tandem/engine';
import { z } from 'zod';
import { LoginRateLimiter } from '../auth/login-rate-limiter.js';
import { CRM_ERROR_RESPONSES, crmCaller } from '../crm-people/crm-actor.js';
import { sendError } from '../http/error-handler.js';
import { type App, ERROR_RESPONSES, IdParamsSchema } from '../http/route-schemas.js';

const TokenParamsSchema = z.object({ token: z.string().min(1).max(100) });

/**
 * Satisfaction: the public survey (its token is the key; answers rate-limited per client IP),
 * the ticket's CSAT (skip flag, latest answer), and the CSAT and SLA attainment reports.
 */
export async function csatRoutes(
  app: App,
  options: { engine: Engine; answersPerWindow?: number | undefined },
) {
  const { engine } = options;
  const tags = ['Satisfaction'];
  const answerLimiter = new LoginRateLimiter({
    maxAttempts: options.answersPerWindow ?? 30,
    maxKeys: 10_000,
  });

  app.get(
    '/api/v1/csat/:token',
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary: 'The survey a requester opens from the email (public: the token is the key)',
        params: TokenParamsSchema,
        response: { 200: CsatSurveyPageSchema, ...ERROR_RESPONSES },
      },
    },
    async (request) => engine.satisfaction.page(request.params.token),
  );

  app.post(
    '/api/v1/csat/:token',
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary: 'Answers the survey (1–5 and a comment); a second answer within 7 days replaces the first',
        params: TokenParamsSchema,
        body: CsatAnswerSchema,
        response: { 200: CsatSurveyPageSchema, ...CRM_ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      const verdict = answerLimiter.attempt(request.ip);
      if (!verdict.allowed)
        return sendError(reply, 'rate_limited', 'Too many answers from this address; try again later', {
          retryAfterSeconds: verdict.retryAfterSeconds,
        });
      return engine.satisfaction.answer(request.params.token, request.body);
    },
  );

  app.get(
    '/api/v1/tickets/:id/csat',
    {
      config: { access: 'crm:read' },
      schema: { tags, params: IdParamsSchema, response: { 200: TicketCsatSchema, ...CRM_ERROR_RESPONSES } },
    },
    async (request) => {
      const { workspaceId } = crmCaller(request);
      await engine.tickets.get(workspaceId, request.params.id);
      return engine.satisfaction.ofTicket(workspaceId, request.params.id);
    },
  );

  app.patch(
    '/api/v1/tickets/:id/csat',
    {
      config: { access: 'tickets:write' },
      schema: {
        tags,
        summary: 'Skips (or restores) the satisfaction survey sent when the ticket is solved',
        params: IdParamsSchema,
        body: UpdateTicketCsatSchema,
        response: { 200: TicketCsatSchema, ...CRM_ERROR_RESPONSES },
      },
    },
    async (request) => {
      const { workspaceId } = crmCaller(request);
      await engine.tickets.get(workspaceId, request.params.id);
      return engine.satisfaction.setSkip(workspaceId, request.params.id, request.body.skip);
    },
  );

  app.get(
    '/api/v1/csat-reports',
    {
      config: { access: 'crm:read' },
      schema: {
        tags,
        description: 'CSAT answers given in a period: average, count, % satisfied (4–5), by agent and team.',
        querystring: SupportReportQuerySchema,
        response: { 200: CsatReportSchema, ...CRM_ERROR_RESPONSES },
      },
    },
    async (request) => engine.satisfaction.report(crmCaller(request).workspaceId, request.query),
  );

  app.get(
    '/api/v1/sla-attainment',
    {
      config: { access: 'crm:read' },
      schema: {
        tags,
        description:
          'Tickets opened in a period: % of settled first-response and resolution targets met, by agent and team.',
        querystring: SupportReportQuerySchema,
        response: { 200: SlaAttainmentReportSchema, ...CRM_ERROR_RESPONSES },
      },
    },
    async (request) =>
      slaAttainmentReport(
        {
          openedBetween: (workspaceId, from, to) => engine.tickets.openedBetween(workspaceId, from, to),
          outcomesOf: (workspaceId, ticketIds) => engine.sla.outcomesOf(workspaceId, ticketIds),
        },
        crmCaller(request).workspaceId,
        request.query,
        Date.now(),
      ),
  );
}
