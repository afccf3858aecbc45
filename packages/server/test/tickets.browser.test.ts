import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startTandem } from './support/start-tandem.js';
import { freshPage, HAS_CHROMIUM, launchChromium, pick, signIn } from './support/web-ui-browser.js';

const WRITE_KEY = 'wk_tickets_browser_key';
const OWNER = { email: 'agent@example.com', password: 'violet kettle orbit 42' };
const ADMIN_TOKEN = 'tdm_tickets_browser_admin_token_0123456789';
/** Screenshots of the service desk pages, to look at. */
const SHOTS = '/tmp/shots-tickets';

describe.skipIf(!HAS_CHROMIUM)('tickets in the web UI, in a real browser', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'tandem-tickets-'));
  let server: Awaited<ReturnType<typeof startTandem>>;
  let browser: Browser;

  beforeAll(async () => {
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
  const api = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${server.url}${path}`, {
      method,
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${ADMIN_TOKEN}` },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: response.status, json: (await response.json()) as Record<string, unknown> };
  };

  it('shows a ticket made through the API in the inbox; an agent notes, replies and solves it', async () => {
    const sent = await fetch(`${server.url}/v1/identify`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        Authorization: `Basic ${Buffer.from(`${WRITE_KEY}:`).toString('base64')}`,
      },
      body: JSON.stringify({
        userId: 'grace',
        traits: { email: 'grace@example.com', name: 'Grace Hopper', plan: 'enterprise' },
      }),
    });
    expect(sent.status).toBe(200);
    // An order, which the customer sidebar lists beside the ticket.
    const ordered = await fetch(`${server.url}/v1/track`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        Authorization: `Basic ${Buffer.from(`${WRITE_KEY}:`).toString('base64')}`,
      },
      body: JSON.stringify({
        userId: 'grace',
        event: 'Order Completed',
        properties: {
          order_id: 'ORD-1906',
          total: 129,
          currency: 'EUR',
          products: [{ sku: 'a' }, { sku: 'b' }],
        },
      }),
    });
    expect(ordered.status).toBe(200);
    let profileId = '';
    await expect
      .poll(
        async () => {
          const found = await api('GET', '/api/v1/profiles/lookup?type=user_id&value=grace');
          profileId = found.status === 200 ? String(found.json.id) : '';
          return profileId;
        },
        { timeout: 20_000, interval: 200 },
      )
      .toMatch(/^prof_/);
    const created = await api('POST', '/api/v1/tickets', {
      subject: 'Compiler crashes on startup',
      profileId,
      priority: 'high',
      body: 'Since this morning the compiler crashes as soon as it starts.',
    });
    expect(created.status).toBe(201);
    const ticketId = String(created.json.id);
    const canned = await api('POST', '/api/v1/canned-replies', {
      name: 'Looking into it',
      body: 'Hi {{ person.first_name }}, we are looking into ticket #{{ ticket.number }}.',
    });
    expect(canned.status).toBe(201);

    const pipelines = (await api('GET', '/api/v1/pipelines')).json as { data: { id: string }[] };
    const deal = await api('POST', '/api/v1/deals', {
      name: 'Grace renewal',
      amount: 5000,
      currency: 'EUR',
      pipelineId: pipelines.data[0]?.id,
      profileIds: [profileId],
    });
    expect(deal.status).toBe(201);

    const page = await freshPage(browser);
    await signIn(page, server.url, OWNER.email, OWNER.password);
    await page.getByRole('link', { name: 'Tickets', exact: true }).click();
    await page.waitForURL(/\/tickets$/);
    const inbox = page.getByRole('table', { name: 'Tickets' });
    await expect.poll(() => inbox.textContent()).toContain('Compiler crashes on startup');
    await expect.poll(() => inbox.textContent()).toContain('grace@example.com');
    await shot(page, '1-inbox');

    // The keyboard opens the first row.
    await page.locator('body').click({ position: { x: 5, y: 5 } });
    await page.keyboard.press('Enter');
    await page.waitForURL(new RegExp(`/tickets/${ticketId}`));
    const conversation = page.getByRole('region', { name: 'Conversation' });
    await expect.poll(() => conversation.textContent()).toContain('the compiler crashes');
    await expect
      .poll(() => page.getByRole('complementary', { name: 'Customer' }).textContent())
      .toContain('enterprise');
    await expect
      .poll(() => page.getByRole('table', { name: 'Orders' }).textContent())
      .toMatch(/ORD-1906.*129.*2 items/);

    // An internal note, set apart from the conversation's public messages.
    await page.getByText('Internal note', { exact: true }).click();
    await page.getByRole('textbox', { name: 'Internal note' }).fill('Probably the new SSO build, check logs');
    await page.getByRole('button', { name: 'Add note' }).click();
    await expect
      .poll(() => page.getByRole('article', { name: 'Internal note' }).textContent())
      .toContain('check logs');

    // A public reply from a canned reply, filled in for Grace.
    await page.getByText('Public reply', { exact: true }).click();
    await pick(page, 'Canned reply', 'Looking into it');
    const reply = page.getByRole('textbox', { name: 'Reply to the customer' });
    await expect.poll(() => reply.inputValue()).toMatch(/^Hi Grace, we are looking into ticket #\d+\.$/);
    await page.locator('input[type=file]').setInputFiles({
      name: 'workaround.txt',
      mimeType: 'text/plain',
      buffer: Buffer.from('set COMPILER_SAFE_MODE=1'),
    });
    await page.getByRole('button', { name: 'Send reply' }).click();
    await expect
      .poll(() => page.getByRole('article', { name: 'Public reply' }).textContent())
      .toContain('Hi Grace');
    await expect.poll(() => page.getByRole('article').count()).toBe(3);
    await expect
      .poll(() => page.getByRole('article', { name: 'Public reply' }).textContent())
      .toContain('workaround.txt');

    // One of Grace's deals, linked to the ticket.
    await pick(page, 'Link a deal', 'Grace renewal');
    await expect
      .poll(() => page.getByRole('region', { name: 'Linked deals' }).getByRole('link').textContent())
      .toBe('Grace renewal');
    await shot(page, '2-ticket-conversation');

    // Solved from the properties.
    await pick(page, 'Status', 'Solved');
    await expect
      .poll(async () => (await api('GET', `/api/v1/tickets/${ticketId}`)).json.status)
      .toBe('solved');
    await expect
      .poll(() => page.getByRole('main').getByText('Solved', { exact: true }).count())
      .toBeGreaterThan(0);
    await shot(page, '3-ticket-solved');
    const saved = (await api('GET', `/api/v1/tickets/${ticketId}`)).json as {
      messages: { public: boolean; direction: string; attachments: { filename: string }[] }[];
      dealIds: string[];
    };
    expect(saved.dealIds).toEqual([deal.json.id]);
    expect(saved.messages[2]?.attachments.map((a) => a.filename)).toEqual(['workaround.txt']);
    expect(saved.messages.map((m) => [m.direction, m.public])).toEqual([
      ['inbound', true],
      ['outbound', false],
      ['outbound', true],
    ]);

    // Solved tickets leave the Open view and show in Solved.
    await page.goto(`${server.url}/tickets?view=solved`);
    await expect
      .poll(() => page.getByRole('table', { name: 'Tickets' }).textContent())
      .toContain('Compiler crashes');
    await page.goto(`${server.url}/support-reports`);
    await expect
      .poll(() => page.getByRole('table', { name: 'By agent' }).textContent())
      .toContain('Unassigned');
    await shot(page, '4-support-reports');
    await page.goto(`${server.url}/canned-replies`);
    await expect
      .poll(() => page.getByRole('table', { name: 'Canned replies' }).textContent())
      .toContain('Looking into it');
    await shot(page, '5-canned-replies');
  }, 120_000);

  it('selects tickets with the keyboard, changes them in bulk and merges duplicates', async () => {
    const grace = await api('GET', '/api/v1/profiles/lookup?type=user_id&value=grace');
    const profileId = String(grace.json.id);
    // An SLA policy: each ticket's timer shows in the inbox.
    const policy = await api('POST', '/api/v1/sla-policies', {
      name: 'First response within the hour',
      targets: { normal: { firstResponse: 60 } },
    });
    expect(policy.status).toBe(201);
    const first = await api('POST', '/api/v1/tickets', {
      subject: 'Printer on fire',
      profileId,
      body: 'Smoke!',
    });
    const second = await api('POST', '/api/v1/tickets', {
      subject: 'Printer still on fire',
      profileId,
      body: 'More smoke',
    });
    expect([first.status, second.status]).toEqual([201, 201]);

    const page = await freshPage(browser);
    await signIn(page, server.url, OWNER.email, OWNER.password);
    await page.goto(`${server.url}/tickets`);
    const inbox = page.getByRole('table', { name: 'Tickets' });
    await expect.poll(() => inbox.getByRole('row').count()).toBe(3); // the header and two tickets
    await expect.poll(() => inbox.textContent()).toMatch(/due in (59 m|1 h 0 m)/);
    await shot(page, '6-inbox-sla-timers');
    await page.locator('body').click({ position: { x: 5, y: 5 } });
    await page.keyboard.press('x');
    await page.keyboard.press('j');
    await page.keyboard.press('x');
    const bar = page.getByRole('region', { name: 'Change the selected tickets' });
    await expect.poll(() => bar.textContent()).toContain('2 tickets selected');
    await pick(bar, 'Set priority', 'Urgent');
    await bar.getByRole('button', { name: 'Apply' }).click();
    await expect
      .poll(async () => (await api('GET', `/api/v1/tickets/${second.json.id}`)).json.priority)
      .toBe('urgent');
    await expect.poll(() => inbox.textContent()).toMatch(/Urgent.*Urgent/);

    await page.keyboard.press('x');
    await page.keyboard.press('k');
    await page.keyboard.press('x');
    await expect.poll(() => bar.textContent()).toContain('2 tickets selected');
    await shot(page, '7-bulk-selected');
    await bar.getByRole('button', { name: `Merge into #${first.json.number}` }).click();
    await expect
      .poll(async () => (await api('GET', `/api/v1/tickets/${second.json.id}`)).json.mergedInto)
      .toBe(first.json.id);
    await expect.poll(() => inbox.getByRole('row').count()).toBe(2);
    const merged = (await api('GET', `/api/v1/tickets/${first.json.id}`)).json as {
      messages: { body: string }[];
    };
    expect(merged.messages.map((m) => m.body)).toEqual(expect.arrayContaining(['Smoke!', 'More smoke']));
  }, 120_000);
});
