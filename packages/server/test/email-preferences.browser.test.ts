import { fileURLToPath } from 'node:url';
import { newId } from '@tandem/engine';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startTestServer,
  TEST_ADMIN_EMAIL,
  TEST_ADMIN_PASSWORD,
  type TestServer,
} from '../src/testing/test-server.js';
import { freePort, freshPage, HAS_CHROMIUM, launchChromium, pick, signIn } from './support/web-ui-browser.js';

const WEB_DIST = fileURLToPath(new URL('../../web/dist', import.meta.url));
/** Screenshots of the email preference pages, to look at. */
const SHOT = (name: string) => `/tmp/email-preferences-${name}.png`;

describe.skipIf(!HAS_CHROMIUM)('email preferences in a real browser', () => {
  let server: TestServer;
  let browser: Browser;
  let url: string;
  let annId: string;

  beforeAll(async () => {
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    // In-process, so the test can decorate an email as the sender would and open its links.
    server = await startTestServer('sqlite', { TANDEM_WEB_DIST: WEB_DIST, TANDEM_PUBLIC_URL: url });
    await server.app.listen({ host: '127.0.0.1', port });
    const { engine, workspaceId, sourceId } = server;
    await engine.collector.collect({
      source: { workspaceId, sourceId },
      calls: [
        {
          type: 'identify',
          userId: 'ann',
          traits: { email: 'ann@example.com', name: 'Ann' },
          messageId: 'm1',
        },
      ],
      request: {},
    });
    await engine.pipeline.catchUp();
    annId = (await engine.profiles.lookup(workspaceId, 'user_id', 'ann')).id;
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  const shot = (page: Page, name: string) =>
    page.screenshot({ path: SHOT(name), fullPage: true, animations: 'disabled' });

  /** A marketing email of `topicId` to Ann, decorated as the sender would send it. */
  const emailToAnn = async (topicId: string) => {
    const email = {
      workspaceId: server.workspaceId,
      messageId: newId('emailMessage'),
      profileId: annId,
      to: 'ann@example.com',
      category: 'marketing' as const,
      topicId,
      origin: { kind: 'broadcast' as const, id: 'bcast_test' },
      overCap: 'wait' as const,
    };
    expect(await server.engine.emailPolicy.decide(server.engine.store.db, email, Date.now())).toEqual({
      action: 'send',
    });
    const html =
      '<html><body><a href="%%UNSUBSCRIBE_URL%%">Unsubscribe</a> <a href="%%PREFERENCES_URL%%">Preferences</a></body></html>';
    return server.engine.emailPolicy.decorate(email, { subject: 'News', html, text: '', headers: {} });
  };

  it('lets a marketer manage topics, the frequency cap and suppressions; people choose on their page', async () => {
    const page = await freshPage(browser);
    await signIn(page, url, TEST_ADMIN_EMAIL, TEST_ADMIN_PASSWORD);
    await page.getByRole('link', { name: 'Email preferences' }).click();
    await page.waitForURL(/\/email-preferences/);

    // Two topics: the newsletter everyone gets until they say no, product updates only on request.
    for (const [name, description, optOut] of [
      ['Newsletter', 'Our monthly letter', true],
      ['Product updates', 'New features, when they ship', false],
    ] as const) {
      await page.getByRole('button', { name: 'Add topic' }).click();
      const dialog = page.getByRole('dialog');
      await dialog.getByLabel('Name').fill(name);
      await dialog.getByLabel('Description').fill(description);
      if (optOut) await dialog.getByLabel(/opt-out/).check({ force: true });
      await dialog.getByRole('button', { name: 'Save topic' }).click();
      await expect
        .poll(() => page.getByRole('table', { name: 'Subscription topics' }).textContent())
        .toContain(name);
    }
    const topics = page.getByRole('table', { name: 'Subscription topics' });
    await expect.poll(() => topics.textContent()).toContain('Subscribed (opt-out)');

    // At most 3 marketing emails a week.
    const cap = page.getByRole('form', { name: 'Frequency cap' });
    await cap.getByLabel('Cap marketing email').check({ force: true });
    await cap.getByLabel('At most').fill('3');
    await pick(cap, 'Emails', 'per 7 days');
    await cap.getByRole('button', { name: 'Save cap' }).click();
    await expect.poll(() => cap.getByRole('status').count()).toBe(1);
    expect(await server.engine.emailPreferences.frequencyCap(server.workspaceId)).toEqual({
      enabled: true,
      max: 3,
      period: '7d',
    });

    // Suppress two addresses by hand, find one, remove the other.
    const suppress = page.getByRole('form', { name: 'Suppress an address' });
    for (const address of ['bounced@example.net', 'Gone@Example.org']) {
      await suppress.getByLabel('Address').fill(address);
      await suppress.getByLabel('Note').fill('asked by phone');
      await suppress.getByRole('button', { name: 'Suppress' }).click();
      await expect
        .poll(() => page.getByRole('table', { name: 'Suppressed addresses' }).textContent())
        .toContain(address.toLowerCase());
    }
    await shot(page, '1-settings');
    await page.getByLabel('Search suppressed addresses').fill('gone');
    const suppressed = page.getByRole('table', { name: 'Suppressed addresses' });
    await expect.poll(() => suppressed.getByRole('row').count()).toBe(2);
    await page.getByLabel('Search suppressed addresses').fill('');
    await page.getByRole('button', { name: 'Remove bounced@example.net' }).click();
    await page.getByRole('button', { name: 'Remove suppression' }).click();
    await expect.poll(() => suppressed.textContent()).not.toContain('bounced@example.net');
    await shot(page, '2-suppressions');

    // Ann opens her preference page from an email: no login, her topics with their defaults.
    const [newsletter] = (await server.engine.emailPreferences.listTopics(server.workspaceId)).filter(
      (topic) => topic.name === 'Newsletter',
    );
    const email = await emailToAnn(newsletter?.id ?? '');
    const preferencesUrl = /href="([^"]*\/email\/preferences\/[^"]+)"/.exec(email.html)?.[1] ?? '';
    expect(preferencesUrl.startsWith(`${url}/email/preferences/`)).toBe(true);
    const ann = await freshPage(browser);
    await ann.goto(preferencesUrl);
    await expect.poll(() => ann.getByLabel(/Newsletter/).isChecked()).toBe(true);
    expect(await ann.getByLabel(/Product updates/).isChecked()).toBe(false);
    await ann.getByLabel(/Newsletter/).uncheck();
    await ann.getByLabel(/Product updates/).check();
    await shot(ann, '3-preference-page');
    await ann.getByRole('button', { name: 'Save preferences' }).click();
    await expect.poll(() => ann.getByRole('status').textContent()).toContain('saved');
    expect(await ann.getByLabel(/Newsletter/).isChecked()).toBe(false);
    expect(await ann.getByLabel(/Product updates/).isChecked()).toBe(true);
    await shot(ann, '4-preferences-saved');
    const person = await server.engine.emailPreferences.personPreferences(server.workspaceId, annId);
    expect(person.topics.map((t) => [t.name, t.subscribed, t.source])).toEqual([
      ['Newsletter', false, 'preference_page'],
      ['Product updates', true, 'preference_page'],
    ]);

    // Her profile's Email tab shows her choices; a team member can change them on her behalf.
    await page.goto(`${url}/people/${annId}`);
    await page.getByRole('tab', { name: 'Email' }).click();
    const newsletterSwitch = page.getByRole('switch', { name: 'Subscribed to Newsletter' });
    await expect.poll(() => newsletterSwitch.isChecked()).toBe(false);
    expect(await page.getByRole('switch', { name: 'Subscribed to Product updates' }).isChecked()).toBe(true);
    await newsletterSwitch.click({ force: true });
    await expect.poll(() => newsletterSwitch.isChecked()).toBe(true);
    await expect.poll(() => page.getByText('changed by a team member').count()).toBeGreaterThan(0);
    await shot(page, '7-profile-email-tab');
  });

  it('unsubscribes in one click (RFC 8058 POST) and from the confirm page', async () => {
    const [updates] = (await server.engine.emailPreferences.listTopics(server.workspaceId)).filter(
      (topic) => topic.name === 'Product updates',
    );
    const email = await emailToAnn(updates?.id ?? '');
    const oneClick = /^<([^>]+)>/.exec(email.headers['List-Unsubscribe'] ?? '')?.[1] ?? '';
    expect(email.headers['List-Unsubscribe-Post']).toBe('List-Unsubscribe=One-Click');

    // What a mail client does with the headers: a POST, no cookie, no confirmation.
    const page = await freshPage(browser);
    const posted = await page.request.post(oneClick, {
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      data: 'List-Unsubscribe=One-Click',
    });
    expect(posted.status()).toBe(200);
    let person = await server.engine.emailPreferences.personPreferences(server.workspaceId, annId);
    expect(person.topics.find((t) => t.name === 'Product updates')).toMatchObject({
      subscribed: false,
      source: 'one_click',
    });

    // A person following the link confirms on a page (a GET never unsubscribes: scanners follow links).
    await page.goto(oneClick);
    await expect.poll(() => page.getByRole('heading').textContent()).toBe('Unsubscribe');
    expect(await page.textContent('main')).toContain('“Product updates” emails');
    await shot(page, '5-unsubscribe-confirm');
    await page.getByRole('button', { name: 'Unsubscribe' }).click();
    await expect.poll(() => page.getByRole('heading').textContent()).toBe('You are unsubscribed');
    await shot(page, '6-unsubscribed');

    // The timeline shows each change once: the newsletter (preference page), product updates (one click).
    await server.engine.pipeline.catchUp();
    const timeline = await server.engine.profiles.timeline(server.workspaceId, annId, { limit: 50 });
    expect(timeline.data.filter((event) => event.event === 'Unsubscribed')).toHaveLength(2);
    person = await server.engine.emailPreferences.personPreferences(server.workspaceId, annId);
    expect(person.history[0]).toMatchObject({ source: 'one_click', subscribed: false });
  });
});
