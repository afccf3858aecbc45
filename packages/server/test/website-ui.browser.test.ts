import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
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
  signIn,
} from './support/web-ui-browser.js';

const EMAIL = 'owner.website@example.com';
const PASSWORD = 'violet kettle orbit 42';
const ADMIN_TOKEN = 'tdm_website_ui_owner_token_0001';
const WRITE_KEY = 'wk_website_ui_key';
const SHOTS = '/tmp/shots-website';

// The source page of the website loop: the install snippet and what is exposed to browsers for
// a website source; the mapping editor, presets and trial run for a webhook source.
describe.skipIf(!HAS_CHROMIUM)('the source page in a real browser', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'tandem-website-ui-'));
  let tandem: Awaited<ReturnType<typeof startTandem>>;
  let browser: Browser;
  const admin = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${tandem.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
    return response.json();
  };

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    tandem = await startTandem({
      TANDEM_DATA_DIR: dataDir,
      TANDEM_ADMIN_EMAIL: EMAIL,
      TANDEM_ADMIN_PASSWORD: PASSWORD,
      TANDEM_ADMIN_TOKEN: ADMIN_TOKEN,
      TANDEM_WRITE_KEY: WRITE_KEY,
    });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    tandem?.child.kill('SIGTERM');
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('shows a website source’s install snippet and saves what personalization exposes', async () => {
    const audience = await admin('POST', '/api/v1/audiences', {
      name: 'Pro customers',
      rule: { trait: 'plan', op: 'eq', value: 'pro' },
    });
    await admin('POST', '/api/v1/computed-traits', {
      name: 'orders_30d',
      kind: 'count',
      event: 'Order Completed',
      within: '30d',
    });
    const source = (await admin('GET', '/api/v1/sources')).data.find(
      (s: { writeKey?: string }) => s.writeKey === WRITE_KEY,
    );
    const page = await freshPage(browser);
    await signIn(page, tandem.url, EMAIL, PASSWORD);
    await page.goto(`${tandem.url}/sources/${source.id}`);
    const snippet = page.getByLabel('Install snippet');
    await expectText(snippet, `${tandem.url}/analytics.js/v1/`);
    await expectText(snippet, `analytics._cdn="${tandem.url}"`);
    await expectText(snippet, `data-publishable-key="${source.publishableKey}"`);

    const section = page.getByRole('region', { name: 'Personalization' });
    const traits = section.getByRole('combobox', { name: 'Traits', exact: true });
    await traits.fill('plan');
    await traits.press('Enter');
    await section.getByRole('combobox', { name: 'Computed traits' }).click();
    await page.getByRole('option', { name: 'orders_30d' }).click();
    await section.getByRole('combobox', { name: 'Audiences' }).click();
    await page.getByRole('option', { name: 'Pro customers' }).click();
    await page.keyboard.press('Escape');
    await section.getByRole('button', { name: 'Save what is exposed' }).click();
    await expectText(section, /Saved/);
    expect(await admin('GET', '/api/v1/personalization/settings')).toEqual({
      traits: ['plan'],
      computedTraits: ['orders_30d'],
      audiences: [audience.id],
    });
    await page.screenshot({
      path: join(SHOTS, 'website-source.png'),
      fullPage: true,
      animations: 'disabled',
    });
  });

  it('creates a webhook source, maps Stripe charges with the preset and tries a sample payload', async () => {
    const page = await freshPage(browser);
    await signIn(page, tandem.url, EMAIL, PASSWORD);
    await page.goto(`${tandem.url}/sources`);
    await page.getByRole('form', { name: 'Create source' }).getByText('Webhook', { exact: true }).click();
    await page.getByLabel('Source name').fill('Stripe');
    await page.getByRole('button', { name: 'Create source' }).click();
    await page.getByRole('link', { name: 'Debugger of Stripe' }).click();
    const section = page.getByRole('region', { name: 'Webhook' });
    await expectText(section, /the webhook URL appears here/);
    await pick(section, 'Start from a preset', 'Stripe charges (charge.succeeded)');
    await section.getByLabel('Signing secret').fill('whsec_ui_secret');
    await section.getByRole('button', { name: 'Save mapping' }).click();
    await expectText(section, /\/v1\/webhooks\/whk_/);

    await section.getByRole('button', { name: 'Run the mapping' }).click();
    const result = page.getByLabel('Mapping result');
    await expectText(result, 'The mapping gives 2 calls; 2 would be stored.');
    await expectText(page.getByLabel('Calls produced'), '"event": "Order Completed"');
    await page.screenshot({
      path: join(SHOTS, 'webhook-source.png'),
      fullPage: true,
      animations: 'disabled',
    });

    // A mapping that gives a call without its event: said as a sentence, not stored.
    await section.getByLabel('Mapping (JSONata)').fill('{"type": "track", "anonymousId": "a"}');
    await section.getByRole('button', { name: 'Run the mapping' }).click();
    await expectText(
      page.getByRole('alert').filter({ hasText: 'Calls that would be refused' }),
      /Call 1: .*event/,
    );
    await section.getByLabel('Mapping (JSONata)').fill('{"type": ');
    await section.getByRole('button', { name: 'Save mapping' }).click();
    await expectText(
      page.getByRole('alert').filter({ hasText: 'JSONata' }),
      /The mapping is not valid JSONata/,
    );
    // Another sender's preset: the kept Stripe secret cannot check Shopify's signature.
    await pick(section, 'Start from a preset', 'Shopify orders (orders/create)');
    await expect
      .poll(() => section.getByLabel('Signing secret').getAttribute('placeholder'))
      .toBe('Needed: the kept one is for another check');
    await section.getByRole('button', { name: 'Save mapping' }).click();
    // Said beside the secret, as a sentence, without the field's name in the API.
    await section
      .getByText('The kept secret belongs to another signature scheme.', { exact: true })
      .waitFor();
    expect(await page.getByText(/signingSecret/).count()).toBe(0);
    await page.screenshot({
      path: join(SHOTS, 'webhook-source-errors.png'),
      fullPage: true,
      animations: 'disabled',
    });

    // Opened again (from the list, then reloaded), the saved Stripe mapping comes with Stripe's
    // sample payload, so a trial run maps a charge, not a Shopify order.
    for (const reopen of [
      async () => {
        await page.getByRole('link', { name: '← Sources' }).click();
        await page.getByRole('link', { name: 'Debugger of Stripe' }).click();
      },
      () => page.reload(),
    ]) {
      await reopen();
      await expect
        .poll(() => section.getByRole('combobox', { name: 'Start from a preset' }).inputValue())
        .toBe('Stripe charges (charge.succeeded)');
      await expect
        .poll(() => section.getByLabel('Sample payload (JSON)').inputValue())
        .toContain('"type": "charge.succeeded"');
      await section.getByRole('button', { name: 'Run the mapping' }).click();
      await expectText(page.getByLabel('Mapping result'), 'The mapping gives 2 calls; 2 would be stored.');
    }
  });
});
