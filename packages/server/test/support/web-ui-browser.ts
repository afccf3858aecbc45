import { existsSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { type Browser, chromium, type Locator, type Page } from 'playwright-core';
import { expect } from 'vitest';

export const CHROMIUM = '/usr/bin/chromium';
// CI installs Debian's chromium; a developer machine without it skips the browser run.
export const HAS_CHROMIUM = existsSync(CHROMIUM) || Boolean(process.env.CI);
/** Where the browser tests leave screenshots of the pages they visit, to look at. */
export const SCREENSHOTS = '/tmp/tandem-ui';
/** Passwords the server's strength check (zxcvbn) accepts. */
export const STRONG_PASSWORD = 'violet kettle orbit 42';
export const OTHER_STRONG_PASSWORD = 'amber lantern quietly 97';

export function launchChromium(): Promise<Browser> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}

/** A page in a browser context of its own (its own cookies: one person). */
export async function freshPage(browser: Browser): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  // Fail on the step that waits, well before the test's own timeout.
  page.setDefaultTimeout(10_000);
  return page;
}

export async function signIn(page: Page, url: string, email: string, password: string): Promise<void> {
  await page.goto(`${url}/login`);
  await fillSignIn(page, email, password);
  await page.waitForURL(/\/home/);
}

/** The session's CSRF token, for writes made with the page's cookies. */
export async function csrfOf(page: Page): Promise<string> {
  const session = await page.request.get(new URL('/api/v1/auth/session', page.url()).toString());
  return ((await session.json()) as { csrfToken: string }).csrfToken;
}

export async function fillSignIn(page: Page, email: string, password: string): Promise<void> {
  await page.getByLabel('Email').fill(email);
  await page.getByLabel(/^Password/).fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** Picks an option of a Mantine select named `label` (by its label or aria-label). */
export async function pick(scope: Page | Locator, label: string, option: string): Promise<void> {
  const page = 'page' in scope ? scope.page() : scope;
  const choice = page.getByRole('option', { name: option, exact: true });
  // A re-render (a panel still opening, a list refetching) can close the dropdown between the
  // two clicks: open it again until the option is there.
  for (let attempt = 1; ; attempt++) {
    if (!(await choice.isVisible())) await scope.getByRole('combobox', { name: label, exact: true }).click();
    try {
      await choice.click({ timeout: 3_000 });
      return;
    } catch (error) {
      if (attempt === 3) throw error;
    }
  }
}

export async function screenshot(page: Page, name: string): Promise<void> {
  // Transitions finished, so the picture shows what a person sees once the page settles.
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true, animations: 'disabled' });
}

/** Waits until the element's text contains `text`. */
export async function expectText(locator: Locator, text: string | RegExp): Promise<void> {
  await expect
    .poll(async () => ((await locator.count()) > 0 ? await locator.first().textContent() : ''))
    .toMatch(text);
}

/** A TCP port free right now, for a server whose public URL must be known before it starts. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}
