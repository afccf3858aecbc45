import {
  ComputedTraitPreviewRequestSchema,
  ComputedTraitPreviewSchema,
  ComputedTraitSchema,
  CreateComputedTraitSchema,
  PageQuerySchema,
  pageOf,
  UpdateComputedTraitSchema,
} from '@tandem/contract';
import type { Engine } from '@tandem/engine';
import { requirePrincipal } from '../auth/authenticate.js';
import { valueOrUnprocessable } from '../http/result-or-throw.js';
import { type App, ERROR_RESPONSES, IdParamsSchema, NoContentSchema } from '../http/route-schemas.js';

const RESPONSES = { ...ERROR_RESPONSES, 422: ERROR_RESPONSES[400] };

/** Computed traits CRUD; creating or editing one backfills it from the log. */
export async function computedTraitsRoutes(app: App, options: { engine: Engine }) {
  const { computedTraits } = options.engine;
  const tags = ['Computed traits'];
  const workspaceOf = (request: { principal: Parameters<typeof requirePrincipal>[0] }) =>
    requirePrincipal(request.principal).workspaceId;

  app.post(
    '/api/v1/computed-traits',
    {
      config: { access: 'audiences:write' },
      schema: { tags, body: CreateComputedTraitSchema, response: { 201: ComputedTraitSchema, ...RESPONSES } },
    },
    async (request, reply) =>
      reply
        .code(201)
        .send(valueOrUnprocessable(await computedTraits.create(workspaceOf(request), request.body))),
  );

  app.get(
    '/api/v1/computed-traits',
    {
      config: { access: 'audiences:read' },
      schema: {
        tags,
        querystring: PageQuerySchema,
        response: { 200: pageOf(ComputedTraitSchema), ...RESPONSES },
      },
    },
    async (request) => computedTraits.list(workspaceOf(request), request.query),
  );

  app.post(
    '/api/v1/computed-traits/preview',
    {
      config: { access: 'audiences:read' },
      schema: {
        tags,
        body: ComputedTraitPreviewRequestSchema,
        response: { 200: ComputedTraitPreviewSchema, ...RESPONSES },
      },
    },
    async (request) =>
      valueOrUnprocessable(await computedTraits.preview(workspaceOf(request), request.body.definition)),
  );

  app.get(
    '/api/v1/computed-traits/:id',
    {
      config: { access: 'audiences:read' },
      schema: { tags, params: IdParamsSchema, response: { 200: ComputedTraitSchema, ...RESPONSES } },
    },
    async (request) => computedTraits.get(workspaceOf(request), request.params.id),
  );

  app.patch(
    '/api/v1/computed-traits/:id',
    {
      config: { access: 'audiences:write' },
      schema: {
        tags,
        params: IdParamsSchema,
        body: UpdateComputedTraitSchema,
        response: { 200: ComputedTraitSchema, ...RESPONSES },
      },
    },
    async (request) =>
      valueOrUnprocessable(
        await computedTraits.update(workspaceOf(request), request.params.id, request.body),
      ),
  );

  app.delete(
    '/api/v1/computed-traits/:id',
    {
      config: { access: 'audiences:write' },
      schema: { tags, params: IdParamsSchema, response: { 204: NoContentSchema, ...RESPONSES } },
    },
    async (request, reply) => {
      await computedTraits.delete(workspaceOf(request), request.params.id);
      return reply.code(204).send(null);
    },
  );
}
