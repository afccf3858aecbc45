import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startTandem } from './support/start-tandem.js';
import { freshPage, HAS_CHROMIUM, launchChromium, pick, signIn } from './support/web-ui-browser.js';

const WRITE_KEY = 'wk_deal_import_browser_key';
const OWNER = { email: 'importer@example.com', password: 'violet kettle orbit 42' };
const ADMIN_TOKEN = 'tdm_deal_import_browser_token_0123456789';
/** Screenshots of the import form and its result, to look at. */
const SHOTS = '/tmp/shots-deal-import';

const CSV = `Deal name,Value,Stage,Owner,Website,Contact email,Seat count
Umbrella rollout,4200,Proposal,${OWNER.email},umbrella.test,alice@umbrella.test,25
Wayne pilot,900,Discovery,,wayne.test,bruce@wayne.test,lots
`;

// The custom fields load after the file is read: a loaded machine takes a few seconds.
const UI_WAIT = { timeout: 10_000, interval: 100 };

describe.skipIf(!HAS_CHROMIUM)('importing deals from the source page, in a real browser', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'tandem-deal-import-'));
  let server: Awaited<ReturnType<typeof startTandem>>;
  let browser: Browser;
  const api = (path: string, init: RequestInit = {}) =>
    fetch(`${server.url}${path}`, {
      ...init,
      headers: { Authorization: `Bearer ${ADMIN_TOKEN}`, 'Content-Type': 'application/json' },
    });

  beforeAll(async () => {
    vi.setConfig({ expect: { poll: { timeout: 15_000, interval: 100 } } });
    mkdirSync(SHOTS, { recursive: true });
    server = await startTandem({
      TANDEM_DATA_DIR: dataDir,
      TANDEM_ADMIN_EMAIL: OWNER.email,
      TANDEM_ADMIN_PASSWORD: OWNER.password,
      TANDEM_WRITE_KEY: WRITE_KEY,
      TANDEM_ADMIN_TOKEN: ADMIN_TOKEN,
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

  it('maps the file’s columns to deal fields, imports it, and shows the row that failed', async () => {
    const field = await api('/api/v1/custom-fields', {
      method: 'POST',
      body: JSON.stringify({ entity: 'deal', key: 'seats', label: 'Seat count', type: 'number' }),
    });
    expect(field.status).toBe(201);
    const sources = (await (await api('/api/v1/sources')).json()) as { data: { id: string }[] };
    const sourceId = sources.data[0]?.id ?? '';

    const page = await freshPage(browser);
    await signIn(page, server.url, OWNER.email, OWNER.password);
    await page.goto(`${server.url}/sources/${sourceId}`);
    const form = page.getByRole('form', { name: 'Import a file' });
    await shot(page, '0-source');
    await expect.poll(() => form.count()).toBe(1);
    await form.locator('input[type="file"]').setInputFiles({
      name: 'deals.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(CSV),
    });
    // Columns named plainly are mapped already; the contact's role is chosen here.
    const fields = form.getByRole('table', { name: 'Deal fields' });
    await expect.poll(() => fields.count()).toBe(1);
    await expect
      .poll(() => fields.getByRole('combobox', { name: 'Name', exact: true }).inputValue(), UI_WAIT)
      .toBe('Deal name');
    await expect
      .poll(() => fields.getByRole('combobox', { name: 'Seat count' }).inputValue(), UI_WAIT)
      .toBe('Seat count');
    await pick(form, 'Role of people column 1', 'Champion');
    await form.getByLabel('Currency of rows without one').fill('EUR');
    await shot(page, '1-mapping');
    await form.getByRole('button', { name: 'Import' }).click();
    await expect.poll(() => form.getByRole('status').textContent()).toContain('Importing deals.csv');

    const imports = page.getByRole('table', { name: 'Imports' });
    await expect.poll(() => imports.textContent(), { timeout: 30_000 }).toMatch(/Dealscompleted/);
    await page.getByRole('button', { name: 'Errors of deals.csv' }).first().click();
    await expect
      .poll(() => page.getByRole('list', { name: 'First errors of deals.csv' }).textContent())
      .toContain('Line 2: column "Seat count" (fields.seats): "Seat count" takes a number.');
    await shot(page, '2-imported');

    const deals = (await (await api('/api/v1/deals?limit=10')).json()) as {
      data: { name: string; amount: number; companyName: string; people: { role: string }[] }[];
    };
    expect(deals.data).toEqual([
      expect.objectContaining({
        name: 'Umbrella rollout',
        amount: 4200,
        companyName: 'umbrella.test',
        people: [expect.objectContaining({ role: 'champion' })],
      }),
    ]);
    await page.getByRole('link', { name: 'Deals' }).click();
    await expect.poll(() => page.getByText('Umbrella rollout').count()).toBeGreaterThan(0);
    await shot(page, '3-board');
    // The same import starts from the Deals page.
    await page.getByRole('button', { name: 'Import', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'Import deals from a file' });
    await expect.poll(() => dialog.getByRole('form', { name: 'Import a file' }).count()).toBe(1);
    await shot(page, '4-import-from-deals');
  }, 90_000);
});
