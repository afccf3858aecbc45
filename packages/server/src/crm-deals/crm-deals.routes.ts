import {
  CreateDealSchema,
  CreatePipelineSchema,
  DealDetailSchema,
  DealListQuerySchema,
  DealSchema,
  DealSettingsSchema,
  PipelineSchema,
  pageOf,
  SetDealPeopleSchema,
  UpdateDealSchema,
  UpdatePipelineSchema,
} from '@tandem/contract';
import type { Engine } from '@tandem/engine';
import { requirePrincipal } from '../auth/authenticate.js';
import { type App, ERROR_RESPONSES, IdParamsSchema } from '../http/route-schemas.js';
import { crmActorOf } from './crm-actor.js';

/** Pipelines and deals: sales (`crm:write`) change them, every member who reads the CRM sees them. */
export async function crmDealsRoutes(app: App, options: { engine: Engine }) {
  const { pipelines, deals } = options.engine;
  const workspaceOf = (request: { principal: Parameters<typeof requirePrincipal>[0] }) =>
    requirePrincipal(request.principal).workspaceId;
  const actorOf = (request: { principal: Parameters<typeof requirePrincipal>[0] }) =>
    crmActorOf(requirePrincipal(request.principal));
  /** The workspace may restrict edits of a deal to its owner (see DealSettings). */
  const assertMayEdit = (request: { principal: Parameters<typeof requirePrincipal>[0] }, dealId: string) => {
    const principal = requirePrincipal(request.principal);
    return deals.assertMayEdit(principal.workspaceId, dealId, {
      userId: principal.userId,
      role: principal.role,
    });
  };

  app.get(
    '/api/v1/pipelines',
    {
      config: { access: 'crm:read' },
      schema: { tags: ['Pipelines'], response: { 200: pageOf(PipelineSchema), ...ERROR_RESPONSES } },
    },
    async (request) => ({ data: await pipelines.list(workspaceOf(request)), nextCursor: null }),
  );

  app.post(
    '/api/v1/pipelines',
    {
      config: { access: 'crm:write' },
      schema: {
        tags: ['Pipelines'],
        body: CreatePipelineSchema,
        response: { 201: PipelineSchema, ...ERROR_RESPONSES },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await pipelines.create(workspaceOf(request), request.body, actorOf(request))),
  );

  app.get(
    '/api/v1/pipelines/:id',
    {
      config: { access: 'crm:read' },
      schema: {
        tags: ['Pipelines'],
        params: IdParamsSchema,
        response: { 200: PipelineSchema, ...ERROR_RESPONSES },
      },
    },
    async (request) => pipelines.get(workspaceOf(request), request.params.id),
  );

  app.patch(
    '/api/v1/pipelines/:id',
    {
      config: { access: 'crm:write' },
      schema: {
        tags: ['Pipelines'],
        params: IdParamsSchema,
        body: UpdatePipelineSchema,
        response: { 200: PipelineSchema, ...ERROR_RESPONSES },
      },
    },
    async (request) =>
      pipelines.update(workspaceOf(request), request.params.id, request.body, actorOf(request)),
  );

  app.get(
    '/api/v1/deals',
    {
      config: { access: 'crm:read' },
      schema: {
        tags: ['Deals'],
        querystring: DealListQuerySchema,
        response: { 200: pageOf(DealSchema), ...ERROR_RESPONSES },
      },
    },
    async (request) => deals.list(workspaceOf(request), request.query),
  );

  app.post(
    '/api/v1/deals',
    {
      config: { access: 'crm:write' },
      schema: {
        tags: ['Deals'],
        body: CreateDealSchema,
        response: { 201: DealDetailSchema, ...ERROR_RESPONSES },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await deals.create(workspaceOf(request), request.body, actorOf(request))),
  );

  app.get(
    '/api/v1/deals/:id',
    {
      config: { access: 'crm:read' },
      schema: {
        tags: ['Deals'],
        params: IdParamsSchema,
        response: { 200: DealDetailSchema, ...ERROR_RESPONSES },
      },
    },
    async (request) => deals.get(workspaceOf(request), request.params.id),
  );

  app.patch(
    '/api/v1/deals/:id',
    {
      config: { access: 'crm:write' },
      schema: {
        tags: ['Deals'],
        params: IdParamsSchema,
        body: UpdateDealSchema,
        response: { 200: DealDetailSchema, ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      await assertMayEdit(request, request.params.id);
      return deals.update(workspaceOf(request), request.params.id, request.body, actorOf(request));
    },
  );

  app.put(
    '/api/v1/deals/:id/people',
    {
      config: { access: 'crm:write' },
      schema: {
        tags: ['Deals'],
        params: IdParamsSchema,
        body: SetDealPeopleSchema,
        response: { 200: DealDetailSchema, ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      await assertMayEdit(request, request.params.id);
      return deals.setPeople(workspaceOf(request), request.params.id, request.body.people, actorOf(request));
    },
  );

  app.get(
    '/api/v1/deal-settings',
    {
      config: { access: 'crm:read' },
      schema: { tags: ['Deals'], response: { 200: DealSettingsSchema, ...ERROR_RESPONSES } },
    },
    async (request) => deals.settings(workspaceOf(request)),
  );

  app.put(
    '/api/v1/deal-settings',
    {
      config: { access: 'members:manage' },
      schema: {
        tags: ['Deals'],
        body: DealSettingsSchema,
        response: { 200: DealSettingsSchema, ...ERROR_RESPONSES },
      },
    },
    async (request) => deals.updateSettings(workspaceOf(request), request.body, actorOf(request)),
  );
}
