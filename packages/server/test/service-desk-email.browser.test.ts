import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ParsedMail, simpleParser } from 'mailparser';
import nodemailer, { type SendMailOptions } from 'nodemailer';
import pg from 'pg';
import type { Browser, Page } from 'playwright-core';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startTandem } from './support/start-tandem.js';
import { freshPage, HAS_CHROMIUM, launchChromium, signIn } from './support/web-ui-browser.js';

const AGENT = { email: 'desk-agent@example.com', password: 'copper meadow signal 58' };
const ADMIN_TOKEN = 'tdm_desk_email_browser_admin_token_0123';
const MAILBOX = 'help@acme.example';
const CUSTOMER = 'ada@customer.example';
/** Screenshots of the email round trip, to look at. */
const SHOTS_DIR = '/tmp/shots-service-desk-email';

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
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    messages,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

/** Each engine the server can run on: SQLite, and PostgreSQL (a database of its own) when configured. */
const ENGINES = process.env.TANDEM_TEST_DATABASE_URL ? ['sqlite', 'postgres'] : ['sqlite'];

describe.skipIf(!HAS_CHROMIUM).each(ENGINES)(
  'service desk email round trip in a real browser over real SMTP, on %s',
  (engine) => {
    const dataDir = mkdtempSync(join(tmpdir(), 'tandem-desk-email-'));
    const database = `tandem_desk_email_${randomBytes(4).toString('hex')}`;
    const adminUrl = process.env.TANDEM_TEST_DATABASE_URL ?? '';
    const SHOTS = join(SHOTS_DIR, engine);
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
    let listenPort = 0;

    beforeAll(async () => {
      vi.setConfig({ expect: { poll: { timeout: 20_000, interval: 200 } } });
      mkdirSync(SHOTS, { recursive: true });
      sink = await startSink();
      listenPort = await freePort();
      const env: Record<string, string> = {
        TANDEM_DATA_DIR: dataDir,
        TANDEM_ADMIN_EMAIL: AGENT.email,
        TANDEM_ADMIN_PASSWORD: AGENT.password,
        TANDEM_ADMIN_TOKEN: ADMIN_TOKEN,
        TANDEM_SMTP_LISTEN: `127.0.0.1:${listenPort}`,
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
      page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true, animations: 'disabled' });
    const api = async (method: string, path: string, body?: unknown) => {
      const response = await fetch(`${server.url}${path}`, {
        method,
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${ADMIN_TOKEN}` },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      return { status: response.status, json: (await response.json()) as Record<string, unknown> };
    };
    /** The customer's mail client: plain SMTP to Tandem's listener. */
    const customerMail = (message: SendMailOptions) =>
      nodemailer
        .createTransport({ host: '127.0.0.1', port: listenPort, secure: false, ignoreTLS: true })
        .sendMail({ from: `Ada Lovelace <${CUSTOMER}>`, to: MAILBOX, ...message });

    it('an email opens a ticket; the agent replies from the browser; the reply goes out threaded and the answer joins the ticket', async () => {
      const mailbox = await api('POST', '/api/v1/mailboxes', { address: MAILBOX, name: 'Acme help' });
      expect(mailbox.status).toBe(201);
      const channel = (await api('GET', '/api/v1/mailboxes')).json.channel as Record<string, unknown>;
      expect(channel).toMatchObject({ listening: true, relayConfigured: true });

      const original = await customerMail({
        subject: 'Invoice 2041 charged twice',
        text: 'Hello, my card was charged twice for invoice 2041. Could you refund one of them?',
        messageId: '<invoice-2041-1@customer.example>',
      });
      expect(original.accepted).toEqual([MAILBOX]);

      const page = await freshPage(browser);
      await signIn(page, server.url, AGENT.email, AGENT.password);
      await page.getByRole('link', { name: 'Tickets', exact: true }).click();
      await page.waitForURL(/\/tickets$/);
      const inbox = page.getByRole('table', { name: 'Tickets' });
      await expect.poll(() => inbox.textContent()).toContain('Invoice 2041 charged twice');
      await expect.poll(() => inbox.textContent()).toContain(CUSTOMER);
      await shot(page, '1-inbox-email-ticket');

      const list = (await api('GET', '/api/v1/tickets')).json.data as {
        id: string;
        number: number;
        channel: string;
      }[];
      expect(list).toHaveLength(1);
      const ticket = list[0];
      expect(ticket?.channel).toBe('email');
      await inbox.getByText('Invoice 2041 charged twice').click();
      await page.waitForURL(new RegExp(`/tickets/${ticket?.id}`));
      const conversation = page.getByRole('region', { name: 'Conversation' });
      await expect
        .poll(() => page.getByRole('article', { name: 'Customer message' }).textContent())
        .toContain('charged twice for invoice 2041');

      // The agent's public reply, typed and sent from the ticket page.
      await page.getByText('Public reply', { exact: true }).click();
      await page
        .getByRole('textbox', { name: 'Reply to the customer' })
        .fill('Hi Ada, sorry about that: the second charge is refunded and shows within 3 days.');
      await page.getByRole('button', { name: 'Send reply' }).click();

      // It reaches the relay threaded on the customer's email, the ticket number in its subject.
      await expect.poll(() => sink.messages.length).toBe(1);
      const reply = sink.messages[0] as ParsedMail;
      expect(reply.inReplyTo).toBe('<invoice-2041-1@customer.example>');
      expect([reply.references].flat()).toContain('<invoice-2041-1@customer.example>');
      expect(reply.subject).toBe(`Re: Invoice 2041 charged twice [#${ticket?.number}]`);
      expect(reply.to && !Array.isArray(reply.to) ? reply.to.value.map((a) => a.address) : []).toEqual([
        CUSTOMER,
      ]);
      expect(reply.from?.value[0]?.address).toBe(MAILBOX);
      expect(reply.text).toContain('the second charge is refunded');
      expect(reply.messageId).toMatch(/^<.+@acme\.example>$/);

      // The ticket page shows the reply delivered.
      const sent = page.getByRole('article', { name: 'Public reply' });
      await expect.poll(() => sent.textContent()).toContain('the second charge is refunded');
      await expect.poll(() => sent.getByText('sent', { exact: true }).count()).toBe(1);
      await shot(page, '2-reply-sent');

      // The customer answers the reply from their mail client: it joins the same ticket.
      await customerMail({
        subject: `Re: ${reply.subject}`,
        text: 'Thank you, I can see the refund now.',
        messageId: '<invoice-2041-2@customer.example>',
        inReplyTo: reply.messageId,
        references: ['<invoice-2041-1@customer.example>', reply.messageId ?? ''],
      });
      await expect
        .poll(() => conversation.getByRole('article', { name: 'Customer message' }).count())
        .toBe(2);
      await expect.poll(() => conversation.textContent()).toContain('I can see the refund now');
      await shot(page, '3-customer-answer-joined');
      const detail = (await api('GET', `/api/v1/tickets/${ticket?.id}`)).json as {
        messages: { direction: string; public: boolean; body: string }[];
      };
      expect(detail.messages.map((m) => m.direction)).toEqual(['inbound', 'outbound', 'inbound']);
      expect(((await api('GET', '/api/v1/tickets')).json.data as unknown[]).length).toBe(1);
      // And in the inbox, still one ticket.
      await page.goto(`${server.url}/tickets?view=all`);
      await expect.poll(() => inbox.getByRole('row').count()).toBe(2); // the header and the ticket
      await shot(page, '4-inbox-one-ticket');
    }, 120_000);
  },
);
