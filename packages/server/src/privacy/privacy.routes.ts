import {
  BulkPrivacyRequestResultSchema,
  BulkPrivacyRequestSchema,
  CreatePrivacyRequestSchema,
  ErrorBodySchema,
  PrivacyRequestSchema,
  PrivacyRequestsQuerySchema,
  pageOf,
  ScopedDeletionResultSchema,
  ScopedDeletionSchema,
} from '@tandem/contract';
import type { Engine } from '@tandem/engine';
import { z } from 'zod';
import { crmCaller } from '../crm-people/crm-actor.js';
import { type App, ERROR_RESPONSES, IdParamsSchema } from '../http/route-schemas.js';

const DownloadParamsSchema = z.object({ token: z.string().min(20).max(100) });
const DownloadQuerySchema = z.object({ format: z.enum(['json', 'html']).default('json') });

/**
 * Privacy requests (a privacy officer's: `privacy:manage`): delete, suppress, unsuppress, export
 * or anonymize a person, one or in bulk; deletion of events by scope; and the export's download,
 * opened by its unguessable token alone (it can be handed to the person).
 */
export async function privacyRoutes(app: App, options: { engine: Engine }) {
  const { privacy } = options.engine;
  const tags = ['Privacy'];

  app.post(
    '/api/v1/privacy/requests',
    {
      config: { access: 'privacy:manage' },
      schema: {
        tags,
        body: CreatePrivacyRequestSchema,
        response: { 202: PrivacyRequestSchema, ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      const { workspaceId, actorId } = crmCaller(request);
      return reply.code(202).send(await privacy.create(workspaceId, request.body, actorId));
    },
  );

  app.post(
    '/api/v1/privacy/requests/bulk',
    {
      config: { access: 'privacy:manage' },
      // 5,000 identifiers of up to 500 characters.
      bodyLimit: 4 * 1024 * 1024,
      schema: {
        tags,
        body: BulkPrivacyRequestSchema,
        response: { 202: BulkPrivacyRequestResultSchema, ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      const { workspaceId, actorId } = crmCaller(request);
      return reply.code(202).send({ data: await privacy.bulk(workspaceId, request.body, actorId) });
    },
  );

  app.get(
    '/api/v1/privacy/requests',
    {
      config: { access: 'privacy:manage' },
      schema: {
        tags,
        querystring: PrivacyRequestsQuerySchema,
        response: { 200: pageOf(PrivacyRequestSchema), ...ERROR_RESPONSES },
      },
    },
    async (request) => privacy.list(crmCaller(request).workspaceId, request.query),
  );

  app.get(
    '/api/v1/privacy/requests/:id',
    {
      config: { access: 'privacy:manage' },
      schema: { tags, params: IdParamsSchema, response: { 200: PrivacyRequestSchema, ...ERROR_RESPONSES } },
    },
    async (request) => privacy.get(crmCaller(request).workspaceId, request.params.id),
  );

  app.post(
    '/api/v1/privacy/deletions',
    {
      config: { access: 'privacy:manage' },
      schema: {
        tags,
        body: ScopedDeletionSchema,
        response: { 200: ScopedDeletionResultSchema, ...ERROR_RESPONSES },
      },
    },
    async (request) => privacy.deleteInScope(crmCaller(request).workspaceId, request.body),
  );

  app.get(
    '/api/v1/privacy/exports/:token',
    {
      config: { access: 'public' },
      schema: {
        tags,
        params: DownloadParamsSchema,
        querystring: DownloadQuerySchema,
        // A buffer skips the response serializer; the schema only documents the body.
        response: {
          200: z.string().describe('The export (JSON or HTML)'),
          400: ErrorBodySchema,
          404: ErrorBodySchema,
        },
      },
    },
    async (request, reply) => {
      const { format } = request.query;
      const body = await privacy.download(request.params.token, format);
      return (
        reply
          .header('content-type', format === 'json' ? 'application/json' : 'text/html; charset=utf-8')
          .header('content-disposition', `attachment; filename="personal-data.${format}"`)
          .header('cache-control', 'no-store')
          // A buffer: the body as it is, not serialized again as a JSON string.
          .send(Buffer.from(body) as unknown as string)
      );
    },
  );
}
