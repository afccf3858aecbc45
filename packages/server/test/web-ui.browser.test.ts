import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTandem } from './support/start-tandem.js';

const CHROMIUM = '/usr/bin/chromium';
const WRITE_KEY = 'wk_browser_test_key';
const EMAIL = 'ada.browser@example.com';
// The pipeline unifies profiles in the background; give it time on a slow CI machine.
const PIPELINE_WAIT = { timeout: 20_000, interval: 200 };

// CI installs Debian's chromium; a developer machine without it skips the browser run.
describe.skipIf(!existsSync(CHROMIUM) && !process.env.CI)('the web UI in a real browser', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'tandem-web-'));
  let server: Awaited<ReturnType<typeof startTandem>>;
  let browser: Browser;

  beforeAll(async () => {
    server = await startTandem({
      TANDEM_DATA_DIR: dataDir,
      TANDEM_ADMIN_EMAIL: 'owner@example.com',
      TANDEM_ADMIN_PASSWORD: 'browser-test-pass',
      TANDEM_WRITE_KEY: WRITE_KEY,
    });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
  });
  afterAll(async () => {
    await browser?.close();
    server?.child.kill('SIGTERM');
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('signs in, shows the product navigation and the default source', async () => {
    const page = await browser.newPage();
    await page.goto(`${server.url}/people`);
    await page.waitForURL(/\/login/);

    await page.getByLabel('Email').fill('owner@example.com');
    await page.getByLabel(/^Password/).fill('wrong-password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toBeTruthy();

    await page.getByLabel(/^Password/).fill('browser-test-pass');
    await page.getByRole('button', { name: 'Sign in' }).click();
    // Back where the person was going before signing in.
    await page.waitForURL(/\/people/);
    for (const area of ['People', 'Companies', 'Deals', 'Tickets', 'Audiences', 'Sources', 'Settings']) {
      await expect.poll(() => page.getByRole('link', { name: area }).count()).toBeGreaterThan(0);
    }

    await page.getByRole('link', { name: 'Sources', exact: true }).click();
    await page.waitForURL(/\/sources/);
    await expect.poll(() => page.getByText('wk_browser_test_key').count()).toBeGreaterThan(0);
    await page.screenshot({ path: join(tmpdir(), 'tandem-sources.png') });

    // This server has no mail relay: inviting someone says how to get them in without email.
    await page.getByRole('link', { name: 'Settings' }).click();
    const invite = page.getByRole('form', { name: 'Invite member' });
    await expect
      .poll(() => invite.textContent())
      .toContain('Tandem cannot send email (TANDEM_SMTP_URL is not set)');
  });

  it('shows a tracked person in People, their timeline and merges, and the source debugger', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1300 } });
    // Fail on the step that waits, well before the test's own timeout.
    page.setDefaultTimeout(10_000);
    await signIn(page);
    // Anonymous visit, then a signed-in action, then the identify that links both: one merge.
    await track([
      { type: 'page', anonymousId: 'anon-ada', name: 'Pricing', properties: { path: '/pricing' } },
      { type: 'track', userId: 'u-ada', event: 'Pricing Viewed', properties: { plan: 'pro', seats: 12 } },
      { type: 'track', userId: 'u-ada', event: 'Demo Requested', properties: { source: 'pricing page' } },
      {
        type: 'identify',
        userId: 'u-ada',
        anonymousId: 'anon-ada',
        traits: { email: EMAIL, name: 'Ada Lovelace' },
      },
      { type: 'track', userId: 'u-ada' }, // no event name: rejected, for the debugger
    ]);
    await expect
      .poll(async () => timelineNames(page), PIPELINE_WAIT)
      .toEqual(expect.arrayContaining(['Pricing Viewed', 'Demo Requested']));

    await page.getByRole('link', { name: 'People', exact: true }).click();
    await page.getByLabel('Search people').fill(EMAIL);
    // The search reaches the address after its debounce: wait for it, so it cannot land on the
    // profile's address after the click below.
    await page.waitForURL(/\/people\?q=/);
    await page.getByRole('link', { name: 'Ada Lovelace' }).waitFor();
    await page.screenshot({ path: join(tmpdir(), 'tandem-people.png') });
    await page.getByRole('link', { name: 'Ada Lovelace' }).click();
    await page.waitForURL(/\/people\/prof_/);
    const activity = page.getByRole('table', { name: 'Activity' });
    await expect.poll(() => activity.textContent()).toContain('Pricing Viewed');
    await expect.poll(() => activity.textContent()).toContain('Demo Requested');
    await page.screenshot({ path: join(tmpdir(), 'tandem-profile.png') });

    const filter = page.getByRole('combobox', { name: 'Filter by event name' });
    await filter.fill('Demo Requested');
    await filter.press('Escape');
    await expect.poll(() => activity.textContent()).not.toContain('Pricing Viewed');
    await page.getByRole('tab', { name: 'Merge history' }).click();
    const merges = page.getByRole('table', { name: 'Merge history' });
    await expect.poll(() => merges.textContent()).toContain('anon-ada');
    await page.screenshot({ path: join(tmpdir(), 'tandem-merges.png') });
    // The merged profile's address answers with the survivor, and the page moves to the survivor's.
    const survivorUrl = page.url();
    const mergedId = await merges.getByRole('cell').first().textContent();
    await page.goto(`${server.url}/people/${mergedId}`);
    await page.waitForURL(survivorUrl);
    await page.getByRole('tab', { name: 'Merge history' }).click();
    await page.getByRole('button', { name: /^Undo merge of / }).click();
    await page.getByRole('button', { name: 'Confirm undo' }).click();
    await expect.poll(() => merges.textContent(), PIPELINE_WAIT).toContain('Undone');
    await page.screenshot({ path: join(tmpdir(), 'tandem-merge-undone.png') });

    const sourceId = await uploadImport(page, 'user,plan\nu-import,pro\n,free\n');
    await page.getByRole('link', { name: 'Sources', exact: true }).click();
    await page
      .getByRole('link', { name: /^Debugger of / })
      .first()
      .click();
    await page.waitForURL(new RegExp(`/sources/${sourceId}$`));
    const feed = page.getByRole('table', { name: 'Received calls' });
    await expect.poll(() => feed.textContent()).toContain('Demo Requested');
    await expect.poll(() => feed.textContent()).toContain('missing_field');
    await expect.poll(() => page.getByRole('status').textContent(), PIPELINE_WAIT).toBe('Live');
    await track([{ type: 'track', userId: 'u-ada', event: 'Live Ping', properties: { n: 1 } }]);
    await expect.poll(() => feed.textContent(), PIPELINE_WAIT).toContain('Live Ping');
    // 4 valid calls of the first batch, 1 imported row, the live one: the counters follow the stream.
    const counters = page.getByLabel('Source counters');
    await expect.poll(() => counters.textContent(), PIPELINE_WAIT).toContain('Events received6');
    await page.getByRole('button', { name: 'Payload of Live Ping' }).click();
    await expect.poll(() => page.getByLabel('Payload as JSON').textContent()).toContain('"n": 1');
    const imports = page.getByRole('table', { name: 'Imports' });
    await expect.poll(() => imports.textContent(), PIPELINE_WAIT).toContain('completed');
    await page.getByRole('button', { name: 'Errors of people.csv' }).click();
    await expect.poll(() => page.getByLabel('First errors of people.csv').textContent()).toContain('Line');
    await page.screenshot({ path: join(tmpdir(), 'tandem-source-debugger.png') });
  }, 90_000);

  async function signIn(page: Page): Promise<void> {
    await page.goto(`${server.url}/login`);
    await page.getByLabel('Email').fill('owner@example.com');
    await page.getByLabel(/^Password/).fill('browser-test-pass');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(/\/home/);
  }

  async function track(batch: object[]): Promise<void> {
    const response = await fetch(`${server.url}/v1/batch`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        Authorization: `Basic ${Buffer.from(`${WRITE_KEY}:`).toString('base64')}`,
      },
      body: JSON.stringify({ batch }),
    });
    expect(response.status).toBe(200);
  }

  /** The track event names of the profile with the test's email, through the signed-in session. */
  async function timelineNames(page: Page): Promise<string[]> {
    const profile = await page.request.get(`${server.url}/api/v1/profiles/lookup?type=email&value=${EMAIL}`);
    if (!profile.ok()) return [];
    const { id } = (await profile.json()) as { id: string };
    const timeline = await page.request.get(`${server.url}/api/v1/profiles/${id}/events`);
    const { data } = (await timeline.json()) as { data: { event: string | null }[] };
    return data.flatMap((event) => (event.event ? [event.event] : []));
  }

  /** Uploads a CSV of identify rows to the default source (as the UI session would); returns its id. */
  async function uploadImport(page: Page, csv: string): Promise<string> {
    const session = (await (await page.request.get(`${server.url}/api/v1/auth/session`)).json()) as {
      csrfToken: string;
    };
    const sources = (await (await page.request.get(`${server.url}/api/v1/sources`)).json()) as {
      data: { id: string; writeKey: string }[];
    };
    const source = sources.data.find((candidate) => candidate.writeKey === WRITE_KEY);
    if (!source) throw new Error('the default source is missing');
    const query = 'format=csv&type=identify&fileName=people.csv&map=userId%3Duser%2Ctraits.plan%3Dplan';
    const upload = await page.request.post(`${server.url}/api/v1/sources/${source.id}/imports?${query}`, {
      headers: { 'Content-Type': 'text/csv', 'X-CSRF-Token': session.csrfToken },
      data: Buffer.from(csv),
    });
    expect(upload.status()).toBe(202);
    return source.id;
  }
});
