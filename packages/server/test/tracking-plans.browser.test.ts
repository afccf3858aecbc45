import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tandemInBrowser } from './support/tandem-in-browser.js';
import { expectText, freshPage, HAS_CHROMIUM, pick, screenshot, signIn } from './support/web-ui-browser.js';

describe.skipIf(!HAS_CHROMIUM)('tracking plans in the web UI, in a real browser', () => {
  const tandem = tandemInBrowser('tracking-plan');

  const send = (batch: unknown[]) => tandem.track(batch);

  it('drafts a plan from seen events, blocks what it does not list and shows the violations', async () => {
    await send([
      { type: 'track', userId: 'ada', event: 'Order Completed', properties: { orderId: 'o1', total: 12.5 } },
      { type: 'track', userId: 'ada', event: 'Order Completed', properties: { orderId: 'o2', total: 3 } },
      { type: 'track', userId: 'ada', event: 'Signed Up', properties: { plan: 'pro' } },
      { type: 'identify', userId: 'ada', traits: { email: 'ada@example.com' } },
    ]);
    const page = await freshPage(tandem.browser);
    await signIn(page, tandem.url, tandem.owner.email, tandem.owner.password);

    // From the navigation: Sources, the source, its tracking plan.
    await page.getByRole('link', { name: 'Sources', exact: true }).click();
    await page.waitForURL(/\/sources$/);
    const [source] = (
      (await (await page.request.get(`${tandem.url}/api/v1/sources`)).json()) as {
        data: { id: string; name: string }[];
      }
    ).data;
    if (!source) throw new Error('no source');
    await page.getByRole('link', { name: source.name }).first().click();
    await page.getByRole('link', { name: 'Set up a tracking plan' }).click();
    await page.waitForURL(/\/tracking-plan$/);

    await page.getByRole('button', { name: 'Draft from seen events' }).click();
    await expectText(page.getByRole('alert').filter({ hasText: 'Drafted' }), /4 recent calls read/);
    await page.getByRole('button', { name: /^Order Completed \d+ propert/ }).click();
    const properties = page.getByRole('table', { name: 'Planned properties' });
    await expect.poll(() => properties.first().getByRole('row').count()).toBe(4); // header, 2, add
    await page.getByText('Block unplanned events').click();
    await page.getByRole('button', { name: 'Create plan' }).click();
    await expectText(page.getByText(/^Version \d/), 'Version 1');
    await screenshot(page, 'tracking-plan-1-drafted');

    // An unplanned event is refused; a wrong type is stored and counted.
    const answer = await send([
      { type: 'track', userId: 'ada', event: 'Button Clicked', properties: { id: 'buy' } },
      { type: 'track', userId: 'ada', event: 'Order Completed', properties: { orderId: 'o3', total: 'ten' } },
    ]);
    expect(answer.rejected).toEqual([expect.objectContaining({ index: 0, code: 'tracking_plan' })]);
    // The table refreshes every few seconds; a reload shows them at once.
    await page.reload();
    const violations = page.getByRole('table', { name: 'Tracking plan violations' });
    await expectText(violations, /Button Clicked.*Unplanned event/);
    await expectText(violations, /Order Completed.*Wrong type/);

    // The property table edits the schema: total becomes a string, saved as version 2.
    await page.getByRole('button', { name: /^Order Completed \d+ propert/ }).click();
    await pick(page, 'Type of total', 'string');
    await screenshot(page, 'tracking-plan-2-editing');
    await page.getByRole('button', { name: 'Save plan' }).click();
    await expectText(page.getByText(/^Version \d/), 'Version 2');
    const saved = await (
      await page.request.get(`${tandem.url}/api/v1/sources/${source.id}/tracking-plan`)
    ).json();
    expect(saved.events[0].schema.properties.total).toEqual({ type: 'string' });
    await screenshot(page, 'tracking-plan-2-violations');

    // The exported file imports back (here with report mode), replacing the plan.
    const exported = await (
      await page.request.get(`${tandem.url}/api/v1/sources/${source.id}/tracking-plan/export`)
    ).json();
    const file = join(tandem.dataDir, 'plan.json');
    writeFileSync(file, JSON.stringify({ ...exported, mode: 'report' }));
    await page.locator('input[type="file"]').setInputFiles(file);
    await expectText(page.getByText(/^Version \d/), 'Version 3');
    await expect.poll(() => page.getByRole('radio', { name: 'Report only' }).isChecked()).toBe(true);

    // The source debugger shows the plan's violations too.
    await page.getByRole('link', { name: `← ${source.name}` }).click();
    await expectText(page.getByRole('table', { name: 'Tracking plan violations' }), /Button Clicked/);
    await screenshot(page, 'tracking-plan-3-debugger');
  });
});
