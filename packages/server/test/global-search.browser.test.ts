import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTandem } from './support/start-tandem.js';

const CHROMIUM = '/usr/bin/chromium';
const WRITE_KEY = 'wk_search_browser_key';
const PIPELINE_WAIT = { timeout: 20_000, interval: 200 };

describe.skipIf(!existsSync(CHROMIUM) && !process.env.CI)('global search (⌘K) in a real browser', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'tandem-search-'));
  let server: Awaited<ReturnType<typeof startTandem>>;
  let browser: Browser;

  beforeAll(async () => {
    server = await startTandem({
      TANDEM_DATA_DIR: dataDir,
      TANDEM_ADMIN_EMAIL: 'owner@example.com',
      TANDEM_ADMIN_PASSWORD: 'browser-test-pass',
      TANDEM_WRITE_KEY: WRITE_KEY,
    });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
  });
  afterAll(async () => {
    await browser?.close();
    server?.child.kill('SIGTERM');
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('opens with Ctrl+K, finds John from "jonh", and jumps to his profile', async () => {
    const response = await fetch(`${server.url}/v1/batch`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        Authorization: `Basic ${Buffer.from(`${WRITE_KEY}:`).toString('base64')}`,
      },
      body: JSON.stringify({
        batch: [
          {
            type: 'identify',
            userId: 'u-john',
            traits: { name: 'John Appleseed', email: 'john@orchard.test' },
          },
          {
            type: 'identify',
            userId: 'u-joan',
            traits: { name: 'Joan Clarke', email: 'joan@bletchley.test' },
          },
          { type: 'track', userId: 'u-john', event: 'Orchard Planted' },
        ],
      }),
    });
    expect(response.status).toBe(200);

    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    page.setDefaultTimeout(10_000);
    await page.goto(`${server.url}/login`);
    await page.getByLabel('Email').fill('owner@example.com');
    await page.getByLabel(/^Password/).fill('browser-test-pass');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(/\/people/);

    const palette = page.getByRole('textbox', { name: 'Find people, companies and deals' });
    const results = page.getByRole('dialog');
    // The pipeline unifies the people in the background: search until John is there.
    await expect
      .poll(async () => {
        if (!(await palette.isVisible())) await page.keyboard.press('Control+k');
        await palette.fill('');
        await palette.fill('jonh');
        return results.getByText('John Appleseed').isVisible();
      }, PIPELINE_WAIT)
      .toBe(true);
    await expect.poll(() => results.getByText('john@orchard.test').isVisible()).toBe(true);
    await expect.poll(() => results.getByText('close match').first().isVisible()).toBe(true);
    await page.screenshot({ path: join(tmpdir(), 'tandem-global-search.png') });

    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/people\/prof_/);
    await expect.poll(() => page.getByRole('heading', { name: 'John Appleseed' }).isVisible()).toBe(true);
    await expect.poll(() => palette.isVisible()).toBe(false);
    await page.screenshot({ path: join(tmpdir(), 'tandem-global-search-profile.png') });

    // The header button opens it too, and an unknown name says so.
    await page.getByRole('button', { name: 'Open global search' }).click();
    await palette.fill('zzqx');
    await expect.poll(() => results.getByText('Nothing matches “zzqx”.').isVisible()).toBe(true);
  });
});
