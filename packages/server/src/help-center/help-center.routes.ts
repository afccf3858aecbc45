import {
  HelpArticleQuerySchema,
  HelpArticleSchema,
  HelpCategorySchema,
  HelpCenterSiteSchema,
  NewHelpArticleSchema,
  NewHelpCategorySchema,
  pageOf,
  RenderMarkdownSchema,
  UpdateHelpArticleSchema,
  UpdateHelpCategorySchema,
} from '@tandem/contract';
import { type Engine, renderMarkdown } from '@tandem/engine';
import { z } from 'zod';
import { CRM_ERROR_RESPONSES, crmCaller } from '../crm-people/crm-actor.js';
import { type App, IdParamsSchema, NoContentSchema } from '../http/route-schemas.js';

/** Help center admin API: the desk reads articles (`crm:read`), support edits them (`tickets:write`). */
export async function helpCenterRoutes(app: App, options: { engine: Engine }) {
  const { helpArticles } = options.engine;
  const tags = ['Help center'];
  const base = '/api/v1/help-center';

  app.get(
    `${base}/site`,
    {
      config: { access: 'crm:read' },
      schema: {
        tags,
        summary: 'The public help center’s address and key',
        response: { 200: HelpCenterSiteSchema, ...CRM_ERROR_RESPONSES },
      },
    },
    async (request) => helpArticles.site(crmCaller(request).workspaceId),
  );

  app.post(
    `${base}/preview`,
    {
      config: { access: 'crm:read' },
      schema: {
        tags,
        summary: 'Markdown rendered as the public page shows it (HTML escaped, safe subset)',
        body: RenderMarkdownSchema,
        response: { 200: z.object({ html: z.string() }), ...CRM_ERROR_RESPONSES },
      },
    },
    async (request) => ({ html: renderMarkdown(request.body.markdown) }),
  );

  // --- categories ---
  app.get(
    `${base}/categories`,
    {
      config: { access: 'crm:read' },
      schema: { tags, response: { 200: pageOf(HelpCategorySchema), ...CRM_ERROR_RESPONSES } },
    },
    async (request) => ({
      data: await helpArticles.categories(crmCaller(request).workspaceId),
      nextCursor: null,
    }),
  );

  app.post(
    `${base}/categories`,
    {
      config: { access: 'tickets:write' },
      schema: {
        tags,
        body: NewHelpCategorySchema,
        response: { 201: HelpCategorySchema, ...CRM_ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      const { workspaceId, actorId } = crmCaller(request);
      return reply.code(201).send(await helpArticles.createCategory(workspaceId, request.body, actorId));
    },
  );

  app.patch(
    `${base}/categories/:id`,
    {
      config: { access: 'tickets:write' },
      schema: {
        tags,
        params: IdParamsSchema,
        body: UpdateHelpCategorySchema,
        response: { 200: HelpCategorySchema, ...CRM_ERROR_RESPONSES },
      },
    },
    async (request) => {
      const { workspaceId, actorId } = crmCaller(request);
      return helpArticles.updateCategory(workspaceId, request.params.id, request.body, actorId);
    },
  );

  app.delete(
    `${base}/categories/:id`,
    {
      config: { access: 'tickets:write' },
      schema: {
        tags,
        summary: 'Removes a category; its articles stay, uncategorised',
        params: IdParamsSchema,
        response: { 204: NoContentSchema, ...CRM_ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      const { workspaceId, actorId } = crmCaller(request);
      await helpArticles.deleteCategory(workspaceId, request.params.id, actorId);
      return reply.code(204).send(null);
    },
  );

  // --- articles ---
  app.get(
    `${base}/articles`,
    {
      config: { access: 'crm:read' },
      schema: {
        tags,
        summary: 'Articles, by title; `q` searches title and body',
        querystring: HelpArticleQuerySchema,
        response: { 200: pageOf(HelpArticleSchema), ...CRM_ERROR_RESPONSES },
      },
    },
    async (request) => ({
      data: await helpArticles.list(crmCaller(request).workspaceId, request.query),
      nextCursor: null,
    }),
  );

  app.get(
    `${base}/articles/:id`,
    {
      config: { access: 'crm:read' },
      schema: { tags, params: IdParamsSchema, response: { 200: HelpArticleSchema, ...CRM_ERROR_RESPONSES } },
    },
    async (request) => helpArticles.get(crmCaller(request).workspaceId, request.params.id),
  );

  app.post(
    `${base}/articles`,
    {
      config: { access: 'tickets:write' },
      schema: {
        tags,
        body: NewHelpArticleSchema,
        response: { 201: HelpArticleSchema, ...CRM_ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      const { workspaceId, actorId } = crmCaller(request);
      return reply.code(201).send(await helpArticles.create(workspaceId, request.body, actorId));
    },
  );

  app.patch(
    `${base}/articles/:id`,
    {
      config: { access: 'tickets:write' },
      schema: {
        tags,
        params: IdParamsSchema,
        body: UpdateHelpArticleSchema,
        response: { 200: HelpArticleSchema, ...CRM_ERROR_RESPONSES },
      },
    },
    async (request) => {
      const { workspaceId, actorId } = crmCaller(request);
      return helpArticles.update(workspaceId, request.params.id, request.body, actorId);
    },
  );

  app.delete(
    `${base}/articles/:id`,
    {
      config: { access: 'tickets:write' },
      schema: { tags, params: IdParamsSchema, response: { 204: NoContentSchema, ...CRM_ERROR_RESPONSES } },
    },
    async (request, reply) => {
      const { workspaceId, actorId } = crmCaller(request);
      await helpArticles.delete(workspaceId, request.params.id, actorId);
      return reply.code(204).send(null);
    },
  );
}
