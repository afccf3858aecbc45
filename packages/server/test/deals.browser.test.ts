import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startTandem } from './support/start-tandem.js';
import { freshPage, HAS_CHROMIUM, launchChromium, signIn } from './support/web-ui-browser.js';

const WRITE_KEY = 'wk_deals_browser_key';
const OWNER = { email: 'seller@example.com', password: 'violet kettle orbit 42' };
const ADMIN_TOKEN = 'tdm_deals_browser_admin_token_0123456789';
/** Screenshots of the deal pages, to look at. */
const SHOTS = '/tmp/shots-deals';

describe.skipIf(!HAS_CHROMIUM)('deals in the web UI, in a real browser', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'tandem-deals-'));
  let server: Awaited<ReturnType<typeof startTandem>>;
  let browser: Browser;

  beforeAll(async () => {
    // Each step waits on the server, and on a busy machine longer than a poll's default second.
    vi.setConfig({ expect: { poll: { timeout: 10_000, interval: 100 } } });
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
  const column = (page: Page, stage: string) => page.getByRole('region', { name: `Stage ${stage}` });

  it('creates a deal for a person, drags it to another stage, keeps it there, and tells the person’s timeline', async () => {
    const sent = await fetch(`${server.url}/v1/identify`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        Authorization: `Basic ${Buffer.from(`${WRITE_KEY}:`).toString('base64')}`,
      },
      body: JSON.stringify({ userId: 'grace', traits: { email: 'grace@example.com', name: 'Grace Hopper' } }),
    });
    expect(sent.status).toBe(200);
    const page = await freshPage(browser);
    await signIn(page, server.url, OWNER.email, OWNER.password);
    let profileId = '';
    await expect
      .poll(
        async () => {
          const found = await page.request.get(
            `${server.url}/api/v1/profiles/lookup?type=user_id&value=grace`,
          );
          profileId = found.ok() ? ((await found.json()) as { id: string }).id : '';
          return profileId;
        },
        { timeout: 20_000, interval: 200 },
      )
      .toMatch(/^prof_/);

    // A new deal, from the board, with Grace as its decision maker.
    await page.getByRole('link', { name: 'Deals' }).click();
    await page.waitForURL(/\/deals/);
    await expect.poll(() => column(page, 'Qualification').count()).toBe(1);
    await page.getByRole('button', { name: 'New deal' }).click();
    const form = page.getByRole('form', { name: 'New deal' });
    await form.getByLabel('Name').fill('Grace expansion');
    await form.getByLabel('Amount').fill('12000');
    await form.getByLabel('Expected close date').fill('2026-12-20');
    await form.getByRole('combobox', { name: 'Person' }).fill('grace');
    await page.getByRole('option', { name: /Grace Hopper/ }).click();
    await shot(page, '1-new-deal');
    await form.getByRole('button', { name: 'Create deal' }).click();
    await page.waitForURL(/\/deals\/deal_/);
    const dealId = new URL(page.url()).pathname.split('/').pop() ?? '';
    await expect
      .poll(() => page.getByRole('table', { name: 'People on the deal' }).textContent())
      .toContain('Grace Hopper');
    await shot(page, '2-deal-page');

    // On the board it sits in the first stage; the keyboard carries it one stage right.
    await page.getByRole('link', { name: '← Deals' }).click();
    const card = page.locator(`[data-deal-id="${dealId}"]`);
    await expect
      .poll(() => column(page, 'Qualification').locator(`[data-deal-id="${dealId}"]`).count())
      .toBe(1);
    await expect
      .poll(() => column(page, 'Qualification').textContent())
      .toMatch(/12,000 total · 1,200 weighted/);
    await shot(page, '3-board-before');
    // What the board tells a screen reader, step by step.
    const announced = page.locator('[id^="DndLiveRegion"]');
    await card.focus();
    await page.keyboard.press('Space');
    await expect
      .poll(() => announced.textContent())
      .toMatch(/Picked up Grace expansion|Grace expansion is over Qualification/);
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => announced.textContent()).toContain('Grace expansion is over Discovery');
    await page.keyboard.press('Space');
    await expect.poll(() => column(page, 'Discovery').locator(`[data-deal-id="${dealId}"]`).count()).toBe(1);

    // Then the mouse drags it on to Proposal.
    const box = await card.boundingBox();
    const target = await column(page, 'Proposal').boundingBox();
    if (!box || !target) throw new Error('the card and the column are on the page');
    // Grabbed by its amount (the name is a link to the deal).
    await page.mouse.move(box.x + box.width / 2, box.y + 48);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width / 2 + 20, box.y + 30, { steps: 5 });
    await page.mouse.move(target.x + target.width / 2, target.y + 120, { steps: 15 });
    await page.mouse.up();
    await expect.poll(() => column(page, 'Proposal').locator(`[data-deal-id="${dealId}"]`).count()).toBe(1);
    await expect.poll(() => column(page, 'Proposal').textContent()).toMatch(/12,000 total · 6,000 weighted/);

    // After a reload it is still there: the move was saved.
    await page.reload();
    await expect.poll(() => column(page, 'Proposal').locator(`[data-deal-id="${dealId}"]`).count()).toBe(1);
    expect(await column(page, 'Qualification').locator(`[data-deal-id="${dealId}"]`).count()).toBe(0);
    await shot(page, '4-board-after-reload');
    const saved = await (await page.request.get(`${server.url}/api/v1/deals/${dealId}`)).json();
    expect(saved.stageHistory.map((s: { stageName: string }) => s.stageName)).toEqual([
      'Qualification',
      'Discovery',
      'Proposal',
    ]);

    await page.getByText('Table', { exact: true }).click();
    await expect
      .poll(() => page.getByRole('table', { name: /Deals of/ }).textContent())
      .toContain('Grace expansion');
    await shot(page, '5-table');

    // Grace's timeline tells it.
    await page.goto(`${server.url}/people/${profileId}`);
    await expect
      .poll(() => page.getByText('Deal Stage Changed').count(), { timeout: 20_000 })
      .toBeGreaterThan(0);
    await shot(page, '6-person-timeline');

    // Lost, with a reason, on the deal page; the history shows every stay.
    await page.goto(`${server.url}/deals/${dealId}`);
    await page.getByRole('button', { name: 'Mark as lost' }).click();
    await page.getByLabel('Why was it lost?').fill('Chose a competitor');
    await page
      .getByRole('form', { name: 'Mark as lost' })
      .getByRole('button', { name: 'Mark as lost' })
      .click();
    await expect.poll(() => page.getByText(/Lost on .*: Chose a competitor/).count()).toBe(1);
    await expect
      .poll(() => page.getByRole('table', { name: 'Stage history' }).getByRole('row').count())
      .toBe(4);
    await shot(page, '7-deal-lost');
    // Many steps, each waiting on the server and the pipeline: more than the default 30 s when
    // the machine is busy.
  }, 120_000);

  it('charts the pipeline, the forecast, outcomes and learned stage probabilities', async () => {
    const api = async (method: string, path: string, body: unknown) => {
      const response = await fetch(`${server.url}${path}`, {
        method,
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${ADMIN_TOKEN}` },
        body: JSON.stringify(body),
      });
      expect(response.status, path).toBeLessThan(300);
      return (await response.json()) as { id: string; stages: { id: string }[] };
    };
    const [sales] = (
      (await (
        await fetch(`${server.url}/api/v1/pipelines`, { headers: { Authorization: `Bearer ${ADMIN_TOKEN}` } })
      ).json()) as { data: { id: string; stages: { id: string }[] }[] }
    ).data;
    if (!sales) throw new Error('the default pipeline');
    const month = new Date().toISOString().slice(0, 7);
    for (const [index, stage] of sales.stages.entries()) {
      const deal = await api('POST', '/api/v1/deals', {
        name: `Deal ${index}`,
        amount: 1000 * (index + 1),
        currency: 'EUR',
        pipelineId: sales.id,
        stageId: stage.id,
        closeDate: `${month}-28`,
      });
      if (index === 3) await api('PATCH', `/api/v1/deals/${deal.id}`, { status: 'won' });
      if (index === 0)
        await api('PATCH', `/api/v1/deals/${deal.id}`, { status: 'lost', lostReason: 'Timing' });
    }
    const page = await freshPage(browser);
    await signIn(page, server.url, OWNER.email, OWNER.password);
    await page.getByRole('link', { name: 'Reports' }).click();
    await page.waitForURL(/\/reports/);
    const forecast = page.getByRole('table', { name: 'Forecast' });
    await expect.poll(() => forecast.textContent()).toContain(month);
    await expect
      .poll(() => page.getByRole('region', { name: 'Win rate and performance' }).textContent())
      .toMatch(/Win rate\d+(\.\d)? %/);
    await expect.poll(() => page.getByRole('img', { name: 'Forecast by close month' }).count()).toBe(1);
    await shot(page, '8-reports');
  }, 60_000);

  it('creates a pipeline and edits its stages, without typing JSON', async () => {
    const page = await freshPage(browser);
    await signIn(page, server.url, OWNER.email, OWNER.password);
    await page.goto(`${server.url}/deals`);
    await page.getByRole('button', { name: 'Pipelines' }).click();
    await page.getByRole('menuitem', { name: 'New pipeline' }).click();
    const form = page.getByRole('form', { name: 'New pipeline' });
    await form.getByLabel(/^Name/).fill('Partners');
    await form.getByLabel('Stage 2 name').fill('Pilot');
    await form.getByRole('button', { name: 'Add stage' }).click();
    await form.getByLabel('Stage 4 name').fill('Signed');
    await form.getByLabel('Stage 4 probability').fill('95');
    await form.getByRole('button', { name: 'Move stage 4 up' }).click();
    await shot(page, '9-new-pipeline');
    await form.getByRole('button', { name: 'Create pipeline' }).click();
    await expect.poll(() => page.getByRole('group', { name: 'Partners pipeline' }).count()).toBe(1);
    const names = await page
      .getByRole('region', { name: /^Stage / })
      .evaluateAll((regions) => regions.map((r) => r.getAttribute('aria-label')));
    expect(names).toEqual(['Stage Qualification', 'Stage Pilot', 'Stage Signed', 'Stage Negotiation']);

    // Edited in place: the probability shows in the column's header.
    await page.getByRole('button', { name: 'Pipelines' }).click();
    await page.getByRole('menuitem', { name: 'Edit Partners' }).click();
    const edit = page.getByRole('form', { name: 'Edit pipeline' });
    await edit.getByLabel('Stage 3 probability').fill('90');
    await edit.getByRole('button', { name: 'Save' }).click();
    await expect
      .poll(() => page.getByRole('region', { name: 'Stage Signed' }).textContent())
      .toContain('(90%)');
    await shot(page, '10-pipeline-edited');

    // The owner restricts edits of deals to their owners.
    await page.getByRole('button', { name: 'Pipelines' }).click();
    await page.getByRole('switch', { name: 'Only a deal’s owner may change it' }).click({ force: true });
    await expect
      .poll(async () => (await page.request.get(`${server.url}/api/v1/deal-settings`)).json())
      .toEqual({ ownerOnlyEdits: true });
    await shot(page, '11-owner-only');
  }, 60_000);
});
