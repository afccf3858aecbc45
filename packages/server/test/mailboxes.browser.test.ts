import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startTandem } from './support/start-tandem.js';
import { freshPage, HAS_CHROMIUM, launchChromium, signIn } from './support/web-ui-browser.js';

const OWNER = { email: 'desk-owner@example.com', password: 'amber lantern river 17' };
const ADMIN_TOKEN = 'tdm_mailboxes_browser_admin_token_0123';
/** Screenshots of the mailboxes page, to look at. */
const SHOTS = '/tmp/shots-mailboxes';

describe.skipIf(!HAS_CHROMIUM)('mailboxes in the web UI, in a real browser', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'tandem-mailboxes-'));
  let server: Awaited<ReturnType<typeof startTandem>>;
  let browser: Browser;

  beforeAll(async () => {
    vi.setConfig({ expect: { poll: { timeout: 10_000, interval: 100 } } });
    mkdirSync(SHOTS, { recursive: true });
    server = await startTandem({
      TANDEM_DATA_DIR: dataDir,
      TANDEM_ADMIN_EMAIL: OWNER.email,
      TANDEM_ADMIN_PASSWORD: OWNER.password,
      TANDEM_ADMIN_TOKEN: ADMIN_TOKEN,
      TANDEM_SMTP_LISTEN: '127.0.0.1:0',
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

  it('adds a mailbox for a team, shows how mail gets in, renames and removes it', async () => {
    const team = await fetch(`${server.url}/api/v1/teams`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${ADMIN_TOKEN}` },
      body: JSON.stringify({ name: 'Billing' }),
    });
    expect(team.status).toBe(201);
    const page = await freshPage(browser);
    await signIn(page, server.url, OWNER.email, OWNER.password);
    await page.getByRole('link', { name: 'Mailboxes' }).click();
    await page.waitForURL(/\/mailboxes/);
    await expect.poll(() => page.getByText('No mailboxes yet.').count()).toBe(1);
    const channel = page.getByRole('region', { name: 'Email channel' });
    await expect.poll(() => channel.textContent()).toContain('TANDEM_SMTP_URL');

    const form = page.getByRole('form', { name: 'New mailbox' });
    await form.getByLabel('Address').fill('not an address');
    await form.getByRole('button', { name: 'Add mailbox' }).click();
    await expect.poll(() => form.getByRole('alert').textContent()).toContain('email address');
    await form.getByLabel('Address').fill('Billing@Acme.example');
    await form.getByRole('combobox', { name: 'Team' }).click();
    await page.getByRole('option', { name: 'Billing' }).click();
    await form.getByRole('button', { name: 'Add mailbox' }).click();

    const table = page.getByRole('table', { name: 'Mailboxes' });
    await expect.poll(() => table.getByText('billing@acme.example').count()).toBe(1);
    await expect
      .poll(() => table.getByRole('combobox', { name: 'Team of billing@acme.example' }).inputValue())
      .toBe('Billing');
    const hint = page.getByRole('region', { name: 'Getting mail to Tandem' });
    await expect.poll(() => hint.textContent()).toContain('billing+t_…@acme.example');
    const recent = page.getByRole('region', { name: 'Recent mail' });
    await expect.poll(() => recent.textContent()).toContain('No mail received yet.');
    await shot(page, '1-mailbox-added');

    const name = table.getByRole('textbox', { name: 'Sender name of billing@acme.example' });
    await name.fill('Acme billing');
    await name.blur();
    await expect
      .poll(async () => {
        const list = await fetch(`${server.url}/api/v1/mailboxes`, {
          headers: { Authorization: `Bearer ${ADMIN_TOKEN}` },
        });
        return ((await list.json()) as { data: { name: string }[] }).data[0]?.name;
      })
      .toBe('Acme billing');

    await table.getByRole('button', { name: 'Remove billing@acme.example' }).click();
    await page.getByRole('button', { name: 'Remove mailbox' }).click();
    await expect.poll(() => page.getByText('No mailboxes yet.').count()).toBe(1);
    await shot(page, '2-mailbox-removed');
  });
});
