import {
  AudienceMemberSchema,
  AudiencePreviewRequestSchema,
  AudiencePreviewSchema,
  AudienceSchema,
  CreateAudienceSchema,
  PageQuerySchema,
  pageOf,
  UpdateAudienceSchema,
} from '@tandem/contract';
import type { Engine } from '@tandem/engine';
import { requirePrincipal } from '../auth/authenticate.js';
import { valueOrUnprocessable } from '../http/result-or-throw.js';
import { type App, ERROR_RESPONSES, IdParamsSchema, NoContentSchema } from '../http/route-schemas.js';

const RESPONSES = { ...ERROR_RESPONSES, 422: ERROR_RESPONSES[400] };

/** Audiences: CRUD, members and a preview of a rule. */
export async function audiencesRoutes(app: App, options: { engine: Engine }) {
  const { audiences } = options.engine;
  const tags = ['Audiences'];
  const workspaceOf = (request: { principal: Parameters<typeof requirePrincipal>[0] }) =>
    requirePrincipal(request.principal).workspaceId;

  app.post(
    '/api/v1/audiences',
    {
      config: { access: 'audiences:write' },
      schema: { tags, body: CreateAudienceSchema, response: { 201: AudienceSchema, ...RESPONSES } },
    },
    async (request, reply) =>
      reply.code(201).send(valueOrUnprocessable(await audiences.create(workspaceOf(request), request.body))),
  );

  app.get(
    '/api/v1/audiences',
    {
      config: { access: 'audiences:read' },
      schema: {
        tags,
        querystring: PageQuerySchema,
        response: { 200: pageOf(AudienceSchema), ...RESPONSES },
      },
    },
    async (request) => {
      const page = await audiences.list(workspaceOf(request), request.query);
      return { ...page, data: await audiences.withMemberCounts(workspaceOf(request), page.data) };
    },
  );

  app.post(
    '/api/v1/audiences/preview',
    {
      config: { access: 'audiences:read' },
      schema: {
        tags,
        body: AudiencePreviewRequestSchema,
        response: { 200: AudiencePreviewSchema, ...RESPONSES },
      },
    },
    async (request) =>
      valueOrUnprocessable(
        await audiences.preview(
          workspaceOf(request),
          request.body.rule,
          request.body.requiredPurpose ?? null,
        ),
      ),
  );

  app.get(
    '/api/v1/audiences/:id',
    {
      config: { access: 'audiences:read' },
      schema: { tags, params: IdParamsSchema, response: { 200: AudienceSchema, ...RESPONSES } },
    },
    async (request) => {
      const audience = await audiences.get(workspaceOf(request), request.params.id);
      const [counted] = await audiences.withMemberCounts(workspaceOf(request), [audience]);
      return counted ?? audience;
    },
  );

  app.patch(
    '/api/v1/audiences/:id',
    {
      config: { access: 'audiences:write' },
      schema: {
        tags,
        params: IdParamsSchema,
        body: UpdateAudienceSchema,
        response: { 200: AudienceSchema, ...RESPONSES },
      },
    },
    async (request) =>
      valueOrUnprocessable(await audiences.update(workspaceOf(request), request.params.id, request.body)),
  );

  app.delete(
    '/api/v1/audiences/:id',
    {
      config: { access: 'audiences:write' },
      schema: { tags, params: IdParamsSchema, response: { 204: NoContentSchema, ...RESPONSES } },
    },
    async (request, reply) => {
      await audiences.delete(workspaceOf(request), request.params.id);
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/api/v1/audiences/:id/members',
    {
      config: { access: 'audiences:read' },
      schema: {
        tags,
        params: IdParamsSchema,
        querystring: PageQuerySchema,
        response: { 200: pageOf(AudienceMemberSchema), ...RESPONSES },
      },
    },
    async (request) => audiences.members(workspaceOf(request), request.params.id, request.query),
  );
}
