import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTandem } from './support/start-tandem.js';
import {
  expectText,
  freshPage,
  HAS_CHROMIUM,
  launchChromium,
  pick,
  STRONG_PASSWORD,
  screenshot,
  signIn,
} from './support/web-ui-browser.js';

const WRITE_KEY = 'wk_tracking_plan_browser';
const OWNER = { email: 'data@example.com', password: STRONG_PASSWORD };

describe.skipIf(!HAS_CHROMIUM)('tracking plans in the web UI, in a real browser', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'tandem-tracking-plan-'));
  let server: Awaited<ReturnType<typeof startTandem>>;
  let browser: Browser;

  beforeAll(async () => {
    server = await startTandem({
      TANDEM_DATA_DIR: dataDir,
      TANDEM_ADMIN_EMAIL: OWNER.email,
      TANDEM_ADMIN_PASSWORD: OWNER.password,
      TANDEM_WRITE_KEY: WRITE_KEY,
    });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    server?.child.kill('SIGTERM');
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function send(batch: unknown[]) {
    const response = await fetch(`${server.url}/v1/batch`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        Authorization: `Basic ${Buffer.from(`${WRITE_KEY}:`).toString('base64')}`,
      },
      body: JSON.stringify({ batch }),
    });
    expect(response.status).toBe(200);
    return (await response.json()) as { rejected?: { index: number; code: string }[] };
  }

  it('drafts a plan from seen events, blocks what it does not list and shows the violations', async () => {
    await send([
      { type: 'track', userId: 'ada', event: 'Order Completed', properties: { orderId: 'o1', total: 12.5 } },
      { type: 'track', userId: 'ada', event: 'Order Completed', properties: { orderId: 'o2', total: 3 } },
      { type: 'track', userId: 'ada', event: 'Signed Up', properties: { plan: 'pro' } },
      { type: 'identify', userId: 'ada', traits: { email: 'ada@example.com' } },
    ]);
    const page = await freshPage(browser);
    await signIn(page, server.url, OWNER.email, OWNER.password);

    // From the navigation: Sources, the source, its tracking plan.
    await page.getByRole('link', { name: 'Sources', exact: true }).click();
    await page.waitForURL(/\/sources$/);
    const [source] = (
      (await (await page.request.get(`${server.url}/api/v1/sources`)).json()) as {
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
      await page.request.get(`${server.url}/api/v1/sources/${source.id}/tracking-plan`)
    ).json();
    expect(saved.events[0].schema.properties.total).toEqual({ type: 'string' });
    await screenshot(page, 'tracking-plan-2-violations');

    // The exported file imports back (here with report mode), replacing the plan.
    const exported = await (
      await page.request.get(`${server.url}/api/v1/sources/${source.id}/tracking-plan/export`)
    ).json();
    const file = join(dataDir, 'plan.json');
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
