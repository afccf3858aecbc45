import {
  CreateSuppressionSchema,
  EmailTopicInputSchema,
  EmailTopicSchema,
  FrequencyCapSchema,
  PersonEmailPreferencesSchema,
  pageOf,
  SuppressionListQuerySchema,
  SuppressionPageSchema,
  SuppressionSchema,
  UpdateEmailSubscriptionsSchema,
  UpdateEmailTopicSchema,
} from '@tandem/contract';
import type { Engine, Principal } from '@tandem/engine';
import { z } from 'zod';
import { requirePrincipal } from '../auth/authenticate.js';
import { type App, ERROR_RESPONSES, IdParamsSchema, NoContentSchema } from '../http/route-schemas.js';

/**
 * Email preferences (issue 17): subscription topics, suppressed addresses and the frequency
 * cap (marketers: `audiences:*`), and a person's subscriptions (whoever may edit profiles).
 */
export async function emailPreferencesRoutes(app: App, options: { engine: Engine }) {
  const preferences = options.engine.emailPreferences;
  const tags = ['Email preferences'];
  const workspaceOf = (request: { principal: Principal | undefined }) =>
    requirePrincipal(request.principal).workspaceId;

  app.get(
    '/api/v1/email/topics',
    {
      config: { access: 'audiences:read' },
      schema: { tags, response: { 200: pageOf(EmailTopicSchema), ...ERROR_RESPONSES } },
    },
    async (request) => ({ data: await preferences.listTopics(workspaceOf(request)), nextCursor: null }),
  );

  app.post(
    '/api/v1/email/topics',
    {
      config: { access: 'audiences:write' },
      schema: {
        tags,
        description: 'A subscription topic; `defaultSubscribed` true makes it opt-out, false opt-in.',
        body: EmailTopicInputSchema,
        response: { 201: EmailTopicSchema, ...ERROR_RESPONSES },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await preferences.createTopic(workspaceOf(request), request.body)),
  );

  app.get(
    '/api/v1/email/topics/:id',
    {
      config: { access: 'audiences:read' },
      schema: { tags, params: IdParamsSchema, response: { 200: EmailTopicSchema, ...ERROR_RESPONSES } },
    },
    async (request) => preferences.getTopic(workspaceOf(request), request.params.id),
  );

  app.patch(
    '/api/v1/email/topics/:id',
    {
      config: { access: 'audiences:write' },
      schema: {
        tags,
        params: IdParamsSchema,
        body: UpdateEmailTopicSchema,
        response: { 200: EmailTopicSchema, ...ERROR_RESPONSES },
      },
    },
    async (request) => preferences.updateTopic(workspaceOf(request), request.params.id, request.body),
  );

  app.delete(
    '/api/v1/email/topics/:id',
    {
      config: { access: 'audiences:write' },
      schema: { tags, params: IdParamsSchema, response: { 204: NoContentSchema, ...ERROR_RESPONSES } },
    },
    async (request, reply) => {
      await preferences.deleteTopic(workspaceOf(request), request.params.id);
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/api/v1/email/suppressions',
    {
      config: { access: 'audiences:read' },
      schema: {
        tags,
        description: 'Addresses that get no email at all (hard bounces, complaints, added by hand).',
        querystring: SuppressionListQuerySchema,
        response: { 200: SuppressionPageSchema, ...ERROR_RESPONSES },
      },
    },
    async (request) => preferences.listSuppressions(workspaceOf(request), request.query),
  );

  app.post(
    '/api/v1/email/suppressions',
    {
      config: { access: 'audiences:write' },
      schema: {
        tags,
        body: CreateSuppressionSchema,
        response: { 201: SuppressionSchema, ...ERROR_RESPONSES },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await preferences.suppress(workspaceOf(request), request.body)),
  );

  app.delete(
    '/api/v1/email/suppressions/:address',
    {
      config: { access: 'audiences:write' },
      schema: {
        tags,
        params: z.object({ address: z.string().min(1).max(320) }),
        response: { 204: NoContentSchema, ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      await preferences.unsuppress(workspaceOf(request), request.params.address);
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/api/v1/email/frequency-cap',
    {
      config: { access: 'audiences:read' },
      schema: { tags, response: { 200: FrequencyCapSchema, ...ERROR_RESPONSES } },
    },
    async (request) => preferences.frequencyCap(workspaceOf(request)),
  );

  app.put(
    '/api/v1/email/frequency-cap',
    {
      config: { access: 'audiences:write' },
      schema: {
        tags,
        description:
          'At most `max` marketing emails per person per `period` (e.g. 3 per 7d), whatever journey, broadcast or sequence sent them.',
        body: FrequencyCapSchema,
        response: { 200: FrequencyCapSchema, ...ERROR_RESPONSES },
      },
    },
    async (request) => preferences.setFrequencyCap(workspaceOf(request), request.body),
  );

  app.get(
    '/api/v1/profiles/:id/email-preferences',
    {
      config: { access: 'profiles:read' },
      schema: {
        tags,
        params: IdParamsSchema,
        response: { 200: PersonEmailPreferencesSchema, ...ERROR_RESPONSES },
      },
    },
    async (request) => preferences.personPreferences(workspaceOf(request), request.params.id),
  );

  app.put(
    '/api/v1/profiles/:id/email-preferences',
    {
      config: { access: 'profiles:write' },
      schema: {
        tags,
        description: 'Changes a person’s subscriptions on their behalf (kept in their history as `admin`).',
        params: IdParamsSchema,
        body: UpdateEmailSubscriptionsSchema,
        response: { 200: PersonEmailPreferencesSchema, ...ERROR_RESPONSES },
      },
    },
    async (request) =>
      preferences.saveForPerson(workspaceOf(request), request.params.id, request.body, 'admin'),
  );
}
