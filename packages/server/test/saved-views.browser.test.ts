import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTandem } from './support/start-tandem.js';
import { csrfOf, freshPage, HAS_CHROMIUM, launchChromium, pick, signIn } from './support/web-ui-browser.js';

const OWNER = { email: 'views@example.com', password: 'violet kettle orbit 42' };
/** Screenshots of the lists with their views, to look at. */
const SHOTS = '/tmp/shots-crm-views';
/** Enough people that the list pages several times and virtualizes. */
const LEADS = 240;

describe.skipIf(!HAS_CHROMIUM)('saved views on the lists, in a real browser', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'tandem-crm-views-'));
  let server: Awaited<ReturnType<typeof startTandem>>;
  let browser: Browser;

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    server = await startTandem({
      TANDEM_DATA_DIR: dataDir,
      TANDEM_ADMIN_EMAIL: OWNER.email,
      TANDEM_ADMIN_PASSWORD: OWNER.password,
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

  it('saves a people view (filter, sort, columns), shows it after a reload, exports it; scrolls a long list', async () => {
    const page = await freshPage(browser);
    await signIn(page, server.url, OWNER.email, OWNER.password);
    const csrf = await csrfOf(page);
    const customers = ['Ada Lovelace', 'Grace Hopper', 'Katherine Johnson'];
    for (const [i, name] of customers.entries()) {
      const created = await page.request.post(`${server.url}/api/v1/people`, {
        data: { name, email: `customer${i}@example.com`, lifecycleStage: 'customer', tags: ['vip'] },
        headers: { 'X-CSRF-Token': csrf },
      });
      expect(created.status()).toBe(201);
    }
    for (let start = 0; start < LEADS; start += 20) {
      await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          page.request.post(`${server.url}/api/v1/people`, {
            data: {
              name: `Lead ${String(start + i).padStart(3, '0')}`,
              email: `lead${start + i}@example.com`,
            },
            headers: { 'X-CSRF-Token': csrf },
          }),
        ),
      );
    }

    await page.goto(`${server.url}/people`);
    const people = page.getByRole('table', { name: 'People' });
    await expect.poll(() => people.textContent()).toContain('Lead');
    // Filter, sort and columns, then save them as a view.
    await pick(page, 'Lifecycle stage', 'Customer');
    await pick(page, 'Sort', 'Name Z→A');
    await page.getByRole('button', { name: 'Columns' }).click();
    for (const column of ['Owner', 'Lead status', 'Tags', 'Updated']) {
      await page
        .getByRole('group', { name: 'Columns shown' })
        .getByRole('checkbox', { name: column })
        .click();
      // The columns live in the address: the box follows once the navigation is done.
      await expect
        .poll(() =>
          page
            .getByRole('group', { name: 'Columns shown' })
            .getByRole('checkbox', { name: column })
            .isChecked(),
        )
        .toBe(false);
    }
    await page.getByRole('button', { name: 'Columns' }).click();
    await expect.poll(() => headersOf(page)).toEqual(['', 'Name', 'Email', 'Lifecycle stage']);
    await page.getByRole('button', { name: 'Save view' }).click();
    const dialog = page.getByRole('dialog', { name: 'Save view' });
    await dialog.getByLabel('Name').fill('Customers by name');
    await shot(page, '1-save-view');
    await dialog.getByRole('button', { name: 'Save', exact: true }).click();
    await expect.poll(() => new URL(page.url()).searchParams.get('savedView')).toMatch(/^view_|^sv/);

    // A fresh list (no filter in the address) shows everyone, every column; picking the view
    // brings its filter, sort and columns back.
    await page.goto(`${server.url}/people`);
    await page.reload();
    await expect.poll(() => headersOf(page)).toContain('Owner');
    await expect.poll(() => people.textContent()).toContain('Lead 0');
    await pick(page, 'View', 'Customers by name');
    await expect.poll(() => headersOf(page)).toEqual(['', 'Name', 'Email', 'Lifecycle stage']);
    await expect.poll(() => namesOf(page)).toEqual(['Katherine Johnson', 'Grace Hopper', 'Ada Lovelace']);
    await shot(page, '2-view-picked');

    // Its export: the view's columns, rows and order.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Export CSV' }).click(),
    ]);
    const csv = readFileSync((await download.path()) ?? '', 'utf8');
    expect(csv.trim().split('\n')).toEqual([
      'name,email,lifecycle_stage',
      'Katherine Johnson,customer2@example.com,customer',
      'Grace Hopper,customer1@example.com,customer',
      'Ada Lovelace,customer0@example.com,customer',
    ]);

    // Changed, the view can be saved over: the sort now A→Z.
    await pick(page, 'Sort', 'Name A→Z');
    await expect.poll(() => namesOf(page)).toEqual(['Ada Lovelace', 'Grace Hopper', 'Katherine Johnson']);
    await page.getByRole('button', { name: 'Update “Customers by name”' }).click();
    await expect
      .poll(async () => {
        const views = (await (await page.request.get(`${server.url}/api/v1/views?entity=people`)).json()) as {
          data: { name: string; sort: unknown }[];
        };
        return views.data.find((v) => v.name === 'Customers by name')?.sort;
      })
      .toEqual([{ field: 'name', direction: 'asc' }]);
    await expect.poll(() => page.getByRole('button', { name: /^Update/ }).count()).toBe(0);

    // Bulk edit still works on the view's rows.
    await page.getByRole('checkbox', { name: 'Select Grace Hopper' }).check();
    await expect
      .poll(() => page.getByRole('region', { name: 'Edit the selected people' }).textContent())
      .toContain('1 person selected');
    await page.getByRole('checkbox', { name: 'Select Ada Lovelace' }).check();
    await expect
      .poll(() => page.getByRole('region', { name: 'Edit the selected people' }).textContent())
      .toContain('2 people selected');
    await shot(page, '3-bulk-edit-on-view');

    // The whole list: scrolling to its end loads every page, yet only the rows in sight are drawn.
    await pick(page, 'View', 'All people');
    await pick(page, 'Sort', 'Name A→Z');
    const scroller = page.getByTestId('People scroller');
    await expect
      .poll(
        async () => {
          await scroller.evaluate((box) => box.scrollTo(0, box.scrollHeight));
          return people.getAttribute('aria-rowcount');
        },
        { timeout: 20_000 },
      )
      .toBe(String(LEADS + customers.length + 1));
    const drawn = await people.locator('tbody tr[aria-rowindex]').count();
    expect(drawn).toBeGreaterThan(5);
    expect(drawn).toBeLessThan(80);
    await expect.poll(() => people.textContent()).toContain(`Lead ${String(LEADS - 1).padStart(3, '0')}`);
    await shot(page, '4-long-list-scrolled');
  });

  it('saves a companies view and a deals view and exports each', async () => {
    const page = await freshPage(browser);
    await signIn(page, server.url, OWNER.email, OWNER.password);
    const csrf = await csrfOf(page);
    for (const [name, domain] of [
      ['Initech', 'initech.com'],
      ['Globex', 'globex.com'],
      ['Umbrella', 'umbrella.com'],
    ]) {
      const created = await page.request.post(`${server.url}/api/v1/companies`, {
        data: { name, domain },
        headers: { 'X-CSRF-Token': csrf },
      });
      expect(created.status()).toBe(201);
    }
    await page.goto(`${server.url}/companies`);
    await pick(page, 'Sort', 'Name Z→A');
    await page.getByRole('button', { name: 'Columns' }).click();
    for (const column of ['Owner', 'People', 'Updated']) {
      await page
        .getByRole('group', { name: 'Columns shown' })
        .getByRole('checkbox', { name: column })
        .click();
      // The columns live in the address: the box follows once the navigation is done.
      await expect
        .poll(() =>
          page
            .getByRole('group', { name: 'Columns shown' })
            .getByRole('checkbox', { name: column })
            .isChecked(),
        )
        .toBe(false);
    }
    await page.getByRole('button', { name: 'Columns' }).click();
    await page.getByRole('button', { name: 'Save view' }).click();
    await page.getByRole('dialog', { name: 'Save view' }).getByLabel('Name').fill('Accounts Z to A');
    await page
      .getByRole('dialog', { name: 'Save view' })
      .getByRole('button', { name: 'Save', exact: true })
      .click();
    await expect.poll(() => new URL(page.url()).searchParams.get('savedView')).not.toBeNull();
    const companies = page.getByRole('table', { name: 'Companies' });
    await expect
      .poll(() => companies.locator('tbody tr[aria-rowindex] td:first-child').allTextContents())
      .toEqual(['Umbrella', 'Initech', 'Globex']);
    await shot(page, '5-companies-view');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Export CSV' }).click(),
    ]);
    expect(
      readFileSync((await download.path()) ?? '', 'utf8')
        .trim()
        .split('\n'),
    ).toEqual(['name,domains', 'Umbrella,umbrella.com', 'Initech,initech.com', 'Globex,globex.com']);

    // Deals: the table of the default pipeline, largest first, saved and exported.
    const pipelines = (await (await page.request.get(`${server.url}/api/v1/pipelines`)).json()) as {
      data: { id: string }[];
    };
    const pipelineId = pipelines.data[0]?.id;
    for (const [name, amount] of [
      ['Small deal', 100],
      ['Big deal', 90000],
      ['Mid deal', 5000],
    ] as const) {
      const created = await page.request.post(`${server.url}/api/v1/deals`, {
        data: { name, amount, currency: 'EUR', pipelineId },
        headers: { 'X-CSRF-Token': csrf },
      });
      expect(created.status()).toBe(201);
    }
    await page.goto(`${server.url}/deals?view=table`);
    await pick(page, 'Sort', 'Largest first');
    await page.getByRole('button', { name: 'Save view' }).click();
    await page.getByRole('dialog', { name: 'Save view' }).getByLabel('Name').fill('Biggest deals');
    await page
      .getByRole('dialog', { name: 'Save view' })
      .getByRole('button', { name: 'Save', exact: true })
      .click();
    await expect.poll(() => new URL(page.url()).searchParams.get('savedView')).not.toBeNull();
    const deals = page.getByRole('table', { name: /^Deals of/ });
    await expect
      .poll(() => deals.locator('tbody tr[aria-rowindex] td:first-child').allTextContents())
      .toEqual(['Big deal', 'Mid deal', 'Small deal']);
    await shot(page, '6-deals-view');
    const [dealsCsv] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Export CSV' }).click(),
    ]);
    const lines = readFileSync((await dealsCsv.path()) ?? '', 'utf8')
      .trim()
      .split('\n');
    expect(lines[0]).toBe('name,stage,status,amount,company,owner_id,close_date');
    expect(lines.slice(1).map((line) => line.split(',')[0])).toEqual(['Big deal', 'Mid deal', 'Small deal']);
  });
});

/** The table's column headers. */
async function headersOf(page: Page): Promise<string[]> {
  return (await page.getByRole('table', { name: 'People' }).locator('thead th').allTextContents()).map((t) =>
    t.trim(),
  );
}

/** The names in the people table, top to bottom. */
async function namesOf(page: Page): Promise<string[]> {
  return page
    .getByRole('table', { name: 'People' })
    .locator('tbody tr[aria-rowindex] td:nth-child(2)')
    .allTextContents();
}
