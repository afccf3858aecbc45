import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ParsedMail, simpleParser } from 'mailparser';
import pg from 'pg';
import type { Browser, Locator, Page } from 'playwright-core';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startTandem } from './support/start-tandem.js';
import { freshPage, HAS_CHROMIUM, launchChromium, pick, signIn } from './support/web-ui-browser.js';

const MARKETER = { email: 'marketer@example.com', password: 'copper meadow signal 58' };
const ADMIN_TOKEN = 'tdm_journeys_ui_browser_admin_token_0123';
const WRITE_KEY = 'wk_journeys_ui_browser_0123456789';
const PERSON = { userId: 'ada', email: 'ada@customer.example', name: 'Ada' };

/** A real SMTP server standing in for the outbound relay: keeps every message it accepts, parsed. */
async function startSink() {
  const messages: ParsedMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    disableReverseLookup: true,
    onData(stream, _session, callback) {
      simpleParser(stream).then(
        (mail) => {
          messages.push(mail);
          callback();
        },
        (error: Error) => callback(error),
      );
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  // A listening TCP server's address is an AddressInfo.
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    messages,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Each engine the server can run on: SQLite, and PostgreSQL (a database of its own) when configured. */
const ENGINES = process.env.TANDEM_TEST_DATABASE_URL ? ['sqlite', 'postgres'] : ['sqlite'];

describe.skipIf(!HAS_CHROMIUM).each(ENGINES)(
  'journey canvas in a real browser, email over real SMTP, on %s',
  (engine) => {
    const dataDir = mkdtempSync(join(tmpdir(), 'tandem-journeys-ui-'));
    const database = `tandem_journeys_ui_${randomBytes(4).toString('hex')}`;
    const adminUrl = process.env.TANDEM_TEST_DATABASE_URL ?? '';
    const admin = async (sql: string) => {
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      try {
        await client.query(sql);
      } finally {
        await client.end();
      }
    };
    let server: Awaited<ReturnType<typeof startTandem>>;
    let sink: Awaited<ReturnType<typeof startSink>>;
    let browser: Browser;

    beforeAll(async () => {
      vi.setConfig({ expect: { poll: { timeout: 20_000, interval: 200 } } });
      sink = await startSink();
      const env: Record<string, string> = {
        TANDEM_DATA_DIR: dataDir,
        TANDEM_ADMIN_EMAIL: MARKETER.email,
        TANDEM_ADMIN_PASSWORD: MARKETER.password,
        TANDEM_ADMIN_TOKEN: ADMIN_TOKEN,
        TANDEM_WRITE_KEY: WRITE_KEY,
        TANDEM_SMTP_URL: sink.url,
      };
      if (engine === 'postgres') {
        await admin(`CREATE DATABASE ${database}`);
        const url = new URL(adminUrl);
        url.pathname = `/${database}`;
        env.DATABASE_URL = url.toString();
      }
      server = await startTandem(env);
      browser = await launchChromium();
    });
    afterAll(async () => {
      await browser?.close();
      if (server) {
        const exited = new Promise((resolve) => server.child.once('exit', resolve));
        server.child.kill('SIGTERM');
        await exited;
      }
      await sink?.close();
      rmSync(dataDir, { recursive: true, force: true });
      if (engine === 'postgres') await admin(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    });

    const shot = (page: Page, name: string) =>
      page.screenshot({
        path: `/tmp/journeys-ui-${engine}-${name}.png`,
        fullPage: true,
        animations: 'disabled',
      });
    const api = async (path: string, body: unknown) => {
      const response = await fetch(`${server.url}${path}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${ADMIN_TOKEN}` },
        body: JSON.stringify(body),
      });
      return { status: response.status, json: (await response.json()) as Record<string, unknown> };
    };
    const track = async (path: '/v1/identify' | '/v1/track', body: unknown) => {
      const response = await fetch(`${server.url}${path}`, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          Authorization: `Basic ${Buffer.from(`${WRITE_KEY}:`).toString('base64')}`,
        },
        body: JSON.stringify(body),
      });
      expect(response.status).toBe(200);
    };
    /** Drags from the centre of one element to the centre of another, as a person links two nodes. */
    const drag = async (page: Page, from: Locator, to: Locator) => {
      const a = await from.boundingBox();
      const b = await to.boundingBox();
      if (!a || !b) throw new Error('both ends of the link are on screen');
      await page.mouse.move(a.x + a.width / 2, a.y + a.height / 2);
      await page.mouse.down();
      await page.mouse.move(b.x + b.width / 2, b.y + b.height / 2, { steps: 12 });
      await page.mouse.up();
    };

    it('draws entry → delay 1s → send email on the canvas, publishes, and the email arrives when the event comes', async () => {
      // A transactional template: the proof is the canvas and the journey, not consent or topics.
      const template = await api('/api/v1/email/templates', {
        name: 'Welcome',
        subject: 'Welcome, {{ traits.name }}',
        mjml: '<mjml><mj-body><mj-section><mj-column><mj-text>Hello {{ traits.name }}, glad you signed up.</mj-text></mj-column></mj-section></mj-body></mjml>',
        category: 'transactional',
      });
      expect(template.status).toBe(201);
      await track('/v1/identify', {
        userId: PERSON.userId,
        traits: { email: PERSON.email, name: PERSON.name },
      });

      const page = await freshPage(browser);
      await signIn(page, server.url, MARKETER.email, MARKETER.password);
      await page.getByRole('link', { name: 'Journeys', exact: true }).click();
      await page.waitForURL(/\/journeys$/);
      await page.getByRole('link', { name: 'New journey' }).click();
      await page.getByLabel('Journey name').fill('Welcome series');

      // The entry: the event "Signed Up".
      await page.getByLabel('Journey entry').click();
      await page.getByRole('combobox', { name: 'Event', exact: true }).fill('Signed Up');

      // A delay, added from the palette: it goes under the entry, linked to it.
      await page.getByRole('toolbar', { name: 'Add a step' }).getByRole('button', { name: 'Delay' }).click();
      const panel = page.getByLabel('Node settings');
      await panel.getByLabel('Wait amount').fill('1');
      await pick(panel, 'Wait unit', 'seconds');

      // A send-email step added with nothing selected stands alone; a drag links the delay to it.
      await page.locator('.react-flow__pane').click({ position: { x: 20, y: 20 } });
      await page
        .getByRole('toolbar', { name: 'Add a step' })
        .getByRole('button', { name: 'Send email' })
        .click();
      await panel.getByRole('combobox', { name: 'Email template', exact: true }).click();
      await page.getByRole('option', { name: /^Welcome/ }).click();
      const edges = page.locator('.react-flow__edge');
      await expect.poll(() => edges.count()).toBe(1);
      await drag(
        page,
        page.locator('.react-flow__node[data-id="delay_1"] .react-flow__handle.source'),
        page.locator('.react-flow__node[data-id="send_email_1"] .react-flow__handle.target'),
      );
      await expect.poll(() => edges.count()).toBe(2);
      await shot(page, '1-drawn');

      await page.getByRole('button', { name: 'Save draft' }).click();
      await page.waitForURL(/\/journeys\/jrn_/);
      await page.getByRole('button', { name: 'Publish…' }).click();
      const dialog = page.getByRole('dialog', { name: 'Publish journey' });
      await dialog.getByRole('button', { name: /^Publish/ }).click();
      await expect.poll(() => page.getByLabel('Status live').count()).toBe(1);

      await track('/v1/track', { userId: PERSON.userId, event: 'Signed Up', properties: { plan: 'pro' } });
      await expect.poll(() => sink.messages.map((m) => m.subject)).toEqual([`Welcome, ${PERSON.name}`]);
      const [mail] = sink.messages;
      expect(mail?.to && 'text' in mail.to ? mail.to.text : '').toContain(PERSON.email);
      expect(mail?.text ?? '').toContain(`Hello ${PERSON.name}, glad you signed up.`);

      // The canvas's live counts and the report follow.
      const emailNode = page.locator('.react-flow__node[data-id="send_email_1"]');
      await expect.poll(() => emailNode.getByLabel('Live counts').textContent()).toMatch(/1 passed/);
      await shot(page, '2-live');
      await page.getByRole('tab', { name: 'Report' }).click();
      await expect.poll(() => page.getByLabel('Entered: 1').count()).toBe(1);
      // The email's figures per step come from the email domain: sent and delivered by the relay.
      const emailRow = page.getByRole('table', { name: 'Emails' }).getByRole('row', { name: /send_email_1/ });
      await expect.poll(() => emailRow.getByRole('cell').nth(1).textContent()).toBe('1');
      await expect.poll(() => emailRow.getByRole('cell').nth(2).textContent()).toBe('1');
      await shot(page, '3-report');

      // Paused, nobody new enters; resumed, the journey is live again.
      await page.getByRole('button', { name: 'Pause' }).click();
      await expect.poll(() => page.getByLabel('Status paused').count()).toBe(1);
      await page.getByRole('button', { name: 'Resume' }).click();
      await expect.poll(() => page.getByLabel('Status live').count()).toBe(1);
    });

    it('removes a random split’s branch with its own link, and keeps the goal’s filter when its event changes', async () => {
      const created = await api('/api/v1/journeys', {
        name: 'Three-way test',
        entry: { kind: 'event', event: 'Trial Started' },
        steps: [
          { id: 'ab', kind: 'random_split', weights: [50, 30, 20], next: ['x', 'y', 'z'] },
          { id: 'x', kind: 'exit' },
          { id: 'y', kind: 'exit' },
          { id: 'z', kind: 'exit' },
        ],
        settings: {
          goal: { event: 'Order Completed', where: [{ property: 'total', op: 'gte', value: 50 }] },
        },
      });
      expect(created.status).toBe(201);
      const journeyId = String(created.json.id);

      const page = await freshPage(browser);
      await signIn(page, server.url, MARKETER.email, MARKETER.password);
      await page.goto(`${server.url}/journeys/${journeyId}`);
      const panel = page.getByLabel('Node settings');
      // Nothing selected: the journey's settings, the goal's filter in the where editor.
      await expect
        .poll(() => panel.getByRole('combobox', { name: 'Goal', exact: true }).inputValue())
        .toBe('Order Completed');
      await expect.poll(() => panel.getByText('Only when its properties match').count()).toBe(1);
      await panel.getByRole('combobox', { name: 'Goal', exact: true }).fill('Order Paid');
      await shot(page, '4-settings');

      await page.locator('.react-flow__node[data-id="ab"]').click();
      await panel.getByRole('button', { name: 'Remove branch A' }).click();
      await page.getByRole('button', { name: 'Save draft' }).click();

      const saved = async () => {
        const response = await fetch(`${server.url}/api/v1/journeys/${journeyId}`, {
          headers: { Authorization: `Bearer ${ADMIN_TOKEN}` },
        });
        return (await response.json()) as {
          steps: { id: string; weights?: number[]; next?: unknown }[];
          settings: { goal?: unknown };
        };
      };
      await expect
        .poll(async () => (await saved()).steps.find((step) => step.id === 'ab'))
        .toMatchObject({ weights: [30, 20], next: ['y', 'z'] });
      expect((await saved()).settings.goal).toEqual({
        event: 'Order Paid',
        where: [{ property: 'total', op: 'gte', value: 50 }],
      });
      await shot(page, '5-split');
    });

    it('lists a long-named journey with its whole status, names templates in its versions, and says what an unsaved draft lacks once', async () => {
      const template = await api('/api/v1/email/templates', {
        name: 'Trial ending',
        subject: 'Your trial ends soon',
        mjml: '<mjml><mj-body><mj-section><mj-column><mj-text>Hi</mj-text></mj-column></mj-section></mj-body></mjml>',
        category: 'transactional',
      });
      expect(template.status).toBe(201);
      const name =
        'Trial ending reminders for every workspace on the self-serve plan that has not upgraded yet, in all regions';
      const created = await api('/api/v1/journeys', {
        name,
        entry: { kind: 'event', event: 'Trial Ending' },
        steps: [
          {
            id: 'paying',
            kind: 'split',
            condition: { trait: 'plan', op: 'eq', value: 'paid' },
            next: { yes: null, no: 'remind' },
          },
          { id: 'remind', kind: 'send_email', templateId: String(template.json.id), next: null },
        ],
      });
      expect(created.status).toBe(201);
      const journeyId = String(created.json.id);
      expect((await api(`/api/v1/journeys/${journeyId}/publish`, {})).status).toBe(200);

      const page = await freshPage(browser);
      await signIn(page, server.url, MARKETER.email, MARKETER.password);
      await page.goto(`${server.url}/journeys`);
      const row = page.getByRole('table', { name: 'Journeys' }).getByRole('row', { name: new RegExp(name) });
      const badge = row.getByLabel('Status live');
      await expect.poll(() => badge.count()).toBe(1);
      // The badge's words fit in it: none cut short with an ellipsis beside the long name.
      const fits = await badge.evaluate((element) => {
        const words = document.createRange();
        words.selectNodeContents(element);
        const label = element.querySelector('span') ?? element;
        return words.getBoundingClientRect().width <= label.getBoundingClientRect().width;
      });
      expect(fits).toBe(true);
      await shot(page, '6-long-name');

      // A published version names the template its email step sends, as the canvas does.
      await row.getByRole('link').click();
      await page.getByRole('tab', { name: 'Versions' }).click();
      const version = page.getByLabel('Version 1');
      const remind = version.locator('.react-flow__node[data-id="remind"]');
      await expect.poll(() => remind.textContent()).toContain('Trial ending');
      expect(await remind.textContent()).not.toContain('etpl_');
      await shot(page, '7-versions');

      // A new draft saved before its steps are filled in: what is missing, once, in the editor's words.
      await page.goto(`${server.url}/journeys/new`);
      await page.getByLabel('Journey name').fill('Unfinished');
      await page
        .getByRole('toolbar', { name: 'Add a step' })
        .getByRole('button', { name: 'Send email' })
        .click();
      await page.getByRole('button', { name: 'Save draft' }).click();
      const problems = page.getByRole('alert').filter({ hasText: 'to fix before publishing' });
      await expect.poll(() => problems.textContent()).toContain('Pick an email template.');
      const listed = await problems.getByRole('listitem').allTextContents();
      expect(listed).toEqual([
        'entry: Name the event that starts the journey.',
        'send_email_1: Pick an email template.',
      ]);
      await shot(page, '8-unsaved-problems');
    });
  },
);
