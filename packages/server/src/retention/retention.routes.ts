import {
  pageOf,
  RetentionPoliciesSchema,
  RetentionRunSchema,
  RetentionRunsQuerySchema,
} from '@tandem/contract';
import type { Engine } from '@tandem/engine';
import { requirePrincipal } from '../auth/authenticate.js';
import { type App, ERROR_RESPONSES } from '../http/route-schemas.js';

/** Retention policies of the caller's workspace, its runs' reports, and "run now". */
export async function retentionRoutes(app: App, options: { engine: Engine }) {
  const { retention } = options.engine;
  const tags = ['Retention'];

  app.get(
    '/api/v1/retention/policies',
    {
      config: { access: 'privacy:manage' },
      schema: { tags, response: { 200: RetentionPoliciesSchema, ...ERROR_RESPONSES } },
    },
    async (request) => retention.policies(requirePrincipal(request.principal).workspaceId),
  );

  app.put(
    '/api/v1/retention/policies',
    {
      config: { access: 'privacy:manage' },
      schema: {
        tags,
        summary: 'Replace the retention policies (days; null keeps that data forever)',
        body: RetentionPoliciesSchema,
        response: { 200: RetentionPoliciesSchema, ...ERROR_RESPONSES },
      },
    },
    async (request) => retention.setPolicies(requirePrincipal(request.principal).workspaceId, request.body),
  );

  app.get(
    '/api/v1/retention/runs',
    {
      config: { access: 'privacy:manage' },
      schema: {
        tags,
        summary: 'Retention runs, newest first: what each removed',
        querystring: RetentionRunsQuerySchema,
        response: { 200: pageOf(RetentionRunSchema), ...ERROR_RESPONSES },
      },
    },
    async (request) => retention.runs(requirePrincipal(request.principal).workspaceId, request.query),
  );

  app.post(
    '/api/v1/retention/runs',
    {
      config: { access: 'privacy:manage' },
      schema: {
        tags,
        summary: 'Run retention now; the run goes on in the background (follow it in the list)',
        response: { 202: RetentionRunSchema, ...ERROR_RESPONSES },
      },
    },
    async (request, reply) =>
      reply.code(202).send(await retention.start(requirePrincipal(request.principal).workspaceId)),
  );
}
