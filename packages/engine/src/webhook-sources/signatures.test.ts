import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signatureProblem } from './signatures.js';

const body = Buffer.from('{"id":"evt_1","type":"charge.succeeded"}');
const secret = 'whsec_test';
const now = 1_759_349_747_000;
const stripeSignature = (at: number, key = secret) =>
  createHmac('sha256', key).update(`${at}.`).update(body).digest('hex');

describe('webhook signatures', () => {
  it('accepts Shopify’s base64 HMAC of the raw body and refuses any other', () => {
    const good = createHmac('sha256', secret).update(body).digest('base64');
    expect(signatureProblem('shopify', secret, body, { 'x-shopify-hmac-sha256': good })).toBeUndefined();
    expect(signatureProblem('shopify', secret, body, {})).toMatch(/missing/);
    const other = createHmac('sha256', 'x').update(body).digest('base64');
    expect(signatureProblem('shopify', secret, body, { 'x-shopify-hmac-sha256': other })).toMatch(
      /does not match/,
    );
    // One byte changed in transit: refused.
    const tampered = Buffer.from(body.toString().replace('evt_1', 'evt_2'));
    expect(signatureProblem('shopify', secret, tampered, { 'x-shopify-hmac-sha256': good })).toMatch(
      /does not match/,
    );
  });

  it('accepts a Stripe-Signature with any matching v1 (secret rotation) within the tolerance', () => {
    const at = now / 1000;
    const header = `t=${at},v1=${stripeSignature(at, 'whsec_old')},v1=${stripeSignature(at)},v0=abc`;
    expect(signatureProblem('stripe', secret, body, { 'stripe-signature': header }, now)).toBeUndefined();
    expect(
      signatureProblem(
        'stripe',
        secret,
        body,
        { 'stripe-signature': `t=${at},v1=${stripeSignature(at)}` },
        now + 299_000,
      ),
    ).toBeUndefined();
  });

  it('refuses a replayed, unsigned, malformed or wrongly signed Stripe event', () => {
    const at = now / 1000;
    const valid = `t=${at},v1=${stripeSignature(at)}`;
    expect(signatureProblem('stripe', secret, body, { 'stripe-signature': valid }, now + 301_000)).toMatch(
      /300 s/,
    );
    expect(signatureProblem('stripe', secret, body, {}, now)).toMatch(/missing/);
    expect(
      signatureProblem('stripe', secret, body, { 'stripe-signature': `v1=${stripeSignature(at)}` }, now),
    ).toMatch(/no timestamp/);
    const forged = `t=${at},v1=${stripeSignature(at, 'whsec_other')}`;
    expect(signatureProblem('stripe', secret, body, { 'stripe-signature': forged }, now)).toMatch(
      /does not match/,
    );
    // The timestamp is signed: moving it invalidates the signature.
    const moved = `t=${at + 1},v1=${stripeSignature(at)}`;
    expect(signatureProblem('stripe', secret, body, { 'stripe-signature': moved }, now)).toMatch(
      /does not match/,
    );
  });
});
