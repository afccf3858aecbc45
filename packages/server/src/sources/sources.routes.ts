import {
  CreateSourceSchema,
  PageQuerySchema,
  pageOf,
  roleAllows,
  type Source,
  SourceSchema,
  UpdateSourceSchema,
} from '@tandem/contract';
import type { Engine, Principal } from '@tandem/engine';
import { requirePrincipal } from '../auth/authenticate.js';
import { type App, ERROR_RESPONSES, IdParamsSchema, NoContentSchema } from '../http/route-schemas.js';

/** Sources CRUD: each source has a write key for the Tracking API. */
export async function sourcesRoutes(app: App, options: { engine: Engine }) {
  const { sources } = options.engine;
  const tags = ['Sources'];

  app.post(
    '/api/v1/sources',
    {
      config: { access: 'sources:write' },
      schema: { tags, body: CreateSourceSchema, response: { 201: SourceSchema, ...ERROR_RESPONSES } },
    },
    async (request, reply) => {
      const workspaceId = requirePrincipal(request.principal).workspaceId;
      return reply.code(201).send(await sources.create(workspaceId, request.body));
    },
  );

  app.get(
    '/api/v1/sources',
    {
      config: { access: 'sources:read' },
      schema: {
        tags,
        querystring: PageQuerySchema,
        response: { 200: pageOf(SourceSchema), ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const principal = requirePrincipal(request.principal);
      const page = await sources.list(principal.workspaceId, request.query);
      return { ...page, data: page.data.map((source) => asSeenBy(principal, source)) };
    },
  );

  app.get(
    '/api/v1/sources/:id',
    {
      config: { access: 'sources:read' },
      schema: { tags, params: IdParamsSchema, response: { 200: SourceSchema, ...ERROR_RESPONSES } },
    },
    async (request) => {
      const principal = requirePrincipal(request.principal);
      return asSeenBy(principal, await sources.get(principal.workspaceId, request.params.id));
    },
  );

  app.patch(
    '/api/v1/sources/:id',
    {
      config: { access: 'sources:write' },
      schema: {
        tags,
        params: IdParamsSchema,
        body: UpdateSourceSchema,
        response: { 200: SourceSchema, ...ERROR_RESPONSES },
      },
    },
    async (request) =>
      sources.rename(requirePrincipal(request.principal).workspaceId, request.params.id, request.body.name),
  );

  app.delete(
    '/api/v1/sources/:id',
    {
      config: { access: 'sources:write' },
      schema: { tags, params: IdParamsSchema, response: { 204: NoContentSchema, ...ERROR_RESPONSES } },
    },
    async (request, reply) => {
      await sources.remove(requirePrincipal(request.principal).workspaceId, request.params.id);
      return reply.code(204).send(null);
    },
  );
}

/** A write key lets its holder write any event under any identity: only source writers see it. */
function asSeenBy(principal: Principal, source: Source): Source {
  if (roleAllows(principal.role, 'sources:write')) return source;
  const { writeKey: _hidden, ...rest } = source;
  return rest;
}
