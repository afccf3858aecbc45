import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTandem } from './support/start-tandem.js';

const CHROMIUM = '/usr/bin/chromium';

// CI installs Debian's chromium; a developer machine without it skips the browser run.
describe.skipIf(!existsSync(CHROMIUM) && !process.env.CI)('the web UI in a real browser', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'tandem-web-'));
  let server: Awaited<ReturnType<typeof startTandem>>;
  let browser: Browser;

  beforeAll(async () => {
    server = await startTandem({
      TANDEM_DATA_DIR: dataDir,
      TANDEM_ADMIN_EMAIL: 'owner@example.com',
      TANDEM_ADMIN_PASSWORD: 'browser-test-pass',
      TANDEM_WRITE_KEY: 'wk_browser_test_key',
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

  it('signs in, shows the product navigation and the default source', async () => {
    const page = await browser.newPage();
    await page.goto(`${server.url}/people`);
    await page.waitForURL(/\/login/);

    await page.getByLabel('Email').fill('owner@example.com');
    await page.getByLabel(/^Password/).fill('wrong-password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toBeTruthy();

    await page.getByLabel(/^Password/).fill('browser-test-pass');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(/\/people/);
    for (const area of ['People', 'Companies', 'Deals', 'Tickets', 'Audiences', 'Sources', 'Settings']) {
      await expect.poll(() => page.getByRole('link', { name: area }).count()).toBeGreaterThan(0);
    }

    await page.getByRole('link', { name: 'Sources' }).click();
    await page.waitForURL(/\/sources/);
    await expect.poll(() => page.getByText('wk_browser_test_key').count()).toBeGreaterThan(0);
    await page.screenshot({ path: join(tmpdir(), 'tandem-sources.png') });
  });
});
