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

/** The personalization answer: only exposed fields; an unknown visitor gets what one with nothing stored gets. */
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

/**
 * The install snippet for a page: Segment's documented analytics.js snippet (5.2.0) with
 * Tandem's URL in place of its CDN, `analytics._cdn` set (Segment's custom-proxy setting, which
 * also works over plain http), then tandem.js with the source's publishable key.
 */
export function installSnippet(options: {
  tandemUrl: string;
  writeKey: string;
  publishableKey?: string | undefined;
}) {
  const host = options.tandemUrl.replace(/\/+$/, '');
  const writeKey = JSON.stringify(options.writeKey);
  const lines = [
    '<script>',
    `  !function(){var i="analytics",analytics=window[i]=window[i]||[];if(!analytics.initialize)if(analytics.invoked)window.console&&console.error&&console.error("Segment snippet included twice.");else{analytics.invoked=!0;analytics.methods=["trackSubmit","trackClick","trackLink","trackForm","pageview","identify","reset","group","track","ready","alias","debug","page","screen","once","off","on","addSourceMiddleware","addIntegrationMiddleware","setAnonymousId","addDestinationMiddleware","register"];analytics.factory=function(e){return function(){if(window[i].initialized)return window[i][e].apply(window[i],arguments);var n=Array.prototype.slice.call(arguments);if(["track","screen","alias","group","page","identify"].indexOf(e)>-1){var c=document.querySelector("link[rel='canonical']");n.push({__t:"bpc",c:c&&c.getAttribute("href")||void 0,p:location.pathname,u:location.href,s:location.search,t:document.title,r:document.referrer})}n.unshift(e);analytics.push(n);return analytics}};for(var n=0;n<analytics.methods.length;n++){var key=analytics.methods[n];analytics[key]=analytics.factory(key)}analytics.load=function(key,n){var t=document.createElement("script");t.type="text/javascript";t.async=!0;t.setAttribute("data-global-segment-analytics-key",i);t.src="${host}/analytics.js/v1/" + key + "/analytics.min.js";var r=document.getElementsByTagName("script")[0];r.parentNode.insertBefore(t,r);analytics._loadOptions=n};analytics._cdn=${JSON.stringify(host)};analytics._writeKey=${writeKey};;analytics.SNIPPET_VERSION="5.2.0";`,
    `  analytics.load(${writeKey});`,
    '  analytics.page();',
    '  }}();',
    '</script>',
  ];
  if (options.publishableKey) {
    lines.push(
      // Until tandem.js arrives, tandem.profile() queues: the page may call it at once.
      '<script>window.tandem=window.tandem||{queued:[],profile:function(){var q=this.queued;return new Promise(function(resolve,reject){q.push([resolve,reject])})}};</script>',
      `<script async src="${host}/v1/tandem.js" data-publishable-key="${options.publishableKey}"></script>`,
    );
  }
  return lines.join('\n');
}
