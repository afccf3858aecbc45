import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { installSnippet } from '@tandem/contract';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTandem } from './support/start-tandem.js';
import { freePort, HAS_CHROMIUM, launchChromium } from './support/web-ui-browser.js';

/** What the page's window holds once the snippet ran (types for the test only). */
interface Shop {
  analytics: {
    initialized?: boolean;
    user(): { anonymousId(): string; id(): string | null };
    track(event: string, properties?: object, options?: object): Promise<unknown>;
    identify(userId: string, traits?: object): Promise<unknown>;
  };
  tandem: { profile(): Promise<unknown> };
}
interface StoredPayload {
  userId?: string;
  context: { consent?: unknown; page: { url: string } };
}

const WRITE_KEY = 'wk_website_browser_key';
const ADMIN_TOKEN = 'tdm_website_browser_owner_token_01';
const SHOTS = '/tmp/shots-website';
// The pipeline unifies profiles in the background; give it time on a slow CI machine.
const PIPELINE_WAIT = { timeout: 20_000, interval: 200 };

// The website loop end to end: a shop's page on another origin carries Segment's documented
// snippet pointing at Tandem; analytics.js (Segment's own, served by Tandem) sends page, track
// and identify calls; tandem.js reads the visitor's personalization with the publishable key.
describe.skipIf(!HAS_CHROMIUM)('a website with the snippet, in a real browser', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'tandem-website-'));
  let tandem: Awaited<ReturnType<typeof startTandem>>;
  let shop: Server;
  let shopUrl: string;
  let browser: Browser;
  let sourceId: string;

  const admin = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${tandem.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}: ${text}`);
    return text ? JSON.parse(text) : undefined;
  };

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    tandem = await startTandem({
      TANDEM_DATA_DIR: dataDir,
      TANDEM_ADMIN_TOKEN: ADMIN_TOKEN,
      TANDEM_WRITE_KEY: WRITE_KEY,
    });
    const source = (await admin('GET', '/api/v1/sources')).data.find(
      (s: { writeKey?: string }) => s.writeKey === WRITE_KEY,
    );
    sourceId = source.id;
    // The shop: another origin (localhost, its own port) serving a page with the snippet.
    const page = `<!doctype html><html><head><title>Shop</title>
${installSnippet({ tandemUrl: tandem.url, writeKey: WRITE_KEY, publishableKey: source.publishableKey })}
<script>window.earlyProfile = tandem.profile().then((p) => ({ answered: p }), (e) => ({ failed: String(e) }));</script>
</head><body><h1>The shop</h1></body></html>`;
    shop = createServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(page);
    });
    const port = await freePort();
    await new Promise<void>((resolve) => shop.listen(port, '127.0.0.1', resolve));
    shopUrl = `http://localhost:${port}`;
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    shop?.closeAllConnections();
    await new Promise((resolve) => shop?.close(resolve));
    tandem?.child.kill('SIGTERM');
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function eventsOf(anonymousId: string) {
    const { data } = await admin('GET', `/api/v1/sources/${sourceId}/events?limit=1000`);
    return (
      data as {
        type: string;
        event: string | null;
        anonymousId: string | null;
        payload: StoredPayload;
      }[]
    )
      .filter((e) => e.anonymousId === anonymousId)
      .reverse();
  }

  it('collects page, track and identify calls and reads the exposed personalization', async () => {
    const audience = await admin('POST', '/api/v1/audiences', {
      name: 'Pricing viewers',
      rule: { trait: 'plan', op: 'eq', value: 'pro' },
    });
    await admin('POST', '/api/v1/audiences', {
      name: 'Never shown',
      rule: { trait: 'plan', op: 'eq', value: 'pro' },
    });
    await admin('POST', '/api/v1/computed-traits', {
      name: 'pricing_views',
      kind: 'count',
      event: 'Viewed Pricing',
    });
    await admin('PUT', '/api/v1/personalization/settings', {
      traits: ['plan', 'firstName'],
      computedTraits: ['pricing_views'],
      audiences: [audience.id],
    });

    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page: Page = await context.newPage();
    page.setDefaultTimeout(15_000);
    const consoleErrors: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });
    const requests: string[] = [];
    page.on('request', (request) => requests.push(request.url()));

    await page.goto(shopUrl);
    // analytics.js loaded from Tandem, initialized, and its page call went out.
    await page.waitForFunction(() => (window as unknown as Shop).analytics?.initialized === true);
    const anonymousId = await page.evaluate(
      () => (window as unknown as Shop).analytics.user().anonymousId() as string,
    );
    expect(anonymousId).toMatch(/^[\w-]{10,}$/);
    // Called inline before tandem.js arrived: the snippet's stub queued it, and it was answered.
    const early = await page.evaluate(() =>
      Promise.race([
        (window as unknown as { earlyProfile: Promise<unknown> }).earlyProfile,
        new Promise((resolve) => setTimeout(() => resolve('still pending'), 5000)),
      ]),
    );
    expect(early).toMatchObject({ answered: { traits: {}, audiences: [] } });

    // Nothing known of the visitor yet (or only its page view): no traits, the exposed count at 0.
    await expect
      .poll(() => page.evaluate(() => (window as unknown as Shop).tandem.profile()), PIPELINE_WAIT)
      .toEqual({ traits: {}, computedTraits: { pricing_views: 0 }, audiences: [] });

    await page.evaluate(async () => {
      const analytics = (window as unknown as Shop).analytics;
      await analytics.track(
        'Viewed Pricing',
        { tier: 'pro' },
        {
          context: {
            consent: { categoryPreferences: { analytics: true, personalization: true, marketing: false } },
          },
        },
      );
      await analytics.identify('visitor-7', {
        email: 'visitor7@example.com',
        plan: 'pro',
        firstName: 'Grace',
        secretNote: 'not for browsers',
      });
      await analytics.track('Viewed Pricing', { tier: 'enterprise' });
    });

    // A second page view: the anonymous id survives the reload (analytics.js's cookie).
    await page.reload();
    await page.waitForFunction(() => (window as unknown as Shop).analytics?.initialized === true);
    expect(await page.evaluate(() => (window as unknown as Shop).analytics.user().anonymousId())).toBe(
      anonymousId,
    );
    expect(await page.evaluate(() => (window as unknown as Shop).analytics.user().id())).toBe('visitor-7');

    // Everything went to Tandem: the bundle, its settings, the short paths; nothing to Segment.
    expect(requests.some((url) => url.startsWith(`${tandem.url}/analytics.js/v1/${WRITE_KEY}/`))).toBe(true);
    expect(requests.some((url) => url === `${tandem.url}/v1/projects/${WRITE_KEY}/settings`)).toBe(true);
    expect(requests.some((url) => url === `${tandem.url}/v1/t`)).toBe(true);
    expect(requests.some((url) => url === `${tandem.url}/v1/i`)).toBe(true);
    expect(requests.filter((url) => /segment\.(com|io)/.test(url))).toEqual([]);

    await expect
      .poll(async () => (await eventsOf(anonymousId)).map((e) => e.event ?? e.type), PIPELINE_WAIT)
      .toEqual(['page', 'Viewed Pricing', 'identify', 'Viewed Pricing', 'page']);
    const events = await eventsOf(anonymousId);
    expect(events[1]?.payload.context.consent).toEqual({
      categoryPreferences: { analytics: true, personalization: true, marketing: false },
    });
    expect(events[0]?.payload.context.page.url).toBe(`${shopUrl}/`);
    expect(events[2]?.payload.userId).toBe('visitor-7');

    // The profile (found by the identify's userId) holds the whole story: the pipeline ran.
    await expect
      .poll(async () => {
        const profile = await admin('GET', '/api/v1/profiles/lookup?type=user_id&value=visitor-7').catch(
          () => null,
        );
        if (!profile) return [];
        const timeline = await admin('GET', `/api/v1/profiles/${profile.id}/events`);
        return timeline.data.map((e: { event: string | null; type: string }) => e.event ?? e.type).sort();
      }, PIPELINE_WAIT)
      // Its two audiences were entered too (Tandem's own events on the timeline).
      .toEqual([
        'Audience Entered',
        'Audience Entered',
        'Viewed Pricing',
        'Viewed Pricing',
        'identify',
        'page',
        'page',
      ]);

    // Only what the workspace exposed, nothing else of the profile (no email, no secretNote).
    await expect
      .poll(() => page.evaluate(() => (window as unknown as Shop).tandem.profile()), PIPELINE_WAIT)
      .toEqual({
        traits: { plan: 'pro', firstName: 'Grace' },
        computedTraits: { pricing_views: 2 },
        audiences: ['Pricing viewers'],
      });
    await page.screenshot({ path: join(SHOTS, 'shop-page.png') });
    expect(consoleErrors).toEqual([]);

    // A blocker stops analytics.js: tandem.profile() still answers, from the ids it stored.
    const blocked = await context.newPage();
    await blocked.route(/\/analytics\.js\//, (route) => route.abort());
    await blocked.goto(shopUrl);
    expect(await blocked.evaluate(() => (window as unknown as Shop).tandem.profile())).toEqual({
      traits: { plan: 'pro', firstName: 'Grace' },
      computedTraits: { pricing_views: 2 },
      audiences: ['Pricing viewers'],
    });
    expect(await blocked.evaluate(() => (window as unknown as Shop).analytics.initialized)).toBeFalsy();
    await context.close();
  });
});
