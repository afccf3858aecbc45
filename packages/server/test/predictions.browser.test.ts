import { describe, expect, it } from 'vitest';
import { tandemInBrowser } from './support/tandem-in-browser.js';
import { freshPage, HAS_CHROMIUM, signIn } from './support/web-ui-browser.js';

const PIPELINE_WAIT = { timeout: 30_000, interval: 250 };
const DAY_MS = 86_400_000;

describe.skipIf(!HAS_CHROMIUM)('predictions in a real browser', () => {
  const tandem = tandemInBrowser('predictions');

  it('starts empty, then fits on orders, explains the models, and shows a person their predictions', async () => {
    const page = await freshPage(tandem.browser);
    await signIn(page, tandem.url, tandem.owner.email, tandem.owner.password);
    await page.getByRole('link', { name: 'Predictions' }).click();
    await page.waitForURL(/\/predictions/);
    await page.getByRole('status', { name: 'No predictions yet' }).waitFor();
    await expect.poll(() => page.getByText('No model yet').count()).toBe(1);
    await tandem.shot(page, '1-empty');
    // Refreshed with no order in the workspace: the page says what to send.
    await page.getByRole('button', { name: 'Refresh now' }).click();
    await page.getByRole('status', { name: 'No orders yet' }).waitFor({ timeout: 20_000 });
    await expect
      .poll(() => page.getByText('DONE', { exact: false }).count(), { timeout: 20_000 })
      .toBeGreaterThan(0);

    // Twelve customers: regulars every ten days, some who stopped, some who bought once.
    const order = (userId: string, daysAgo: number, revenue: number) => ({
      type: 'track',
      event: 'Order Completed',
      userId,
      properties: { revenue },
      timestamp: new Date(Date.now() - daysAgo * DAY_MS).toISOString(),
    });
    const batch: unknown[] = [
      { type: 'identify', userId: 'ada', traits: { name: 'Ada Lovelace', email: 'ada@example.com' } },
    ];
    for (const [i, userId] of ['ada', 'bea', 'cal', 'dan'].entries())
      for (let k = 0; k < 6; k++) batch.push(order(userId, 2 + 10 * k + i, 30 + 5 * i + ((k * 7) % 11)));
    for (const userId of ['eve', 'fox', 'gus', 'hal'])
      for (let k = 0; k < 3; k++) batch.push(order(userId, 150 + 20 * k, 20 + 6 * k));
    for (const [i, userId] of ['ivy', 'jon', 'kim', 'lou'].entries())
      batch.push(order(userId, 10 + 60 * i, 15));
    await tandem.track(batch);
    await expect
      .poll(async () => {
        // The owner's token: a signed-in page's POST would need the CSRF header.
        const fit = await fetch(`${tandem.url}/api/v1/predictions/fit`, {
          method: 'POST',
          headers: { authorization: `Bearer ${tandem.adminToken}`, 'content-type': 'application/json' },
          body: JSON.stringify({ model: 'bgnbd', event: 'Order Completed', timeUnit: 'day' }),
        });
        return fit.ok ? ((await fit.json()) as { customers: number }).customers : 0;
      }, PIPELINE_WAIT)
      .toBe(12);

    const settings = page.getByRole('form', { name: 'Prediction settings' });
    await settings.getByLabel('Refresh on schedule').check({ force: true });
    await settings.getByRole('button', { name: 'Save settings' }).click();
    await settings.getByText('Saved.').waitFor();
    await page.getByRole('button', { name: 'Refresh now' }).click();
    const bgNbd = page.getByRole('table', { name: 'Purchases and P(alive) — BG/NBD parameters' });
    await bgNbd.waitFor({ timeout: 30_000 });
    await expect.poll(() => bgNbd.textContent()).toMatch(/Customers\s*12/);
    await expect
      .poll(() => page.getByRole('table', { name: 'Spend per order — Gamma-Gamma parameters' }).textContent())
      .toMatch(/Customers\s*8/);
    const churn = page.getByRole('table', { name: 'Churn bands' });
    await expect.poll(() => churn.textContent()).toMatch(/high\d+/);
    await expect
      .poll(() => page.getByRole('table', { name: 'Segment counts' }).textContent())
      .toContain('Champions');
    await expect.poll(() => page.getByText('P(alive) below 0.3').count()).toBe(1);
    await tandem.shot(page, '2-fitted');

    const ada = (
      (await (
        await page.request.get(`${tandem.url}/api/v1/profiles/lookup?type=user_id&value=ada`)
      ).json()) as {
        id: string;
      }
    ).id;
    await page.goto(`${tandem.url}/people/${ada}`);
    const card = page.getByRole('region', { name: 'Predictions' });
    await expect.poll(() => card.textContent(), PIPELINE_WAIT).toContain('low churn risk');
    await expect.poll(() => card.textContent()).toContain('Purchases next 30 days');
    await expect.poll(() => card.textContent()).toContain('6 purchases');
    await tandem.shot(page, '3-person');

    // Deals closed with eight of them: the regulars won, the rest lost. The lead score learns.
    const { data: pipelines } = await tandem.api<{ data: { id: string }[] }>('GET', '/api/v1/pipelines');
    const pipelineId = pipelines[0]?.id ?? '';
    for (const [userId, won] of [
      ['ada', true],
      ['bea', true],
      ['cal', true],
      ['dan', true],
      ['eve', false],
      ['fox', false],
      ['ivy', false],
      ['jon', false],
    ] as const) {
      const { id: profileId } = await tandem.api<{ id: string }>(
        'GET',
        `/api/v1/profiles/lookup?type=user_id&value=${userId}`,
      );
      const deal = await tandem.api<{ id: string }>('POST', '/api/v1/deals', {
        name: `Renewal ${userId}`,
        amount: 1000,
        currency: 'USD',
        pipelineId,
        profileIds: [profileId],
      });
      await tandem.api(
        'PATCH',
        `/api/v1/deals/${deal.id}`,
        won ? { status: 'won' } : { status: 'lost', lostReason: 'Price' },
      );
    }
    await page.getByRole('link', { name: 'Predictions' }).click();
    await page.getByRole('button', { name: 'Refresh now' }).click();
    const weights = page.getByRole('table', { name: 'Feature weights' });
    await weights.waitFor({ timeout: 30_000 });
    await expect.poll(() => weights.textContent()).toContain('purchases');
    // Deal events record the outcome itself: never a feature.
    expect(await weights.textContent()).not.toContain('Deal');
    await expect.poll(() => page.getByText('Trained on 4 won and 4 lost deals.').count()).toBe(1);
    const calibration = page.getByRole('table', { name: 'Calibration table' });
    await expect.poll(() => calibration.getByRole('row').count()).toBeGreaterThan(2);
    await tandem.shot(page, '4-lead-score');
  }, 180_000);
});
