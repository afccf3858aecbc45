import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTandem } from './support/start-tandem.js';

const CHROMIUM = '/usr/bin/chromium';

/** Console errors and page errors of a page, CSP reports among them. */
function watchProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on('console', (message) => {
    // The login page's session probe answers 401 before sign-in: a network error, not a problem.
    if (message.text().startsWith('Failed to load resource')) return;
    if (message.type() === 'error' || /Content Security Policy|Refused to/i.test(message.text())) {
      problems.push(`${message.type()}: ${message.text()}`);
    }
  });
  page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
  return problems;
}

// The CSP must let the built UI and the API docs run as they are: no violation in a real browser.
describe.skipIf(!existsSync(CHROMIUM) && !process.env.CI)('security headers in a real browser', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'tandem-csp-'));
  let server: Awaited<ReturnType<typeof startTandem>>;
  let browser: Browser;

  beforeAll(async () => {
    server = await startTandem({
      TANDEM_DATA_DIR: dataDir,
      TANDEM_ADMIN_EMAIL: 'owner@example.com',
      TANDEM_ADMIN_PASSWORD: 'browser-test-pass',
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

  it('loads the web UI, signs in and follows a source live with no CSP violation', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    page.setDefaultTimeout(10_000);
    const problems = watchProblems(page);
    const document = await page.goto(`${server.url}/login`);
    expect(document?.headers()['content-security-policy']).toContain("script-src 'self'");
    await page.getByLabel('Email').fill('owner@example.com');
    await page.getByLabel(/^Password/).fill('browser-test-pass');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(/\/home/);
    await page.getByRole('link', { name: 'Sources', exact: true }).click();
    await page
      .getByRole('link', { name: /^Debugger of / })
      .first()
      .click();
    await expect.poll(() => page.getByRole('status').textContent(), { timeout: 20_000 }).toBe('Live');
    await page.screenshot({ path: join(tmpdir(), 'tandem-csp-debugger.png') });
    expect(problems).toEqual([]);
  });

  it('loads the API docs with no CSP violation', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    const problems = watchProblems(page);
    await page.goto(`${server.url}/api/docs`);
    await page.getByText('Tandem API').first().waitFor({ timeout: 20_000 });
    await page.locator('.opblock').first().waitFor();
    await page.screenshot({ path: join(tmpdir(), 'tandem-csp-api-docs.png') });
    expect(problems).toEqual([]);
  });

  it('refuses to be framed, even by a page of its own origin', async () => {
    const page = await browser.newPage();
    const problems = watchProblems(page);
    // A page the browser believes Tandem served, without Tandem's headers, framing the UI.
    await page.route(`${server.url}/framing-page`, (route) =>
      route.fulfill({ contentType: 'text/html', body: '<iframe src="/login"></iframe>' }),
    );
    await page.goto(`${server.url}/framing-page`);
    await expect.poll(() => problems.join('\n')).toMatch(/frame-ancestors|Refused to (display|frame)/);
    const framed = page.frames().find((frame) => frame.url().includes('/login'));
    expect(
      await framed
        ?.locator('button')
        .count()
        .catch(() => 0),
    ).toBeFalsy();
  });
});
