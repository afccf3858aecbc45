import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type SmtpRelay, startSmtpRelay } from '@tandem/engine/testing';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startTandem } from './support/start-tandem.js';
import { freePort, freshPage, HAS_CHROMIUM, launchChromium, pick, signIn } from './support/web-ui-browser.js';

const OWNER = { email: 'csat-owner@example.com', password: 'amber lantern river 17' };
const ADMIN_TOKEN = 'tdm_csat_browser_admin_token_0123456';
/** Screenshots of the satisfaction pages, to look at. */
const SHOTS = '/tmp/shots-csat';

describe.skipIf(!HAS_CHROMIUM)('satisfaction surveys and web forms, in a real browser', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'tandem-csat-'));
  let server: Awaited<ReturnType<typeof startTandem>>;
  let relay: SmtpRelay;
  let browser: Browser;

  beforeAll(async () => {
    vi.setConfig({ expect: { poll: { timeout: 10_000, interval: 100 } } });
    mkdirSync(SHOTS, { recursive: true });
    relay = await startSmtpRelay();
    const port = await freePort();
    server = await startTandem({
      PORT: String(port),
      TANDEM_PUBLIC_URL: `http://127.0.0.1:${port}`,
      TANDEM_DATA_DIR: dataDir,
      TANDEM_ADMIN_EMAIL: OWNER.email,
      TANDEM_ADMIN_PASSWORD: OWNER.password,
      TANDEM_ADMIN_TOKEN: ADMIN_TOKEN,
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
    page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true, animations: 'disabled' });
  const api = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${server.url}${path}`, {
      method,
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${ADMIN_TOKEN}` },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: response.status, body: response.status === 204 ? null : await response.json() };
  };

  it('solve → survey email → answer 5 in the browser → rating on the ticket and the person’s timeline', async () => {
    expect((await api('POST', '/api/v1/mailboxes', { address: 'help@acme.example' })).status).toBe(201);
    const created = await api('POST', '/api/v1/tickets', {
      subject: 'Invoice missing',
      email: 'ana@customer.example',
      priority: 'normal',
      body: 'Where is my invoice?',
    });
    expect(created.status).toBe(201);
    const ticket = created.body as { id: string; number: number; profileId: string };

    const agent = await freshPage(browser);
    await signIn(agent, server.url, OWNER.email, OWNER.password);
    await agent.goto(`${server.url}/tickets/${ticket.id}`);
    const card = agent.getByRole('region', { name: 'Satisfaction' });
    await expect.poll(() => card.textContent()).toContain('A survey is emailed when the ticket is solved');
    await pick(agent, 'Status', 'Solved');

    await expect
      .poll(() => relay.messages.filter((m) => m.subject?.startsWith('How did we do')).length)
      .toBe(1);
    const mail = relay.messages.find((m) => m.subject?.startsWith('How did we do'));
    expect(JSON.stringify(mail?.to)).toContain('ana@customer.example');
    expect(mail?.subject).toContain(`#${ticket.number}`);
    const link = new RegExp(`${server.url}/csat/[A-Za-z0-9_-]+`).exec(mail?.text ?? '')?.[0];
    expect(link).toBeDefined();
    await expect.poll(() => card.textContent()).toContain('no answer yet');

    // The requester, not signed in, opens the link.
    const requester = await freshPage(browser);
    await requester.goto(link ?? '');
    await expect.poll(() => requester.getByText('Invoice missing').count()).toBe(1);
    await requester.getByRole('radio', { name: '5: Very satisfied' }).click();
    await requester.getByLabel('Comment (optional)').fill('Quick and friendly');
    await shot(requester, '1-survey');
    await requester.getByRole('button', { name: 'Send my answer' }).click();
    await expect.poll(() => requester.getByRole('status').textContent()).toContain('5 out of 5');
    await shot(requester, '2-survey-answered');

    await agent.reload();
    await expect.poll(() => card.textContent()).toContain('CSAT 5/5');
    await expect.poll(() => card.textContent()).toContain('Quick and friendly');
    await shot(agent, '3-ticket-rated');

    await agent.goto(`${server.url}/people/${ticket.profileId}`);
    await expect
      .poll(() => agent.getByText('CSAT Submitted').count(), { timeout: 20_000 })
      .toBeGreaterThan(0);
    await shot(agent, '4-person-timeline');

    await agent.goto(`${server.url}/support-reports`);
    const csat = agent.getByRole('region', { name: 'Customer satisfaction' });
    await expect.poll(() => csat.textContent()).toContain('100%');
    await expect.poll(() => agent.getByRole('region', { name: 'SLA attainment' }).count()).toBe(1);
    await shot(agent, '5-support-reports');
  });

  it('creates a web form in settings; its snippet opens a ticket from a website page', async () => {
    const page = await freshPage(browser);
    await signIn(page, server.url, OWNER.email, OWNER.password);
    await page.getByRole('link', { name: 'Web forms' }).click();
    await page.waitForURL(/\/web-forms/);
    await expect.poll(() => page.getByText('No web forms yet.').count()).toBe(1);
    const form = page.getByRole('form', { name: 'New web form' });
    await form.getByLabel('Name').fill('Contact us');
    await form.getByRole('button', { name: 'Create form' }).click();
    const card = page.getByRole('region', { name: 'Web form Contact us' });
    await expect.poll(() => card.textContent()).toContain('data-tandem-form');
    await shot(page, '6-web-forms');
    const snippet = (await card.getByLabel('Snippet of Contact us').textContent()) ?? '';

    // A website on another origin (a port of its own) embeds the snippet.
    const shop = createServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/html' });
      response.end(`<!doctype html><title>Shop</title><h1>Shop</h1>${snippet}`);
    });
    await new Promise<void>((resolve) => shop.listen(0, '127.0.0.1', resolve));
    const { port: shopPort } = shop.address() as AddressInfo; // a TCP listener
    const site = await freshPage(browser);
    await site.goto(`http://127.0.0.1:${shopPort}/`);
    await shot(site, '7-embedded-form-loaded');
    const embedded = site.getByRole('form', { name: 'Contact support' });
    await embedded.getByLabel('Email').fill('visitor@shop.example');
    await embedded.getByLabel('Subject').fill('Parcel lost');
    await embedded.getByLabel('Message').fill('It never came.');
    // Too fast first: the form says so.
    await embedded.getByRole('button', { name: 'Send' }).click();
    await expect.poll(() => embedded.getByRole('status').textContent()).toContain('too fast');
    await new Promise((resolve) => setTimeout(resolve, 3_200));
    await embedded.getByRole('button', { name: 'Send' }).click();
    await expect.poll(() => site.getByRole('status').first().textContent()).toContain('was received');
    await shot(site, '7-embedded-form');
    const list = await api('GET', '/api/v1/tickets?limit=10');
    const opened = (
      list.body as { data: { subject: string; channel: string; requesterEmail: string }[] }
    ).data.find((t) => t.subject === 'Parcel lost');
    expect(opened).toMatchObject({ channel: 'web', requesterEmail: 'visitor@shop.example' });
    shop.close();
  });
});
