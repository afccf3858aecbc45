export { PRESETS, type PresetDefinition } from './presets.js';
export { STRIPE_TOLERANCE_SECONDS, signatureProblem } from './signatures.js';
export { MAPPING_TIMEOUT_MS, MAX_CALLS_PER_PAYLOAD } from './webhook-mapping.js';
export { type InboundWebhook, inboundPathOf, WebhookSourcesService } from './webhook-sources-service.js';
