import {
  CreateDestinationSchema,
  DeliveryDetailSchema,
  DeliveryListQuerySchema,
  DeliverySchema,
  DestinationSchema,
  DestinationTestRequestSchema,
  DestinationTestResultSchema,
  type ErrorDetail,
  hasFullSync,
  MappingTestRequestSchema,
  MappingTestResultSchema,
  PageQuerySchema,
  pageOf,
  ReplayRequestSchema,
  ReplayResultSchema,
  type Subscription,
  UpdateDestinationSchema,
} from '@tandem/contract';
import type { Engine, Result } from '@tandem/engine';
import type { FastifyBaseLogger } from 'fastify';
import { z } from 'zod';
import { requirePrincipal } from '../auth/authenticate.js';
import { valueOrBadRequest, valueOrUnprocessable } from '../http/result-or-throw.js';
import { type App, ERROR_RESPONSES, IdParamsSchema, NoContentSchema } from '../http/route-schemas.js';

const DeliveryParamsSchema = z.object({ id: z.string().min(1), deliveryId: z.string().min(1) });
/** A definition naming what the workspace lacks (a consent purpose) answers 422, as audiences do. */
const DEFINITION_RESPONSES = { ...ERROR_RESPONSES, 422: ERROR_RESPONSES[400] };

type Refusal = { readonly code: 'validation_failed' | 'unprocessable'; readonly details: ErrorDetail[] };

/** The destination, or its refusal: 400 when malformed, 422 when it names what does not exist. */
function definitionOrThrow<T>(result: Result<T, Refusal>): T {
  if (result.ok) return result.value;
  const refused = { ok: false as const, error: result.error.details };
  return result.error.code === 'unprocessable' ? valueOrUnprocessable(refused) : valueOrBadRequest(refused);
}

/** Audiences subscribed in `after` and not in `before`. */
function addedAudiences(before: readonly Subscription[], after: readonly Subscription[]): string[] {
  const audienceIds = (subscriptions: readonly Subscription[]) =>
    subscriptions.flatMap((s) => (s.kind === 'audience' ? [s.audienceId] : []));
  const had = new Set(audienceIds(before));
  return audienceIds(after).filter((id) => !had.has(id));
}

/** Destinations: CRUD, the delivery log, replays and test sends. Secrets are never answered. */
export async function destinationsRoutes(app: App, options: { engine: Engine }) {
  const { destinations } = options.engine;
  const tags = ['Destinations'];
  const workspaceOf = (request: { principal: Parameters<typeof requirePrincipal>[0] }) =>
    requirePrincipal(request.principal).workspaceId;
  // A full sync in the background: it may take long, and deliveries follow either way. Its
  // outcome shows when someone runs it from the destination's page (`POST …/sync`).
  const syncInBackground = (log: FastifyBaseLogger, workspaceId: string, destinationId: string) => {
    options.engine.syncDestination(workspaceId, destinationId).catch((error: unknown) => {
      log.warn({ err: error, destinationId }, 'destination sync failed');
    });
  };

  app.post(
    '/api/v1/destinations',
    {
      config: { access: 'destinations:write' },
      schema: {
        tags,
        body: CreateDestinationSchema,
        response: { 201: DestinationSchema, ...DEFINITION_RESPONSES },
      },
    },
    async (request, reply) => {
      const workspaceId = workspaceOf(request);
      const created = definitionOrThrow(await destinations.create(workspaceId, request.body));
      // A destination that keeps state starts from everything known so far; deliveries follow.
      if (hasFullSync(created.type)) syncInBackground(request.log, workspaceId, created.id);
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
        response: { 200: DestinationSchema, ...DEFINITION_RESPONSES },
      },
    },
    async (request) => {
      const workspaceId = workspaceOf(request);
      const { id } = request.params;
      const before = request.body.subscriptions ? await destinations.get(workspaceId, id) : undefined;
      const updated = definitionOrThrow(await destinations.update(workspaceId, id, request.body));
      // Newly subscribed audiences' members so far are written at once: deliveries bring only
      // their later entries and exits.
      if (
        before &&
        hasFullSync(updated.type) &&
        addedAudiences(before.subscriptions, updated.subscriptions).length > 0
      )
        syncInBackground(request.log, workspaceId, id);
      return updated;
    },
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
      // The body carries the person: masked for roles without pii:read, as their profile is.
      config: { access: 'destinations:read', personalData: 'deliveryDetail' },
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
