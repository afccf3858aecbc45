import { z } from 'zod';

// The website loop: what the personalization API may expose, its answer, and webhook sources.

const NameSchema = z.string().trim().min(1).max(200);

/** What `GET /v1/personalize` may show a browser; everything else stays private. */
export const PersonalizationSettingsSchema = z
  .object({
    traits: z.array(NameSchema).max(200).describe('Trait names exposed as they are stored'),
    computedTraits: z.array(NameSchema).max(200).describe('Computed-trait names exposed'),
    audiences: z
      .array(z.string().min(1).max(100))
      .max(200)
      .describe('Audience ids whose membership is exposed'),
  })
  .meta({ id: 'PersonalizationSettings' });
export type PersonalizationSettings = z.infer<typeof PersonalizationSettingsSchema>;

/** The personalization answer: only exposed fields; an unknown visitor gets the same shape, empty. */
export const PersonalizationAnswerSchema = z
  .object({
    traits: z.record(z.string(), z.unknown()),
    computedTraits: z.record(z.string(), z.unknown()),
    audiences: z.array(z.string()).describe('Names of the exposed audiences the visitor belongs to'),
  })
  .meta({ id: 'PersonalizationAnswer' });
export type PersonalizationAnswer = z.infer<typeof PersonalizationAnswerSchema>;

export const PersonalizeQuerySchema = z.object({
  anonymousId: z.string().min(1).max(200).optional(),
  userId: z.string().min(1).max(200).optional(),
});

/** Ready-made mappings for webhooks whose payloads are documented by their senders. */
export const WEBHOOK_PRESETS = ['shopify-orders', 'stripe-charges'] as const;
export const WebhookPresetSchema = z.enum(WEBHOOK_PRESETS);
export type WebhookPreset = z.infer<typeof WebhookPresetSchema>;

/** Which sender's signature header is checked when a signing secret is set. */
export const WebhookSignatureSchema = z.enum(['shopify', 'stripe']);
export type WebhookSignature = z.infer<typeof WebhookSignatureSchema>;

/** A JSONata expression of at most 20,000 characters. */
const MappingSchema = z.string().trim().min(1).max(20_000);

export const PutWebhookSourceSchema = z
  .object({
    preset: WebhookPresetSchema.optional().describe(
      'Start from this preset (its mapping unless `mapping` is given)',
    ),
    mapping: MappingSchema.optional().describe(
      'JSONata over the payload ($ = body, $headers = request headers) giving one Segment call or an array of them',
    ),
    signature: WebhookSignatureSchema.nullable().optional(),
    signingSecret: z.string().min(1).max(500).nullable().optional().describe('Never returned once set'),
  })
  .refine((body) => body.preset !== undefined || body.mapping !== undefined, {
    message: 'give a preset or a mapping',
    path: ['mapping'],
  });
export type PutWebhookSource = z.infer<typeof PutWebhookSourceSchema>;

export const WebhookSourceSchema = z
  .object({
    sourceId: z.string(),
    /** POST any JSON here; the path's token is the credential. */
    inboundPath: z.string(),
    preset: WebhookPresetSchema.nullable(),
    mapping: z.string(),
    signature: WebhookSignatureSchema.nullable(),
    hasSigningSecret: z.boolean(),
    updatedAt: z.string(),
  })
  .meta({ id: 'WebhookSource' });
export type WebhookSource = z.infer<typeof WebhookSourceSchema>;

export const TestWebhookMappingSchema = z.object({
  payload: z.unknown().describe('A sample body as the sender would POST it'),
  mapping: MappingSchema.optional().describe('Try this mapping instead of the stored one'),
  headers: z.record(z.string(), z.string()).optional(),
});

/** The calls a mapping produced, each checked as the Tracking API would check it. */
export const WebhookMappingResultSchema = z
  .object({
    calls: z.array(z.record(z.string(), z.unknown())),
    problems: z.array(z.object({ index: z.number().int(), code: z.string(), message: z.string() })),
  })
  .meta({ id: 'WebhookMappingResult' });
export type WebhookMappingResult = z.infer<typeof WebhookMappingResultSchema>;

export const WebhookPresetInfoSchema = z.object({
  id: WebhookPresetSchema,
  name: z.string(),
  mapping: z.string(),
  signature: WebhookSignatureSchema,
  samplePayload: z.unknown(),
});
