import {
  InboundEmailQuerySchema,
  InboundEmailSchema,
  MailboxListSchema,
  MailboxSchema,
  type MailChannelStatus,
  NewMailboxSchema,
  UpdateMailboxSchema,
} from '@tandem/contract';
import type { Engine } from '@tandem/engine';
import { z } from 'zod';
import { requirePrincipal } from '../auth/authenticate.js';
import type { Config } from '../config.js';
import { type App, ERROR_RESPONSES, IdParamsSchema, NoContentSchema } from '../http/route-schemas.js';

/**
 * Service desk mailboxes: addresses whose mail opens tickets (the SMTP listener takes it in).
 * The desk reads them; like sources, only those who manage what comes in change them.
 */
export async function mailboxesRoutes(app: App, options: { engine: Engine; config: Config }) {
  const { engine, config } = options;
  const tags = ['Mailboxes'];
  const channelStatus = (): MailChannelStatus =>
    engine.mailChannel?.state() ?? {
      listening: false,
      listenAddress: config.smtpListen ?? null,
      relayConfigured: config.smtpUrl !== undefined,
    };

  app.get(
    '/api/v1/mailboxes',
    {
      config: { access: 'crm:read' },
      schema: {
        tags,
        summary: 'The mailboxes, and whether this server listens for mail and can send replies',
        response: { 200: MailboxListSchema, ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const { workspaceId } = requirePrincipal(request.principal);
      return { data: await engine.mailboxes.list(workspaceId), channel: channelStatus() };
    },
  );

  app.get(
    '/api/v1/mailboxes/recent-mail',
    {
      config: { access: 'crm:read' },
      schema: {
        tags,
        summary: 'The latest emails the mailboxes took in: the ticket each joined, or why it was set aside',
        querystring: InboundEmailQuerySchema,
        response: { 200: z.object({ data: z.array(InboundEmailSchema) }), ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const { workspaceId } = requirePrincipal(request.principal);
      return { data: await engine.mailboxes.recentMail(workspaceId, request.query.limit) };
    },
  );

  app.get(
    '/api/v1/mailboxes/:id',
    {
      config: { access: 'crm:read' },
      schema: { tags, params: IdParamsSchema, response: { 200: MailboxSchema, ...ERROR_RESPONSES } },
    },
    async (request) => {
      const { workspaceId } = requirePrincipal(request.principal);
      return engine.mailboxes.get(workspaceId, request.params.id);
    },
  );

  app.post(
    '/api/v1/mailboxes',
    {
      config: { access: 'sources:write' },
      schema: {
        tags,
        summary: 'Add a mailbox: mail to its address opens tickets (for its team)',
        body: NewMailboxSchema,
        response: { 201: MailboxSchema, ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      const { workspaceId } = requirePrincipal(request.principal);
      return reply.code(201).send(await engine.mailboxes.create(workspaceId, request.body));
    },
  );

  app.patch(
    '/api/v1/mailboxes/:id',
    {
      config: { access: 'sources:write' },
      schema: {
        tags,
        params: IdParamsSchema,
        body: UpdateMailboxSchema,
        response: { 200: MailboxSchema, ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const { workspaceId } = requirePrincipal(request.principal);
      return engine.mailboxes.update(workspaceId, request.params.id, request.body);
    },
  );

  app.delete(
    '/api/v1/mailboxes/:id',
    {
      config: { access: 'sources:write' },
      schema: {
        tags,
        summary: 'Remove a mailbox: mail to its address is refused from then on',
        params: IdParamsSchema,
        response: { 204: NoContentSchema, ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      const { workspaceId } = requirePrincipal(request.principal);
      await engine.mailboxes.delete(workspaceId, request.params.id);
      return reply.code(204).send(null);
    },
  );
}
