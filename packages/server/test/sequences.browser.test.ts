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

const OWNER = { email: 'rep@example.com', password: 'violet kettle orbit 42' };
const WRITE_KEY = 'wk_sequences_browser_key';
const ADMIN_TOKEN = 'tdm_sequences_browser_owner_token_01';
const SHOTS = '/tmp/sequences-shots';
const WAIT = { timeout: 20_000, interval: 200 };

describe.skipIf(!HAS_CHROMIUM)('lists and sequences in the web UI, in a real browser', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'tandem-sequences-'));
  let server: Awaited<ReturnType<typeof startTandem>>;
  let browser: Browser;

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    server = await startTandem({
      TANDEM_DATA_DIR: dataDir,
      TANDEM_ADMIN_EMAIL: OWNER.email,
      TANDEM_ADMIN_PASSWORD: OWNER.password,
      TANDEM_ADMIN_TOKEN: ADMIN_TOKEN,
      TANDEM_WRITE_KEY: WRITE_KEY,
    });
    browser = await launchChromium();
    const response = await fetch(`${server.url}/v1/batch`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Basic ${Buffer.from(`${WRITE_KEY}:`).toString('base64')}`,
      },
      body: JSON.stringify({
        batch: [
          { type: 'identify', userId: 'ada', traits: { name: 'Ada Lovelace', email: 'ada@example.com' } },
          { type: 'identify', userId: 'bob', traits: { name: 'Bob Marley', email: 'bob@example.com' } },
        ],
      }),
    });
    expect(response.status).toBe(200);
    const template = await fetch(`${server.url}/api/v1/email/templates`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_TOKEN}` },
      body: JSON.stringify({
        name: 'Intro email',
        subject: 'Hello {{ traits.name }}',
        mjml: '<mjml><mj-body><mj-section><mj-column><mj-text>Hi</mj-text></mj-column></mj-section></mj-body></mjml>',
      }),
    });
    expect(template.status).toBe(201);
  });
  afterAll(async () => {
    await browser?.close();
    server?.child.kill('SIGTERM');
    rmSync(dataDir, { recursive: true, force: true });
  });

  const api = async (path: string) => {
    const response = await fetch(`${server.url}${path}`, {
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    return response.json();
  };
  const shot = async (page: Page, name: string) => {
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true, animations: 'disabled' });
  };

  it('builds a list, writes a sequence, enrolls the list and a person, and stops one by hand', async () => {
    // The pipeline makes the profiles in the background.
    await expect
      .poll(async () => (await api('/api/v1/profiles?q=bob@example.com')).data?.length ?? 0, WAIT)
      .toBe(1);
    const bobId: string = (await api('/api/v1/profiles?q=bob@example.com')).data[0].id;
    const page = await freshPage(browser);
    await signIn(page, server.url, OWNER.email, OWNER.password);

    // A list, with two people added from the search and one taken off again.
    await page.goto(`${server.url}/lists`);
    await page.getByRole('textbox', { name: 'List name' }).fill('Webinar attendees');
    await page.getByRole('button', { name: 'Create list' }).click();
    await page.getByRole('link', { name: 'Webinar attendees' }).click();
    for (const email of ['ada@example.com', 'bob@example.com']) {
      await page.getByRole('searchbox', { name: 'Add people' }).fill(email);
      await page.getByRole('button', { name: `Add ${email}` }).click();
      await expect
        .poll(() => page.getByRole('table', { name: 'List members' }).getByText(email).count())
        .toBe(1);
    }
    await page.getByRole('button', { name: 'Remove bob@example.com' }).click();
    await expect
      .poll(() => page.getByRole('table', { name: 'List members' }).locator('tbody tr').count())
      .toBe(1);
    await shot(page, 'list');

    // A sequence: an email then a task, reordered with the keyboard so the task comes first.
    await page.goto(`${server.url}/sequences`);
    await page.getByRole('textbox', { name: 'Sequence name' }).fill('Outbound');
    await page.getByRole('button', { name: 'Create sequence' }).click();
    await page.waitForURL(/\/sequences\/seq_/);
    await page.getByRole('button', { name: 'Add email step' }).click();
    await page.getByRole('combobox', { name: 'Email template', exact: true }).click();
    await page.getByRole('option', { name: 'Intro email' }).click();
    await page.getByRole('region', { name: 'Step 1', exact: true }).getByLabel('Wait').fill('2d');
    await page.getByRole('button', { name: 'Add task step' }).click();
    await page.getByLabel('Task for the owner').fill('Call them');
    await page.getByRole('region', { name: 'Step 2', exact: true }).getByLabel('Wait').fill('0s');
    // Calendar days: in business days a step due on a Saturday or Sunday waits for Monday.
    await page.getByRole('region', { name: 'Step 2', exact: true }).getByLabel('Business days').uncheck();
    const handle = page.getByRole('button', { name: 'Move Step 2', exact: true });
    const announced = page.locator('[id^="DndLiveRegion"]');
    await handle.focus();
    await page.keyboard.press('Space');
    await expect.poll(() => announced.textContent()).toMatch(/item \w+/);
    const dragged = /item (\w+)/.exec((await announced.textContent()) ?? '')?.[1] ?? '';
    // Over the step above (not over its own place any more), then dropped there. A busy machine
    // can take the key before the keyboard sensor listens: pressed again until it moves (the top
    // step is as far as it goes).
    const overArea = async () => /area (\w+)/.exec((await announced.textContent()) ?? '')?.[1];
    for (let tries = 0; tries < 5 && ((await overArea()) ?? dragged) === dragged; tries++) {
      await page.keyboard.press('ArrowUp');
      await expect
        .poll(overArea, { timeout: 2_000 })
        .not.toBe(dragged)
        .catch(() => undefined);
    }
    await expect.poll(overArea).not.toBe(dragged);
    await page.keyboard.press('Space');
    await expectText(page.getByRole('region', { name: 'Step 1', exact: true }), 'task');
    await page
      .getByRole('switch', { name: 'Stop when anyone at their company replies' })
      .click({ force: true });
    await page.getByRole('button', { name: 'Save sequence' }).click();
    await page.getByText('Saved.', { exact: true }).waitFor();
    const sequenceId = page.url().split('/').pop() ?? '';
    const saved = await api(`/api/v1/sequences/${sequenceId}`);
    expect(saved.steps.map((s: { kind: string }) => s.kind)).toEqual(['task', 'email']);
    expect(saved.settings.stopOnCompanyReply).toBe(true);
    await shot(page, 'sequence-editor');

    // Enroll the list from its page, and Bob from his.
    await page.goto(`${server.url}/lists`);
    await page.getByRole('link', { name: 'Webinar attendees' }).click();
    await pick(page, 'Enroll everyone in a sequence', 'Outbound');
    await page.getByRole('button', { name: 'Enroll list' }).click();
    await page.getByText(/^Enrolled 1;/).waitFor();
    await page.goto(`${server.url}/people/${bobId}`);
    await page.getByRole('button', { name: 'Enroll in sequence' }).click();
    await pick(page.getByRole('dialog'), 'Sequence', 'Outbound');
    await page.getByRole('dialog').getByRole('button', { name: 'Enroll' }).click();
    await expectText(page.getByRole('region', { name: 'Sequences', exact: true }), 'Outbound');
    await shot(page, 'person');

    // The enrollments table: both active; Ada stopped by hand; the report counts them.
    await page.goto(`${server.url}/sequences/${sequenceId}`);
    const table = page.getByRole('table', { name: 'Enrollments table' });
    await expect.poll(() => table.locator('tbody tr').count(), WAIT).toBe(2);
    await page.getByRole('button', { name: 'Stop ada@example.com' }).click();
    await expectText(table.locator('tbody tr', { hasText: 'Ada' }), 'Stopped: by hand');
    await page.reload();
    await expectText(page.getByRole('region', { name: 'Sequence report' }), 'Enrolled2');
    // The first step (a task for the owner) ran for Bob within the scheduler's second.
    await expect
      .poll(async () => (await api(`/api/v1/sequences/${sequenceId}/report`)).steps[0].ran, WAIT)
      .toBeGreaterThanOrEqual(1);
    await page.reload();
    await expect.poll(() => table.locator('tbody tr').count(), WAIT).toBe(2);
    await shot(page, 'sequence-enrollments');
  }, 90_000);
});
