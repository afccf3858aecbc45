import {
  CreateDestinationSchema,
  DeliveryDetailSchema,
  DeliveryListQuerySchema,
  DeliverySchema,
  DestinationSchema,
  DestinationTestRequestSchema,
  DestinationTestResultSchema,
  MappingTestRequestSchema,
  MappingTestResultSchema,
  PageQuerySchema,
  pageOf,
  ReplayRequestSchema,
  ReplayResultSchema,
  UpdateDestinationSchema,
} from '@tandem/contract';
import type { Engine } from '@tandem/engine';
import { z } from 'zod';
import { requirePrincipal } from '../auth/authenticate.js';
import { valueOrBadRequest } from '../http/result-or-throw.js';
import { type App, ERROR_RESPONSES, IdParamsSchema, NoContentSchema } from '../http/route-schemas.js';

const DeliveryParamsSchema = z.object({ id: z.string().min(1), deliveryId: z.string().min(1) });

/** Destinations: CRUD, the delivery log, replays and test sends. Secrets are never answered. */
export async function destinationsRoutes(app: App, options: { engine: Engine }) {
  const { destinations } = options.engine;
  const tags = ['Destinations'];
  const workspaceOf = (request: { principal: Parameters<typeof requirePrincipal>[0] }) =>
    requirePrincipal(request.principal).workspaceId;

  app.post(
    '/api/v1/destinations',
    {
      config: { access: 'destinations:write' },
      schema: {
        tags,
        body: CreateDestinationSchema,
        response: { 201: DestinationSchema, ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      const workspaceId = workspaceOf(request);
      const created = valueOrBadRequest(await destinations.create(workspaceId, request.body));
      // A destination that keeps state starts from everything known so far; deliveries follow.
      if (created.type === 'warehouse' || created.type === 'audience-file') {
        options.engine.syncDestination(workspaceId, created.id).catch((error: unknown) => {
          request.log.warn({ err: error, destinationId: created.id }, 'initial destination sync failed');
        });
      }
      return reply.code(201).send(created);
    },
  );

  app.get(
    '/api/v1/destinations',
    {
      config: { access: 'destinations:read' },
      schema: {
        tags,
        querystring: PageQuerySchema,
        response: { 200: pageOf(DestinationSchema), ...ERROR_RESPONSES },
      },
    },
    async (request) => destinations.list(workspaceOf(request), request.query),
  );

  app.post(
    '/api/v1/destinations/mapping-test',
    {
      config: { access: 'destinations:read' },
      schema: {
        tags,
        body: MappingTestRequestSchema,
        response: { 200: MappingTestResultSchema, ...ERROR_RESPONSES },
      },
    },
    async (request) => destinations.mappingTest(request.body),
  );

  app.get(
    '/api/v1/destinations/:id',
    {
      config: { access: 'destinations:read' },
      schema: { tags, params: IdParamsSchema, response: { 200: DestinationSchema, ...ERROR_RESPONSES } },
    },
    async (request) => destinations.get(workspaceOf(request), request.params.id),
  );

  app.patch(
    '/api/v1/destinations/:id',
    {
      config: { access: 'destinations:write' },
      schema: {
        tags,
        params: IdParamsSchema,
        body: UpdateDestinationSchema,
        response: { 200: DestinationSchema, ...ERROR_RESPONSES },
      },
    },
    async (request) =>
      valueOrBadRequest(await destinations.update(workspaceOf(request), request.params.id, request.body)),
  );

  app.delete(
    '/api/v1/destinations/:id',
    {
      config: { access: 'destinations:write' },
      schema: { tags, params: IdParamsSchema, response: { 204: NoContentSchema, ...ERROR_RESPONSES } },
    },
    async (request, reply) => {
      await destinations.delete(workspaceOf(request), request.params.id);
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/api/v1/destinations/:id/deliveries',
    {
      config: { access: 'destinations:read' },
      schema: {
        tags,
        params: IdParamsSchema,
        querystring: DeliveryListQuerySchema,
        response: { 200: pageOf(DeliverySchema), ...ERROR_RESPONSES },
      },
    },
    async (request) => destinations.deliveries(workspaceOf(request), request.params.id, request.query),
  );

  app.get(
    '/api/v1/destinations/:id/deliveries/:deliveryId',
    {
      config: { access: 'destinations:read' },
      schema: {
        tags,
        params: DeliveryParamsSchema,
        response: { 200: DeliveryDetailSchema, ...ERROR_RESPONSES },
      },
    },
    async (request) =>
      destinations.delivery(workspaceOf(request), request.params.id, request.params.deliveryId),
  );

  app.post(
    '/api/v1/destinations/:id/replay',
    {
      config: { access: 'destinations:write' },
      schema: {
        tags,
        params: IdParamsSchema,
        body: ReplayRequestSchema,
        response: { 200: ReplayResultSchema, ...ERROR_RESPONSES },
      },
    },
    async (request) => destinations.replay(workspaceOf(request), request.params.id, request.body),
  );

  app.post(
    '/api/v1/destinations/:id/test',
    {
      config: { access: 'destinations:write' },
      schema: {
        tags,
        params: IdParamsSchema,
        body: DestinationTestRequestSchema,
        response: { 200: DestinationTestResultSchema, ...ERROR_RESPONSES },
      },
    },
    async (request) => destinations.test(workspaceOf(request), request.params.id, request.body),
  );
}
