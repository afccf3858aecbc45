import { NewWebFormSchema, WebFormSchema, WebFormSubmissionSchema } from '@tandem/contract';
import type { Engine } from '@tandem/engine';
import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import { LoginRateLimiter } from '../auth/login-rate-limiter.js';
import { CRM_ERROR_RESPONSES, crmCaller } from '../crm-people/crm-actor.js';
import { sendError } from '../http/error-handler.js';
import { type App, ERROR_RESPONSES, IdParamsSchema, NoContentSchema } from '../http/route-schemas.js';
import { webFormScript } from './web-form-script.js';

const FormKeyParamsSchema = z.object({ formKey: z.string().min(1).max(100) });
const SubmittedSchema = z.object({ ticketId: z.string(), number: z.number().int() });

/** Any website may post to a form: CORS is open on the public form routes, errors included. */
async function anyOrigin(_request: unknown, reply: FastifyReply) {
  reply.header('access-control-allow-origin', '*');
}

/**
 * Web forms: settings (a key per form, optionally a team) and the public side a website uses —
 * the embeddable script, the fill-time stamp, and the submission (honeypot, minimum fill time,
 * per-IP rate limit) that opens a ticket.
 */
export async function webFormsRoutes(
  app: App,
  options: { engine: Engine; submissionsPerWindow?: number | undefined },
) {
  const { webForms } = options.engine;
  const tags = ['Web forms'];
  const limiter = new LoginRateLimiter({ maxAttempts: options.submissionsPerWindow ?? 10, maxKeys: 10_000 });

  app.get(
    '/api/v1/web-forms',
    {
      config: { access: 'crm:read' },
      schema: { tags, response: { 200: z.object({ data: z.array(WebFormSchema) }), ...ERROR_RESPONSES } },
    },
    async (request) => ({ data: await webForms.list(crmCaller(request).workspaceId) }),
  );

  app.post(
    '/api/v1/web-forms',
    {
      config: { access: 'sources:write' },
      schema: { tags, body: NewWebFormSchema, response: { 201: WebFormSchema, ...CRM_ERROR_RESPONSES } },
    },
    async (request, reply) =>
      reply.code(201).send(await webForms.create(crmCaller(request).workspaceId, request.body)),
  );

  app.delete(
    '/api/v1/web-forms/:id',
    {
      config: { access: 'sources:write' },
      schema: { tags, params: IdParamsSchema, response: { 204: NoContentSchema, ...ERROR_RESPONSES } },
    },
    async (request, reply) => {
      await webForms.remove(crmCaller(request).workspaceId, request.params.id);
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/v1/forms/:formKey.js',
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary: 'The embeddable form: renders into <div data-tandem-form="KEY">',
        params: FormKeyParamsSchema,
      },
    },
    async (request, reply) => {
      await webForms.stamp(request.params.formKey); // 404 for an unknown key
      return reply
        .header('content-type', 'text/javascript; charset=utf-8')
        .header('access-control-allow-origin', '*')
        .header('cache-control', 'public, max-age=300')
        .send(webFormScript(request.params.formKey));
    },
  );

  app.get(
    '/v1/forms/:formKey/stamp',
    {
      config: { access: 'public' },
      onRequest: anyOrigin,
      schema: {
        tags,
        summary: 'A signed timestamp the form is rendered with (a submission must be a few seconds older)',
        params: FormKeyParamsSchema,
        response: { 200: z.object({ stamp: z.string() }), ...ERROR_RESPONSES },
      },
    },
    async (request, reply) =>
      reply.header('cache-control', 'no-store').send({ stamp: await webForms.stamp(request.params.formKey) }),
  );

  app.options(
    '/v1/forms/:formKey/tickets',
    { config: { access: 'public' }, schema: { hide: true } },
    async (_request, reply) =>
      reply
        .header('access-control-allow-origin', '*')
        .header('access-control-allow-methods', 'POST, OPTIONS')
        .header('access-control-allow-headers', 'content-type')
        .header('access-control-max-age', '86400')
        .code(204)
        .send(),
  );

  app.post(
    '/v1/forms/:formKey/tickets',
    {
      config: { access: 'public' },
      onRequest: anyOrigin,
      bodyLimit: 64 * 1024,
      schema: {
        tags,
        summary: 'A website visitor’s request: opens a ticket for the email (the person is found or created)',
        params: FormKeyParamsSchema,
        body: WebFormSubmissionSchema,
        response: { 201: SubmittedSchema, ...CRM_ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      const verdict = limiter.attempt(request.ip);
      if (!verdict.allowed)
        return sendError(reply, 'rate_limited', 'Too many submissions from this address; try again later', {
          retryAfterSeconds: verdict.retryAfterSeconds,
        });
      return reply.code(201).send(await webForms.submit(request.params.formKey, request.body));
    },
  );
}
