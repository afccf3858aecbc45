import type { Readable } from 'node:stream';
import {
  CompaniesExportQuerySchema,
  CreateSavedViewSchema,
  DealsExportQuerySchema,
  PeopleExportQuerySchema,
  pageOf,
  SavedViewListQuerySchema,
  SavedViewSchema,
  UpdateSavedViewSchema,
} from '@tandem/contract';
import type { Engine, Principal, SavedViewActor } from '@tandem/engine';
import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import { requirePrincipal } from '../auth/authenticate.js';
import { type App, ERROR_RESPONSES, IdParamsSchema, NoContentSchema } from '../http/route-schemas.js';

/** The caller as a view's owner: its user, or (a token created by no user) the token. */
function actorOf(request: { principal: Principal | undefined }): SavedViewActor & { workspaceId: string } {
  const principal = requirePrincipal(request.principal);
  const id = principal.kind === 'token' ? (principal.userId ?? principal.tokenId) : principal.userId;
  return { id, role: principal.role, workspaceId: principal.workspaceId };
}

/**
 * Saved views of the CRM lists (the caller's own and the workspace's shared ones; anyone who
 * reads the CRM saves their own) and the streaming CSV exports of a view of people, companies
 * or deals.
 */
export async function savedViewsRoutes(app: App, options: { engine: Engine }) {
  const { savedViews } = options.engine;
  const tags = ['Saved views'];

  app.get(
    '/api/v1/views',
    {
      config: { access: 'crm:read' },
      schema: {
        tags,
        querystring: SavedViewListQuerySchema,
        response: { 200: pageOf(SavedViewSchema), ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const actor = actorOf(request);
      return { data: await savedViews.list(actor.workspaceId, actor, request.query), nextCursor: null };
    },
  );

  app.get(
    '/api/v1/views/:id',
    {
      config: { access: 'crm:read' },
      schema: { tags, params: IdParamsSchema, response: { 200: SavedViewSchema, ...ERROR_RESPONSES } },
    },
    async (request) => {
      const actor = actorOf(request);
      return savedViews.get(actor.workspaceId, actor, request.params.id);
    },
  );

  app.post(
    '/api/v1/views',
    {
      config: { access: 'crm:read' },
      schema: {
        tags,
        body: CreateSavedViewSchema,
        response: { 201: SavedViewSchema, ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      const actor = actorOf(request);
      return reply.code(201).send(await savedViews.create(actor.workspaceId, actor, request.body));
    },
  );

  app.patch(
    '/api/v1/views/:id',
    {
      config: { access: 'crm:read' },
      schema: {
        tags,
        params: IdParamsSchema,
        body: UpdateSavedViewSchema,
        response: { 200: SavedViewSchema, ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const actor = actorOf(request);
      return savedViews.update(actor.workspaceId, actor, request.params.id, request.body);
    },
  );

  app.delete(
    '/api/v1/views/:id',
    {
      config: { access: 'crm:read' },
      schema: { tags, params: IdParamsSchema, response: { 204: NoContentSchema, ...ERROR_RESPONSES } },
    },
    async (request, reply) => {
      const actor = actorOf(request);
      await savedViews.delete(actor.workspaceId, actor, request.params.id);
      return reply.code(204).send(null);
    },
  );

  const sendCsv = (reply: FastifyReply, name: string, csv: Readable) =>
    reply
      .header('content-type', 'text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="${name}.csv"`)
      .header('cache-control', 'no-store')
      // A stream skips the response serializer; the schema only documents the body.
      .send(csv as unknown as string);
  const csvResponse = { 200: z.string().describe('text/csv, a header row first'), ...ERROR_RESPONSES };

  app.get(
    '/api/v1/people/export.csv',
    {
      config: { access: 'profiles:read' },
      schema: {
        tags,
        summary: 'Stream the people of a saved view (its filters, sort and columns) as CSV',
        querystring: PeopleExportQuerySchema,
        response: csvResponse,
      },
    },
    async (request, reply) => {
      const actor = actorOf(request);
      // A CSV has no serializer step: the export masks personal columns for the caller's role.
      const mask = await options.engine.pii.maskForRole(actor.workspaceId, actor.role);
      return sendCsv(
        reply,
        'people',
        await savedViews.exportPeople(actor.workspaceId, actor, request.query.view, mask),
      );
    },
  );

  app.get(
    '/api/v1/companies/export.csv',
    {
      config: { access: 'crm:read' },
      schema: {
        tags,
        summary: 'Stream the companies of a saved view (its filters, sort and columns) as CSV',
        querystring: CompaniesExportQuerySchema,
        response: csvResponse,
      },
    },
    async (request, reply) => {
      const actor = actorOf(request);
      const csv = await savedViews.exportCompanies(actor.workspaceId, actor, request.query.view);
      return sendCsv(reply, 'companies', csv);
    },
  );

  app.get(
    '/api/v1/deals/export.csv',
    {
      config: { access: 'crm:read' },
      schema: {
        tags,
        summary: 'Stream the deals of a saved view (its filters, sort and columns) as CSV',
        querystring: DealsExportQuerySchema,
        response: csvResponse,
      },
    },
    async (request, reply) => {
      const actor = actorOf(request);
      return sendCsv(
        reply,
        'deals',
        await savedViews.exportDeals(actor.workspaceId, actor, request.query.view),
      );
    },
  );
}
