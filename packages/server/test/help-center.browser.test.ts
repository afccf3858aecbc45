import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type SmtpSink, startSmtpSink } from '../src/testing/smtp-sink.js';
import { startTandem } from './support/start-tandem.js';
import { freePort, freshPage, HAS_CHROMIUM, launchChromium, signIn } from './support/web-ui-browser.js';

const OWNER = { email: 'help-owner@example.com', password: 'amber lantern river 17' };
const ADMIN_TOKEN = 'tdm_help_center_browser_admin_token_01';
/** Screenshots of the help center, the public pages and the portal, to look at. */
const SHOTS = '/tmp/shots-help-center';

describe.skipIf(!HAS_CHROMIUM)('help center and customer portal, in a real browser', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'tandem-help-'));
  let server: Awaited<ReturnType<typeof startTandem>>;
  let smtp: SmtpSink;
  let url: string;
  let browser: Browser;

  beforeAll(async () => {
    vi.setConfig({ expect: { poll: { timeout: 10_000, interval: 100 } } });
    mkdirSync(SHOTS, { recursive: true });
    smtp = await startSmtpSink();
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    server = await startTandem({
      PORT: String(port),
      TANDEM_PUBLIC_URL: url,
      TANDEM_SMTP_URL: smtp.url,
      TANDEM_DATA_DIR: dataDir,
      TANDEM_ADMIN_EMAIL: OWNER.email,
      TANDEM_ADMIN_PASSWORD: OWNER.password,
      TANDEM_ADMIN_TOKEN: ADMIN_TOKEN,
    });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    server?.child.kill('SIGTERM');
    await smtp?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const shot = (page: Page, name: string) =>
    page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true, animations: 'disabled' });
  const api = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${url}${path}`, {
      method,
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${ADMIN_TOKEN}` },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, json: await response.json() };
  };

  it('publishes an article, serves and searches it publicly, links it in a reply, and runs the portal', async () => {
    const ticket = await api('POST', '/api/v1/tickets', {
      subject: 'API keys stopped working',
      email: 'erin@example.com',
      body: 'Our integration gets 401 since this morning.',
    });
    expect(ticket.status).toBe(201);
    await api('POST', `/api/v1/tickets/${ticket.json.id}/replies`, {
      body: 'INTERNAL: customer is on the legacy plan',
      public: false,
    });
    const draft = await api('POST', '/api/v1/help-center/articles', {
      title: 'Roadmap draft',
      body: 'Unannounced roadmap',
    });
    expect(draft.status).toBe(201);
    const site = (await api('GET', '/api/v1/help-center/site')).json;

    // The agent writes and publishes an article in the admin UI.
    const admin = await freshPage(browser);
    await signIn(admin, url, OWNER.email, OWNER.password);
    await admin.getByRole('link', { name: 'Help center' }).click();
    await admin.waitForURL(/\/help-center/);
    await admin.getByLabel('New category').fill('Developers');
    await admin.getByRole('button', { name: 'Add category' }).click();
    await expect
      .poll(() => admin.getByRole('region', { name: 'Categories' }).textContent())
      .toContain('Developers');
    await admin.getByRole('button', { name: 'New article' }).click();
    const editor = admin.getByRole('form', { name: 'New article' });
    await editor.getByLabel('Title').fill('Rotate your API keys');
    await editor
      .getByRole('textbox', { name: 'Body (Markdown)' })
      .fill(
        '## Steps\n\n1. Open **Settings › API keys**\n2. Click *Rotate*\n\nOld keys stop working at once. See [the API docs](https://example.com/docs).\n\n<script>alert(1)</script>',
      );
    await editor.getByRole('combobox', { name: 'Category' }).click();
    await admin.getByRole('option', { name: 'Developers' }).click();
    await editor.getByText('Published', { exact: true }).click();
    await editor.getByRole('tab', { name: 'Preview' }).click();
    const preview = admin.getByRole('region', { name: 'Preview' });
    await expect.poll(() => preview.locator('strong').first().textContent()).toBe('Settings › API keys');
    await expect.poll(() => preview.textContent()).toContain('<script>alert(1)</script>');
    await shot(admin, '1-editor-preview');
    await editor.getByRole('button', { name: 'Save' }).click();
    const table = admin.getByRole('table', { name: 'Articles' });
    await expect.poll(() => table.textContent()).toContain('Rotate your API keys');
    await expect.poll(() => table.textContent()).toContain('Published');
    await expect.poll(() => table.textContent()).toContain('Draft');
    await shot(admin, '2-articles');

    // The public help center: no login, search finds the published article, not the draft.
    const visitor = await freshPage(browser);
    await visitor.goto(site.url);
    await expect.poll(() => visitor.getByRole('heading', { name: 'Developers' }).count()).toBe(1);
    await visitor.getByRole('searchbox').fill('rotate');
    await visitor.getByRole('button', { name: 'Search' }).click();
    const results = visitor.getByRole('region', { name: 'Search results' });
    await expect.poll(() => results.textContent()).toContain('Rotate your API keys');
    await shot(visitor, '3-public-search');
    await visitor.getByRole('searchbox').fill('roadmap');
    await visitor.getByRole('button', { name: 'Search' }).click();
    await expect.poll(() => results.textContent()).toContain('No article matches');
    await visitor.goto(site.url);
    await visitor.getByRole('link', { name: 'Rotate your API keys' }).click();
    await expect
      .poll(() => visitor.getByRole('heading', { level: 1 }).textContent())
      .toBe('Rotate your API keys');
    await expect.poll(() => visitor.getByRole('listitem').first().textContent()).toContain('Open Settings');
    const articleUrl = visitor.url();
    await shot(visitor, '4-public-article');
    const draftPage = await visitor.goto(`${site.url}/articles/roadmap-draft`);
    expect(draftPage?.status()).toBe(404);

    // The agent inserts the article's link into a reply.
    await admin.goto(`${url}/tickets/${ticket.json.id}`);
    await admin.getByRole('combobox', { name: 'Insert an article link' }).click();
    await admin.getByRole('combobox', { name: 'Insert an article link' }).fill('rotate');
    await admin.getByRole('option', { name: 'Rotate your API keys' }).click();
    const reply = admin.getByRole('textbox', { name: 'Reply to the customer' });
    await expect.poll(() => reply.inputValue()).toBe(`Rotate your API keys: ${articleUrl}`);
    await reply.fill(`Please rotate your keys: ${articleUrl}`);
    await admin.getByRole('button', { name: 'Send reply' }).click();
    await expect
      .poll(() => admin.getByRole('article', { name: 'Public reply' }).textContent())
      .toContain(articleUrl);
    await shot(admin, '5-ticket-with-link');

    // The requester signs in to the portal by the emailed link.
    const customer = await freshPage(browser);
    await customer.goto(site.portalUrl);
    await customer.getByLabel('Email').fill('erin@example.com');
    await customer.getByRole('button', { name: 'Email me a sign-in link' }).click();
    await expect.poll(() => customer.getByRole('status').textContent()).toContain('sign-in link');
    await expect.poll(() => smtp.to('erin@example.com').length).toBe(1);
    const link = /(http:\/\/\S+\/portal\/sign-in\?token=\S+)/.exec(
      smtp.to('erin@example.com')[0]?.text ?? '',
    )?.[1];
    expect(link).toBeDefined();
    await customer.goto(link as string);
    await customer.getByRole('button', { name: 'Sign in to your requests' }).click();
    await customer.waitForURL(/\/portal$/);
    await customer.getByRole('link', { name: /API keys stopped working/ }).click();
    await expect.poll(() => customer.getByRole('main').textContent()).toContain('Please rotate your keys');
    expect(await customer.getByRole('main').textContent()).not.toContain('INTERNAL');
    await customer.getByLabel('Your reply').fill('Rotated them, works again. Thanks!');
    await customer.getByRole('button', { name: 'Send reply' }).click();
    await expect.poll(() => customer.getByRole('main').textContent()).toContain('Rotated them, works again.');
    await shot(customer, '6-portal-ticket');
    // The link worked once.
    await customer.goto(link as string);
    await customer.getByRole('button', { name: 'Sign in to your requests' }).click();
    await expect
      .poll(() => customer.getByRole('main').textContent())
      .toContain('expired or was already used');

    // The agent sees the customer's reply on the ticket.
    await admin.reload();
    await expect
      .poll(() => admin.getByRole('region', { name: 'Conversation' }).textContent())
      .toContain('Rotated them, works again.');
    await shot(admin, '7-agent-sees-reply');
  });
});
