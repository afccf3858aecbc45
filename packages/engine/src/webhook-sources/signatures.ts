import { createHmac, timingSafeEqual } from 'node:crypto';
import type { WebhookSignature } from '@tandem/contract';

/** Stripe's default tolerance between the signed timestamp and now (replays older are refused). */
export const STRIPE_TOLERANCE_SECONDS = 300;

/**
 * Whether a webhook body was signed with `secret` by its sender, or why not:
 * - Shopify: `X-Shopify-Hmac-Sha256` = base64 HMAC-SHA256 of the raw body;
 * - Stripe: `Stripe-Signature: t=<unix>,v1=<hex>`, the HMAC-SHA256 of `<t>.<raw body>`.
 */
export function signatureProblem(
  scheme: WebhookSignature,
  secret: string,
  body: Uint8Array,
  headers: Record<string, string>,
  nowMs = Date.now(),
): string | undefined {
  if (scheme === 'shopify') {
    const given = headers['x-shopify-hmac-sha256'];
    if (!given) return 'the X-Shopify-Hmac-Sha256 header is missing';
    const expected = createHmac('sha256', secret).update(body).digest('base64');
    return sameText(given, expected) ? undefined : 'the X-Shopify-Hmac-Sha256 signature does not match';
  }
  const header = headers['stripe-signature'];
  if (!header) return 'the Stripe-Signature header is missing';
  const parts = header.split(',').map((part) => part.split('=', 2) as [string, string | undefined]);
  const timestamp = parts.find(([key]) => key === 't')?.[1];
  const signatures = parts.filter(([key]) => key === 'v1').map(([, value]) => value ?? '');
  if (!timestamp || !/^\d+$/.test(timestamp) || signatures.length === 0) {
    return 'the Stripe-Signature header has no timestamp or no v1 signature';
  }
  if (Math.abs(nowMs / 1000 - Number(timestamp)) > STRIPE_TOLERANCE_SECONDS) {
    return `the Stripe-Signature timestamp is more than ${STRIPE_TOLERANCE_SECONDS} s away from now`;
  }
  const expected = createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest('hex');
  return signatures.some((given) => sameText(given, expected))
    ? undefined
    : 'the Stripe-Signature signature does not match';
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
