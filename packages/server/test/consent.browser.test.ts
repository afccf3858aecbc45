import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTandem } from './support/start-tandem.js';
import { csrfOf, freshPage, HAS_CHROMIUM, launchChromium, pick, signIn } from './support/web-ui-browser.js';

const WRITE_KEY = 'wk_consent_browser_key';
const OWNER = { email: 'privacy@example.com', password: 'violet kettle orbit 42' };
/** Screenshots of the consent pages, to look at. */
const SHOTS = '/tmp/shots-consent';

describe.skipIf(!HAS_CHROMIUM)('consent in the web UI, in a real browser', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'tandem-consent-'));
  let server: Awaited<ReturnType<typeof startTandem>>;
  let browser: Browser;

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
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

  const shot = (page: Page, name: string) =>
    page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true, animations: 'disabled' });

  it('lets a privacy officer define purposes and the default', async () => {
    const page = await freshPage(browser);
    await signIn(page, server.url, OWNER.email, OWNER.password);
    await page.getByRole('link', { name: 'Consent' }).click();
    await page.waitForURL(/\/consent/);
    const purposes = page.getByRole('table', { name: 'Consent purposes' });
    await expect.poll(() => purposes.getByRole('row').count()).toBe(6);
    await shot(page, '1-consent-page');

    // A new purpose, its key derived from its name, matching a consent manager's category.
    await page.getByRole('button', { name: 'Add purpose' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Name').fill('Product research');
    expect(await dialog.getByLabel('Key').inputValue()).toBe('product-research');
    await dialog.getByLabel('Description').fill('Inviting people to interviews and surveys.');
    await pick(dialog, 'When someone has not decided', 'Refused until granted (opt-in)');
    await dialog.getByLabel('Also matches').fill('C0009');
    await dialog.getByLabel('Also matches').press('Enter');
    await shot(page, '2-add-purpose');
    await dialog.getByRole('button', { name: 'Add purpose' }).click();
    await expect.poll(() => purposes.getByRole('row').count()).toBe(7);
    await expect.poll(() => purposes.textContent()).toContain('product-research');

    // An alias another purpose already answers to is refused, in a sentence.
    await page.getByRole('button', { name: 'Add purpose' }).click();
    await dialog.getByLabel('Name').fill('Ads');
    await dialog.getByLabel('Also matches').fill('C0004');
    await dialog.getByLabel('Also matches').press('Enter');
    await dialog.getByRole('button', { name: 'Add purpose' }).click();
    await expect
      .poll(() => dialog.getByRole('alert').textContent())
      .toBe('The alias "C0004" already means the purpose "marketing"');
    await shot(page, '3-alias-refused');
    // A key typed by hand that events could not carry is said beside it, before any request.
    await dialog.getByLabel('Key').fill('Ads & Offers');
    await dialog
      .getByText(
        'Use lower-case letters, digits, - and _ only, starting with a letter or digit (at most 64).',
      )
      .waitFor();
    expect(await dialog.getByRole('button', { name: 'Add purpose' }).isDisabled()).toBe(true);
    expect(await dialog.getByText(/body\.key/).count()).toBe(0);
    await shot(page, '3b-key-refused');
    await dialog.getByLabel('Key').fill('ads');
    await expect.poll(() => dialog.getByText(/^Use lower-case letters/).count()).toBe(0);
    await dialog.getByRole('button', { name: 'Cancel' }).click();

    // Necessary cannot be removed; sale of data can, and the question names the audience it empties.
    await expect.poll(() => page.getByRole('button', { name: 'Remove Necessary' }).count()).toBe(0);
    const audience = await page.request.post(`${server.url}/api/v1/audiences`, {
      data: {
        name: 'Data buyers',
        rule: { trait: 'plan', op: 'eq', value: 'pro' },
        requiredPurpose: 'sale-of-data',
      },
      headers: { 'X-CSRF-Token': await csrfOf(page) },
    });
    expect(audience.status()).toBe(201);
    await page.getByRole('button', { name: 'Remove Sale of data' }).click();
    await page.getByText('It stops audience "Data buyers".').waitFor();
    await shot(page, '3c-remove-names-audience');
    await page.getByRole('button', { name: 'Remove purpose' }).click();
    await expect.poll(() => purposes.getByRole('row').count()).toBe(6);

    // The radio follows the saved setting: it turns checked once the server has answered.
    await page.getByRole('radio', { name: 'Refused until granted (opt-in)' }).click();
    await expect
      .poll(async () => (await page.request.get(`${server.url}/api/v1/consent/settings`)).json())
      .toEqual({ defaultMode: 'opt-in' });
    await page.evaluate(() => window.scrollTo(0, 0));
    await shot(page, '4-consent-configured');
  });

  it('shows a person’s consent from their events, with history, and records a decision', async () => {
    const sent = await fetch(`${server.url}/v1/batch`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        Authorization: `Basic ${Buffer.from(`${WRITE_KEY}:`).toString('base64')}`,
      },
      body: JSON.stringify({
        batch: [
          { type: 'identify', userId: 'grace', traits: { email: 'grace@example.com', name: 'Grace Hopper' } },
          {
            type: 'track',
            userId: 'grace',
            event: 'Segment Consent Preference Updated',
            context: { consent: { categoryPreferences: { C0002: true, Advertising: false, Chat: true } } },
          },
        ],
      }),
    });
    expect(sent.status).toBe(200);
    const page = await freshPage(browser);
    await signIn(page, server.url, OWNER.email, OWNER.password);
    // The pipeline unifies in the background.
    let profileId = '';
    await expect
      .poll(
        async () => {
          const found = await page.request.get(
            `${server.url}/api/v1/profiles/lookup?type=user_id&value=grace`,
          );
          // The lookup answers a profile, whose id is all this needs.
          profileId = found.ok() ? ((await found.json()) as { id: string }).id : '';
          return profileId;
        },
        { timeout: 20_000, interval: 200 },
      )
      .toMatch(/^prof_/);
    await page.goto(`${server.url}/people/${profileId}`);
    const summary = page.getByRole('region', { name: 'Consent' });
    await expect.poll(() => summary.textContent()).toMatch(/Analytics\s*Granted/);
    await page.getByRole('tab', { name: 'Consent' }).click();
    const states = page.getByRole('table', { name: 'Consent by purpose' });
    await expect.poll(() => states.textContent()).toMatch(/MarketingRefusedDecided/);
    // The workspace default is opt-in now: research was never decided, so it is refused.
    await expect.poll(() => states.textContent()).toMatch(/Product researchRefusedNo decision/);
    const history = page.getByRole('table', { name: 'Consent history' });
    await expect.poll(() => history.textContent()).toContain('Chat (unknown category)');
    await shot(page, '5-profile-consent');

    const form = page.getByRole('form', { name: 'Record a consent decision' });
    await pick(form, 'Purpose', 'Marketing');
    await form.getByText('Granted', { exact: true }).click();
    await form.getByLabel('Note').fill('Asked by phone');
    await form.getByRole('button', { name: 'Record' }).click();
    await expect.poll(() => states.textContent()).toMatch(/MarketingGrantedDecided/);
    await expect
      .poll(() => history.textContent())
      .toContain('Recorded by privacy@example.com — “Asked by phone”');
    await expect.poll(() => summary.textContent()).toMatch(/Marketing\s*Granted/);
    await shot(page, '6-profile-consent-recorded');
  });
});
