import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTandem } from './support/start-tandem.js';
import {
  expectText,
  freshPage,
  HAS_CHROMIUM,
  launchChromium,
  pick,
  signIn,
} from './support/web-ui-browser.js';

const OWNER = { email: 'sales-lead@example.com', password: 'violet kettle orbit 42' };
const WRITE_KEY = 'wk_lead_scoring_browser_key';
const ADMIN_TOKEN = 'tdm_lead_scoring_browser_admin_token_0123';
const SHOTS = '/tmp/shots-lead-scoring';
// The pipeline scores in the background; give it time on CI.
const PIPELINE_WAIT = { timeout: 20_000, interval: 200 };

describe.skipIf(!HAS_CHROMIUM)('lead scoring in the web UI, in a real browser', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'tandem-lead-scoring-'));
  let server: Awaited<ReturnType<typeof startTandem>>;
  let browser: Browser;

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    server = await startTandem({
      TANDEM_DATA_DIR: dataDir,
      TANDEM_ADMIN_EMAIL: OWNER.email,
      TANDEM_ADMIN_PASSWORD: OWNER.password,
      TANDEM_WRITE_KEY: WRITE_KEY,
      TANDEM_ADMIN_TOKEN: ADMIN_TOKEN,
    });
    browser = await launchChromium();
    await send([
      {
        type: 'identify',
        userId: 'ada',
        traits: { name: 'Ada Lovelace', email: 'ada@example.com', plan: 'pro' },
      },
      { type: 'track', userId: 'ada', event: 'Pricing Viewed' },
      { type: 'track', userId: 'ada', event: 'Pricing Viewed' },
      {
        type: 'identify',
        userId: 'bob',
        traits: { name: 'Bob Marley', email: 'bob@example.com', plan: 'free' },
      },
      { type: 'track', userId: 'bob', event: 'Pricing Viewed' },
    ]);
    // The pickers list what the pipeline has seen: the page opens once it has seen these traits.
    for (const deadline = Date.now() + PIPELINE_WAIT.timeout; Date.now() < deadline; ) {
      const response = await fetch(`${server.url}/api/v1/catalog/traits`, {
        headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
      });
      const body = (await response.json()) as { data?: { name: string }[] };
      if ((body.data ?? []).some((trait) => trait.name === 'plan')) break;
      await new Promise((resolve) => setTimeout(resolve, PIPELINE_WAIT.interval));
    }
  });
  afterAll(async () => {
    await browser?.close();
    server?.child.kill('SIGTERM');
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function send(batch: unknown[]) {
    const response = await fetch(`${server.url}/v1/batch`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Basic ${Buffer.from(`${WRITE_KEY}:`).toString('base64')}`,
      },
      body: JSON.stringify({ batch }),
    });
    expect(response.status).toBe(200);
  }
  const shot = async (page: Page, name: string, fullPage = true) => {
    // The shell's header is sticky: a full-page picture is taken from the top.
    if (fullPage) await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage, animations: 'disabled' });
  };

  /** Opens a group's "+ Add … rule" menu and picks a kind of condition. */
  async function addRule(page: Page, group: Locator, title: string, kind: string) {
    await group.getByRole('button', { name: `+ Add ${title} rule` }).click();
    await page.getByRole('menuitem', { name: kind, exact: true }).click();
    await expect.poll(() => page.getByRole('menu').count()).toBe(0);
    return group.getByRole('group', { name: /^Rule / }).last();
  }

  it('builds rules by picking, saves them, rescores everyone and explains a score', async () => {
    const page = await freshPage(browser);
    await signIn(page, server.url, OWNER.email, OWNER.password);
    await page
      .getByRole('navigation', { name: 'Main navigation' })
      .getByRole('link', { name: 'Lead scoring' })
      .click();
    await page.waitForURL(/\/lead-scoring/);
    await expectText(page.getByRole('region', { name: 'Top leads' }), 'Nobody scores above 0 yet.');

    const fit = page.getByRole('group', { name: 'Fit rules' });
    const plan = await addRule(page, fit, 'fit', 'Trait');
    // Saving an unfinished rule names what is missing next to it, in sentences.
    await page.getByRole('button', { name: 'Save and rescore' }).click();
    await expectText(page.getByRole('alert'), /Some rules are not finished/);
    await expectText(plan, 'Give the rule a name.');
    await expectText(plan, 'Pick a trait.');
    await shot(page, '1-unfinished-rule');

    await plan.getByLabel('Rule name').fill('Pro plan');
    await plan.getByLabel('Points', { exact: true }).fill('30');
    await pick(plan, 'Trait', 'plan (string)');
    await plan.getByRole('combobox', { name: 'Trait plan value' }).fill('pro');

    const engagement = page.getByRole('group', { name: 'Engagement rules' });
    const pricing = await addRule(page, engagement, 'engagement', 'Event');
    await pricing.getByLabel('Rule name').fill('Pricing views');
    await pricing.getByLabel('Points', { exact: true }).fill('10');
    await pricing.getByRole('combobox', { name: 'Event', exact: true }).click();
    await page.getByRole('option', { name: /^Pricing Viewed/ }).click();
    await pricing.getByLabel('Points for each matching event').check();
    await pricing.getByLabel('Fade over days').fill('30');
    await page.getByLabel('Most engagement points').fill('15');
    await shot(page, '2-rules-built');
    await page.getByRole('button', { name: 'Save and rescore' }).click();

    // Everyone rescored in the background; the top leads follow.
    await expect
      .poll(() => page.getByRole('status').textContent(), PIPELINE_WAIT)
      .toMatch(/Everyone is scored with these rules/);
    const leads = page.getByRole('table', { name: 'Top leads' });
    await expect.poll(() => leads.getByRole('row').count(), PIPELINE_WAIT).toBe(3);
    await expectText(leads.getByRole('row').nth(1), /Ada Lovelace\s*45\s*30\s*15/);
    await expectText(leads.getByRole('row').nth(2), /Bob Marley\s*10\s*0\s*10/);
    await shot(page, '3-rescored');

    // A new event moves a score at once.
    await send([{ type: 'track', userId: 'bob', event: 'Pricing Viewed' }]);
    await leads.getByRole('row').nth(2).getByRole('button', { name: 'Why?' }).click();
    const card = page.getByRole('dialog').getByRole('region', { name: 'Lead score' });
    await expect.poll(() => card.getByLabel('Total score').textContent(), PIPELINE_WAIT).toBe('15');
    await expectText(
      card.getByRole('table', { name: 'Score breakdown' }),
      /Pricing views \(2 events\)\s*Engagement\s*\+20/,
    );
    await expectText(card, 'Caps hold the score at 15 (the rules add up to 20).');
    await expectText(card.getByRole('list', { name: 'Score history' }), /Rules changed/);
    await shot(page, '4-score-card', false);
  });

  it('keeps the rules across a reload and refuses what the server finds wrong', async () => {
    const page = await freshPage(browser);
    await signIn(page, server.url, OWNER.email, OWNER.password);
    await page.goto(`${server.url}/lead-scoring`);
    const fit = page.getByRole('group', { name: 'Fit rules' });
    await expect.poll(() => fit.getByRole('group', { name: 'Rule Pro plan' }).count()).toBe(1);
    const engagement = page.getByRole('group', { name: 'Engagement rules' });
    expect(await engagement.getByLabel('Fade over days').inputValue()).toBe('30');
    // A second rule with the same name is refused before it reaches the server.
    const twin = await addRule(page, fit, 'fit', 'Company field');
    await twin.getByLabel('Rule name').fill('Pro plan');
    await twin.getByLabel('Company field', { exact: true }).fill('industry');
    await twin.getByLabel('Company industry value').fill('SaaS');
    await page.getByRole('button', { name: 'Save and rescore' }).click();
    await expectText(twin, 'Another rule has this name.');
    await shot(page, '5-duplicate-name');
    await twin.getByLabel('Rule name').fill('SaaS company');
    // Counting each event and asking for a count do not go together: the server says so, at the count.
    const pricing = engagement.getByRole('group', { name: 'Rule Pricing views' });
    await pick(pricing, 'Event frequency', 'performed, counted');
    await page.getByRole('button', { name: 'Save and rescore' }).click();
    await expectText(pricing, 'A per-event rule counts every matching event: leave out the count.');
    await shot(page, '6-refused-by-server');
    await pick(pricing, 'Event frequency', 'performed');
    await page.getByRole('button', { name: 'Save and rescore' }).click();
    await expect
      .poll(async () => (await page.request.get(`${server.url}/api/v1/lead-scoring`)).json())
      .toMatchObject({
        rules: [
          { name: 'Pro plan' },
          { name: 'Pricing views' },
          { name: 'SaaS company', condition: { trait: 'company.industry', op: 'eq', value: 'SaaS' } },
        ],
      });
  });
});
