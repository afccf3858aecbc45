import { describe, expect, it } from 'vitest';
import { PRESETS } from './presets.js';
import { compileMapping, runMapping } from './webhook-mapping.js';

/** The Stripe preset's sample event with the charge's amount and currency replaced. */
function stripeCharge(amount: number, currency: string) {
  const sample = PRESETS['stripe-charges'].samplePayload as { data: { object: Record<string, unknown> } };
  return { ...sample, data: { object: { ...sample.data.object, amount, currency } } };
}

async function orderTotal(payload: unknown): Promise<unknown> {
  const calls = await runMapping(compileMapping(PRESETS['stripe-charges'].mapping), payload, {});
  const order = calls.find((call) => (call as { event?: string }).event === 'Order Completed');
  return (order as { properties: { total: unknown } }).properties.total;
}

describe('the Stripe charges preset', () => {
  // Stripe's amounts are in the currency's smallest unit: cents, whole yen, thousandths of a dinar.
  it('reads amounts in two-, zero- and three-decimal currencies as Stripe documents them', async () => {
    expect(await orderTotal(stripeCharge(4999, 'eur'))).toBe(49.99);
    expect(await orderTotal(stripeCharge(500, 'jpy'))).toBe(500);
    expect(await orderTotal(stripeCharge(5120, 'kwd'))).toBe(5.12);
    expect(await orderTotal(stripeCharge(12340, 'BHD'))).toBe(12.34);
  });
});
