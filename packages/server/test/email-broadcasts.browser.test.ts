import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type SmtpRelay, startSmtpRelay } from '@tandem/engine/testing';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startTandem } from './support/start-tandem.js';
import { freePort, freshPage, HAS_CHROMIUM, launchChromium, pick, signIn } from './support/web-ui-browser.js';

const OWNER = { email: 'marketer-owner@example.com', password: 'amber lantern river 17' };
const ADMIN_TOKEN = 'tdm_email_browser_admin_token_0123456';
const WRITE_KEY = 'wk_email_browser_0123';
/** Screenshots of the email pages, to look at. */
const SHOTS = '/tmp/email-sending';

describe.skipIf(!HAS_CHROMIUM)('email templates and broadcasts, in a real browser', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'tandem-email-'));
  let server: Awaited<ReturnType<typeof startTandem>>;
  let relay: SmtpRelay;
  let browser: Browser;

  beforeAll(async () => {
    vi.setConfig({ expect: { poll: { timeout: 20_000, interval: 200 } } });
    relay = await startSmtpRelay();
    const port = await freePort();
    server = await startTandem({
      PORT: String(port),
      TANDEM_PUBLIC_URL: `http://127.0.0.1:${port}`,
      TANDEM_DATA_DIR: dataDir,
      TANDEM_ADMIN_EMAIL: OWNER.email,
      TANDEM_ADMIN_PASSWORD: OWNER.password,
      TANDEM_ADMIN_TOKEN: ADMIN_TOKEN,
      TANDEM_WRITE_KEY: WRITE_KEY,
      TANDEM_SMTP_URL: relay.url,
    });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    server?.child.kill('SIGTERM');
    await relay?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const shot = (page: Page, name: string) =>
    page.screenshot({ path: `${SHOTS}-${name}.png`, fullPage: true, animations: 'disabled' });
  const api = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${server.url}${path}`, {
      method,
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${ADMIN_TOKEN}` },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: response.status, body: response.status === 204 ? null : await response.json() };
  };

  it('writes a template (errors shown, preview as a person), then broadcasts it to an audience', async () => {
    const people = [
      { name: 'Ada Lovelace', email: 'ada@analytical.test' },
      { name: 'Grace Hopper', email: 'grace@cobol.test' },
      { name: 'Alan Turing', email: 'alan@bombe.test' },
    ];
    const tracked = await fetch(`${server.url}/v1/batch`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        Authorization: `Basic ${Buffer.from(`${WRITE_KEY}:`).toString('base64')}`,
      },
      body: JSON.stringify({
        batch: people.map((p, i) => ({
          type: 'identify',
          userId: `pioneer-${i}`,
          traits: { ...p, plan: 'pro' },
        })),
      }),
    });
    expect(tracked.status).toBe(200);
    const audience = await api('POST', '/api/v1/audiences', {
      name: 'Pioneers',
      rule: { trait: 'plan', op: 'eq', value: 'pro' },
    });
    expect(audience.status).toBe(201);
    await expect
      .poll(async () => (await api('GET', `/api/v1/audiences/${audience.body.id}`)).body.memberCount)
      .toBe(3);
    const empty = await api('POST', '/api/v1/audiences', {
      name: 'Nobody yet',
      rule: { trait: 'plan', op: 'eq', value: 'enterprise' },
    });
    expect(empty.status).toBe(201);

    const page = await freshPage(browser);
    await signIn(page, server.url, OWNER.email, OWNER.password);
    await page.getByRole('link', { name: 'Email templates' }).click();
    await page.getByRole('button', { name: 'New template' }).click();
    await page.waitForURL(/\/email-templates\/etpl_/);

    // A broken template is refused, the error beside the field at fault.
    await page.getByLabel('Name', { exact: true }).fill('Spring sale');
    await page.getByLabel('Subject', { exact: true }).fill('Spring sale for {{ traits.name }}');
    await page.getByLabel('MJML').fill('<mjml><mj-body><mj-text>Hi</mj-text></mj-body></mjml>');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await expect.poll(() => page.getByRole('alert').first().textContent()).toContain('mj-text');
    await shot(page, 'template-error');

    await page
      .getByLabel('MJML')
      .fill(
        '<mjml><mj-body><mj-section><mj-column><mj-text>Dear {{ traits.name }}, 20% off for {{ profile.email }}.</mj-text></mj-column></mj-section></mj-body></mjml>',
      );
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await expect.poll(() => page.getByText('Saved.').count()).toBe(1);

    // Preview as a person found by name.
    await page.getByRole('combobox', { name: 'Preview as' }).fill('Ada');
    await page.getByRole('option', { name: /Ada Lovelace/ }).click();
    await expect
      .poll(() => page.getByTestId('preview-subject').textContent())
      .toBe('Spring sale for Ada Lovelace');
    const frame = page.frameLocator('iframe[title="Email preview"]');
    await expect
      .poll(() => frame.locator('body').textContent())
      .toContain('Dear Ada Lovelace, 20% off for ada@analytical.test.');
    await shot(page, 'template-preview');

    // The broadcast: composed, sent now, its report counts the three emails.
    await page.getByRole('link', { name: 'Broadcasts' }).click();
    await pick(page, 'Template', 'Spring sale');
    // An audience nobody is in is said so before anything is sent; the chosen one says its size.
    await pick(page, 'Audience', 'Nobody yet');
    await expect
      .poll(() => page.getByRole('status').filter({ hasText: 'Nobody is in this audience now' }).count())
      .toBe(1);
    await shot(page, 'composer-empty-audience');
    await pick(page, 'Audience', 'Pioneers');
    await expect.poll(() => page.getByText('3 people in it now').count()).toBe(1);
    expect(await page.getByText('Nobody is in this audience now').count()).toBe(0);
    await page.getByLabel('At most per minute').fill('600');
    await page.getByRole('button', { name: 'Send broadcast' }).click();
    await page.waitForURL(/\/broadcasts\/bcast_/);
    await expect.poll(() => page.getByTestId('count-sent').textContent()).toBe('3');
    await expect.poll(() => page.getByTestId('count-delivered').textContent()).toBe('3');
    const subjects = relay.messages.map((m) => m.subject).filter((s) => s?.startsWith('Spring sale'));
    expect(subjects.sort()).toEqual([
      'Spring sale for Ada Lovelace',
      'Spring sale for Alan Turing',
      'Spring sale for Grace Hopper',
    ]);
    await expect.poll(() => page.getByText('sent', { exact: true }).count()).toBeGreaterThan(0);
    await shot(page, 'broadcast-report');
    await page.getByRole('link', { name: '← Broadcasts' }).click();
    await expect
      .poll(() => page.getByRole('table', { name: 'Broadcasts' }).textContent())
      .toContain('Spring sale');
    await shot(page, 'broadcasts-list');
  });
});
