import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
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

const OWNER = { email: 'desk-lead@example.com', password: 'violet kettle orbit 42' };
const SHOTS = '/tmp/shots-sla';

describe.skipIf(!HAS_CHROMIUM)('SLA settings in the web UI, in a real browser', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'tandem-sla-'));
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

  const shot = async (page: Page, name: string) => {
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true, animations: 'disabled' });
  };
  const open = async (page: Page, area: string) => {
    await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: area }).click();
  };

  it('creates a business calendar and an SLA policy, which are still there after a reload', async () => {
    const page = await freshPage(browser);
    await signIn(page, server.url, OWNER.email, OWNER.password);
    await open(page, 'Business calendars');
    await page.waitForURL(/\/business-calendars/);
    await expectText(page.getByRole('main'), 'No business calendars yet');

    const form = page.getByRole('form', { name: 'New business calendar' });
    await form.getByLabel('Calendar name').fill('Paris office');
    await form.getByRole('combobox', { name: 'Time zone' }).fill('Europe/Par');
    await page.getByRole('option', { name: 'Europe/Paris', exact: true }).click();
    // Monday: a lunch break between two blocks.
    await form.getByLabel('Monday block 1 end').fill('12:00');
    await form.getByRole('button', { name: 'Add Monday block' }).click();
    await form.getByLabel('Monday block 2 start').fill('13:00');
    await form.getByLabel('Monday block 2 end').fill('17:00');
    await form.getByLabel('Holiday date').fill('2026-12-25');
    await form.getByRole('button', { name: 'Add holiday' }).click();
    // A time that does not exist is refused, the field named.
    await form.getByLabel('Friday block 1 end').fill('25:00');
    await form.getByRole('button', { name: 'Create calendar' }).click();
    await expectText(form.getByRole('alert'), /weekly\.4\.end: must be a time/);
    await shot(page, '1-calendar-refused');
    await form.getByLabel('Friday block 1 end').fill('16:00');
    await form.getByRole('button', { name: 'Create calendar' }).click();
    const card = page.getByRole('region', { name: 'Calendar Paris office' });
    await expectText(card, /Mon\s*09:00–12:00, 13:00–17:00/);
    await expectText(card, /Fri\s*09:00–16:00/);
    await expectText(card, 'Europe/Paris · holidays: 2026-12-25');
    await shot(page, '2-calendar-created');

    await open(page, 'SLA policies');
    await page.waitForURL(/\/sla-policies/);
    const policyForm = page.getByRole('form', { name: 'New SLA policy' });
    await policyForm.getByLabel('Policy name').fill('Enterprise');
    await policyForm.getByRole('button', { name: '+ condition' }).click();
    await pick(policyForm, 'Condition 1 field', 'Requester trait…');
    await policyForm.getByLabel('Condition 1 trait').fill('plan');
    await policyForm.getByLabel('Condition 1 value').fill('enterprise');
    await expect
      .poll(() => policyForm.getByRole('combobox', { name: 'Business calendar' }).inputValue())
      .toBe('Paris office');
    await policyForm.getByLabel('urgent first response minutes').fill('30');
    await policyForm.getByLabel('normal first response minutes').fill('240');
    await policyForm.getByLabel('normal resolution minutes').fill('2400');
    await shot(page, '3-policy-form');
    await policyForm.getByRole('button', { name: 'Create policy' }).click();
    const enterprise = page.getByRole('region', { name: 'Policy Enterprise' });
    await expectText(enterprise, 'Applies to: traits.plan is enterprise');
    await expectText(enterprise, 'business hours of Paris office');
    await expectText(enterprise, 'Urgent: first response 30 m');
    await expectText(enterprise, 'Normal: first response 4 h · resolution 1 d 16 h');

    // A second, catch-all policy, then moved first.
    await policyForm.getByLabel('Policy name').fill('Standard');
    await policyForm.getByLabel('low resolution minutes').fill('4320');
    await policyForm.getByRole('button', { name: 'Create policy' }).click();
    await page.getByRole('button', { name: 'Move Standard up' }).click();
    await expect
      .poll(() =>
        page
          .getByRole('region', { name: /^Policy / })
          .evaluateAll((els) => els.map((e) => e.getAttribute('aria-label'))),
      )
      .toEqual(['Policy Standard', 'Policy Enterprise']);

    await page.reload();
    await expectText(
      page.getByRole('region', { name: 'Policy Enterprise' }),
      'Applies to: traits.plan is enterprise',
    );
    await expect
      .poll(() =>
        page
          .getByRole('region', { name: /^Policy / })
          .evaluateAll((els) => els.map((e) => e.getAttribute('aria-label'))),
      )
      .toEqual(['Policy Standard', 'Policy Enterprise']);
    await shot(page, '4-policies-after-reload');
    await open(page, 'Business calendars');
    await expectText(
      page.getByRole('region', { name: 'Calendar Paris office' }),
      /Mon\s*09:00–12:00, 13:00–17:00/,
    );
    await shot(page, '5-calendars-after-reload');
  }, 90_000);
});
