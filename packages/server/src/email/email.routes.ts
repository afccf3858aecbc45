import {
  EmailPreviewRequestSchema,
  EmailPreviewSchema,
  EmailSettingsSchema,
  EmailTemplateInputSchema,
  EmailTemplateSchema,
  PageQuerySchema,
  pageOf,
  UpdateEmailSettingsSchema,
  UpdateEmailTemplateSchema,
} from '@tandem/contract';
import type { Engine } from '@tandem/engine';
import { CRM_ERROR_RESPONSES, crmCaller } from '../crm-people/crm-actor.js';
import { type App, IdParamsSchema, NoContentSchema } from '../http/route-schemas.js';

/**
 * Email templates (MJML + Liquid, checked on write: 422 naming `mjml`, `subject` or `text`),
 * their preview for a person, and the workspace's sending settings. Marketers
 * (`audiences:write`) write them; every reader of audiences reads them.
 */
export async function emailRoutes(app: App, options: { engine: Engine }) {
  const { emailTemplates, emailSettings } = options.engine;
  const tags = ['Email'];

  app.get(
    '/api/v1/email/templates',
    {
      config: { access: 'audiences:read' },
      schema: {
        tags,
        description: 'The templates, newest first.',
        querystring: PageQuerySchema,
        response: { 200: pageOf(EmailTemplateSchema), ...CRM_ERROR_RESPONSES },
      },
    },
    async (request) => emailTemplates.list(crmCaller(request).workspaceId, request.query),
  );

  app.post(
    '/api/v1/email/templates',
    {
      config: { access: 'audiences:write' },
      schema: {
        tags,
        description:
          'A template: MJML with Liquid in subject, body and text part. Liquid sees `traits`, `computedTraits`, `event`, `profile` {id, email}, `crm` {lifecycleStage, leadStatus, ownerId, fields}, `unsubscribe_url`, `preferences_url`.',
        body: EmailTemplateInputSchema,
        response: { 201: EmailTemplateSchema, ...CRM_ERROR_RESPONSES },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await emailTemplates.create(crmCaller(request).workspaceId, request.body)),
  );

  app.get(
    '/api/v1/email/templates/:id',
    {
      config: { access: 'audiences:read' },
      schema: {
        tags,
        params: IdParamsSchema,
        response: { 200: EmailTemplateSchema, ...CRM_ERROR_RESPONSES },
      },
    },
    async (request) => emailTemplates.get(crmCaller(request).workspaceId, request.params.id),
  );

  app.patch(
    '/api/v1/email/templates/:id',
    {
      config: { access: 'audiences:write' },
      schema: {
        tags,
        params: IdParamsSchema,
        body: UpdateEmailTemplateSchema,
        response: { 200: EmailTemplateSchema, ...CRM_ERROR_RESPONSES },
      },
    },
    async (request) => emailTemplates.update(crmCaller(request).workspaceId, request.params.id, request.body),
  );

  app.delete(
    '/api/v1/email/templates/:id',
    {
      config: { access: 'audiences:write' },
      schema: { tags, params: IdParamsSchema, response: { 204: NoContentSchema, ...CRM_ERROR_RESPONSES } },
    },
    async (request, reply) => {
      await emailTemplates.delete(crmCaller(request).workspaceId, request.params.id);
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/api/v1/email/templates/:id/preview',
    {
      config: { access: 'audiences:read' },
      schema: {
        tags,
        description:
          'Renders the template for a person (or nobody) and a sample triggering event; the unsubscribe and preferences links show as their markers.',
        params: IdParamsSchema,
        body: EmailPreviewRequestSchema,
        response: { 200: EmailPreviewSchema, ...CRM_ERROR_RESPONSES },
      },
    },
    async (request) =>
      emailTemplates.preview(crmCaller(request).workspaceId, request.params.id, request.body),
  );

  app.get(
    '/api/v1/email/settings',
    {
      config: { access: 'audiences:read' },
      schema: { tags, response: { 200: EmailSettingsSchema, ...CRM_ERROR_RESPONSES } },
    },
    async (request) => emailSettings.get(crmCaller(request).workspaceId),
  );

  app.put(
    '/api/v1/email/settings',
    {
      config: { access: 'audiences:write' },
      schema: {
        tags,
        description:
          'The default sender, the rate (emails per second) and the cap per sliding hour; null: no limit.',
        body: UpdateEmailSettingsSchema,
        response: { 200: EmailSettingsSchema, ...CRM_ERROR_RESPONSES },
      },
    },
    async (request) => emailSettings.update(crmCaller(request).workspaceId, request.body),
  );
}
