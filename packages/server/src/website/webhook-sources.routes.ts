import {
  ErrorBodySchema,
  PutWebhookSourceSchema,
  roleAllows,
  TestWebhookMappingSchema,
  TrackingResponseSchema,
  WebhookMappingResultSchema,
  WebhookPresetInfoSchema,
  type WebhookSource,
  WebhookSourceSchema,
} from '@tandem/contract';
import { AppError, type Engine, type Principal } from '@tandem/engine';
import { z } from 'zod';
import { requirePrincipal } from '../auth/authenticate.js';
import { AnswerDeadline } from '../http/answer-deadline.js';
import { type App, ERROR_RESPONSES, IdParamsSchema } from '../http/route-schemas.js';

/** A webhook payload may be large (an order with many line items), within reason. */
const MAX_WEBHOOK_BYTES = 512 * 1024;

/** Webhook sources: their mapping (admin API) and the inbound URL other systems post to. */
export async function webhookSourcesRoutes(app: App, options: { engine: Engine; answerWithinMs: number }) {
  const { webhookSources } = options.engine;
  // As the Tracking API: a sender whose calls are not stored in time hears 503, never silence.
  const deadline = new AnswerDeadline(
    options.answerWithinMs,
    `The webhook was not stored within ${options.answerWithinMs / 1000} s; send it again`,
  );
  const tags = ['Sources'];

  app.get(
    '/api/v1/webhook-presets',
    {
      config: { access: 'sources:read' },
      schema: {
        tags,
        summary: 'Ready-made webhook mappings (Shopify orders, Stripe charges) with sample payloads',
        response: { 200: z.object({ data: z.array(WebhookPresetInfoSchema) }), ...ERROR_RESPONSES },
      },
    },
    async () => ({ data: webhookSources.presets() }),
  );

  app.get(
    '/api/v1/sources/:id/webhook',
    {
      config: { access: 'sources:read' },
      schema: { tags, params: IdParamsSchema, response: { 200: WebhookSourceSchema, ...ERROR_RESPONSES } },
    },
    async (request) => {
      const principal = requirePrincipal(request.principal);
      return asSeenBy(principal, await webhookSources.get(principal.workspaceId, request.params.id));
    },
  );

  app.put(
    '/api/v1/sources/:id/webhook',
    {
      config: { access: 'sources:write' },
      schema: {
        tags,
        summary: "Set a webhook source's mapping (a preset or JSONata) and signature check",
        params: IdParamsSchema,
        body: PutWebhookSourceSchema,
        response: { 200: WebhookSourceSchema, ...ERROR_RESPONSES },
      },
    },
    async (request) =>
      webhookSources.put(requirePrincipal(request.principal).workspaceId, request.params.id, request.body),
  );

  app.post(
    '/api/v1/sources/:id/webhook/test',
    {
      config: { access: 'sources:write' },
      schema: {
        tags,
        summary: 'The calls a mapping gives for a sample payload (nothing is stored)',
        params: IdParamsSchema,
        body: TestWebhookMappingSchema,
        response: { 200: WebhookMappingResultSchema, ...ERROR_RESPONSES },
      },
    },
    async (request) =>
      webhookSources.test(requirePrincipal(request.principal).workspaceId, request.params.id, request.body),
  );

  // Senders post JSON with whatever Content-Type they like; the raw bytes are kept for signatures.
  await app.register(async (inbound: App) => {
    inbound.removeAllContentTypeParsers();
    inbound.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
    inbound.post(
      '/v1/webhooks/:token',
      {
        config: { access: 'public' },
        bodyLimit: MAX_WEBHOOK_BYTES,
        schema: {
          tags: ['Tracking'],
          summary: 'Inbound webhook of a webhook source: any JSON, mapped to Segment calls',
          security: [],
          params: z.object({ token: z.string().min(1).max(200) }),
          response: {
            200: TrackingResponseSchema,
            400: ErrorBodySchema,
            401: ErrorBodySchema,
            404: ErrorBodySchema,
            413: ErrorBodySchema,
            429: ErrorBodySchema,
            503: ErrorBodySchema,
          },
        },
      },
      async (request, reply) =>
        deadline.run(reply, async () => {
          const headers: Record<string, string> = {};
          for (const [name, value] of Object.entries(request.headers)) {
            if (typeof value === 'string') headers[name] = value;
          }
          const userAgent = request.headers['user-agent'];
          const result = await webhookSources.receive({
            token: request.params.token,
            body: Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0),
            headers,
            request: { ip: request.ip, userAgent: typeof userAgent === 'string' ? userAgent : undefined },
          });
          // Nothing stored and something refused: the sender hears why (and may retry after a fix).
          if (result.calls > 0 && result.rejected.length === result.calls) {
            throw new AppError(
              'validation_failed',
              `The mapping gave no valid call: ${result.rejected[0]?.message}`,
              {
                details: result.rejected.map((r) => ({
                  path: `calls.${r.index}`,
                  message: `${r.code}: ${r.message}`,
                })),
              },
            );
          }
          return result.rejected.length > 0
            ? { success: true as const, rejected: result.rejected }
            : { success: true as const };
        }),
    );
  });
}

/** The inbound URL is a credential (whoever has it writes events): only source writers see it. */
function asSeenBy(principal: Principal, source: WebhookSource): WebhookSource {
  if (roleAllows(principal.role, 'sources:write')) return source;
  return { ...source, inboundPath: '' };
}
