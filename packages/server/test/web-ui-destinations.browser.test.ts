import { createHmac } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
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
  STRONG_PASSWORD,
  signIn,
} from './support/web-ui-browser.js';

const OWNER = 'owner@example.com';
const OWNER_PASSWORD = 'browser-test-pass';
const WRITE_KEY = 'wk_web_ui_destinations_key';
const ADMIN_TOKEN = 'tdm_web_ui_destinations_owner_token';
const VIEWER = 'viewer@example.com';
const SECRET = 'whsec_browser_test_0123456789';
const SHOTS = '/tmp/shots-dest-ui';
// Events go through the pipeline, the delivery stage and the dispatcher; give a slow CI machine time.
const DELIVERY_WAIT = { timeout: 60_000, interval: 250 };

/** One POST the receiver got: its delivery id, whether the signature matched, its JSON body. */
type Received = { deliveryId: string; signed: boolean; body: Record<string, unknown>; answered: number };

/** A real webhook endpoint on 127.0.0.1 that answers 200, or 500 while `failing`. */
async function startReceiver() {
  const received: Received[] = [];
  const state = { failing: false };
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const raw = Buffer.concat(chunks);
      const expected = `sha256=${createHmac('sha256', SECRET).update(raw).digest('hex')}`;
      const answered = state.failing ? 500 : 200;
      received.push({
        deliveryId: String(request.headers['x-tandem-delivery-id'] ?? ''),
        signed:
          request.headers['x-tandem-signature'] === expected && request.headers['x-shop'] === 'browser-test',
        body: JSON.parse(raw.toString('utf8')) as Record<string, unknown>,
        answered,
      });
      response.writeHead(answered, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks/tandem`,
    received,
    state,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

// Destinations in the UI against a real server and a real HTTP receiver: create a webhook by
// clicking, test-send, see tracked events delivered, a failing receiver's delivery go dead and
// its replay arrive, then edit, pause and delete.
describe.skipIf(!HAS_CHROMIUM)('destinations in the web UI', { timeout: 180_000 }, () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'tandem-web-destinations-'));
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let server: Awaited<ReturnType<typeof startTandem>>;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    receiver = await startReceiver();
    server = await startTandem({
      TANDEM_DATA_DIR: dataDir,
      TANDEM_ADMIN_EMAIL: OWNER,
      TANDEM_ADMIN_PASSWORD: OWNER_PASSWORD,
      TANDEM_WRITE_KEY: WRITE_KEY,
      TANDEM_ADMIN_TOKEN: ADMIN_TOKEN,
      // The receiver listens on loopback, which destinations may only reach when allowed.
      TANDEM_ALLOW_PRIVATE_DESTINATIONS: 'true',
      // Dead after two quick attempts, so the test sees a dead letter within seconds.
      TANDEM_DELIVERY_MAX_ATTEMPTS: '2',
      TANDEM_DELIVERY_MAX_BACKOFF_SECONDS: '1',
    });
    browser = await launchChromium();
    page = await freshPage(browser);
    await page.setViewportSize({ width: 1360, height: 1000 });
  });
  afterAll(async () => {
    await browser?.close();
    server?.child.kill('SIGTERM');
    await receiver?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const shot = (name: string) =>
    page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true, animations: 'disabled' });

  async function track(
    userId: string,
    event: string,
    properties: Record<string, unknown>,
    context: Record<string, unknown> = {},
  ) {
    const response = await fetch(`${server.url}/v1/track`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Basic ${Buffer.from(`${WRITE_KEY}:`).toString('base64')}`,
      },
      body: JSON.stringify({ userId, event, properties, context }),
    });
    expect(response.status).toBe(200);
  }

  async function deliveryLog(): Promise<string> {
    const headers = { authorization: `Bearer ${ADMIN_TOKEN}` };
    const destinations = (await (await fetch(`${server.url}/api/v1/destinations`, { headers })).json()) as {
      data: { id: string }[];
    };
    const logs = await Promise.all(
      destinations.data.map(async ({ id }) =>
        (await fetch(`${server.url}/api/v1/destinations/${id}/deliveries`, { headers })).text(),
      ),
    );
    return logs.join('\n');
  }

  const deliveriesFor = (user: string) =>
    receiver.received.filter((entry) => (entry.body as { user?: unknown }).user === user);

  it('creates a webhook destination by clicking, with a subscription, a condition and a tested mapping', async () => {
    await signIn(page, server.url, OWNER, OWNER_PASSWORD);
    await page.getByRole('link', { name: 'Destinations' }).click();
    await page.getByText('No destinations yet').waitFor();
    await shot('01-empty-list');
    await page.getByRole('link', { name: 'New destination' }).first().click();
    await page.waitForURL(/\/destinations\/new$/);

    // Saving an empty form names what is missing, as sentences.
    await page.getByRole('button', { name: 'Create destination' }).click();
    await expectText(page.getByRole('alert'), /Give the destination a name\..*Endpoint URL is required\./);

    await page.getByLabel(/^Name/).fill('Orders to the shop');
    await page.getByLabel('Endpoint URL').fill(receiver.url);
    await page.getByLabel('Signing secret').fill(SECRET);
    await page.getByRole('button', { name: '+ Add header' }).click();
    await page.getByLabel('Header 1 name').fill('X-Shop');
    await page.getByLabel('Header 1 value').fill('browser-test');

    await page.getByRole('button', { name: '+ Add subscription' }).click();
    await page.getByRole('menuitem', { name: /^Events/ }).click();
    const subscription = page.getByRole('region', { name: 'Subscription 1' });
    await subscription.getByLabel('Subscription 1 event name').fill('Order Completed');
    await subscription.getByRole('button', { name: '+ Add property condition' }).click();
    await subscription.getByLabel('Subscription 1 condition 1 property').fill('total');
    await pick(subscription, 'Subscription 1 condition 1 operator', 'is at least');
    await subscription.getByLabel('Subscription 1 condition 1 value').fill('50');

    // The mapping reshapes the body; tried on the sample event before saving.
    await subscription.getByRole('switch', { name: /Reshape the payload/ }).check({ force: true });
    await subscription
      .getByLabel('Subscription 1 mapping')
      .fill(
        '{"kind": type, "user": event.userId, "order": event.payload.properties.orderId, "deliveryId": deliveryId}',
      );
    await subscription.getByRole('button', { name: 'Test with the sample event' }).click();
    await expectText(subscription.getByLabel('Mapped output'), /"order": "ord_1001"/);
    await shot('02-create-form');

    // The server refuses a cloud metadata address, and the page says why beside the field.
    await page.getByLabel('Endpoint URL').fill('http://169.254.169.254/latest/meta-data');
    await page.getByRole('button', { name: 'Create destination' }).click();
    const urlField = page.getByRole('region', { name: 'Connection' });
    await expect.poll(() => urlField.textContent()).toMatch(/169\.254\.169\.254 is .*address/);
    await shot('02b-refused-address');
    await page.getByLabel('Endpoint URL').fill(receiver.url);
    await page.getByRole('button', { name: 'Create destination' }).click();
    await page.waitForURL(/\/destinations\/dst_/);
    await page.getByRole('heading', { name: 'Orders to the shop' }).waitFor();
    await expectText(
      page.getByRole('region', { name: 'Receives' }),
      /“Order Completed” events where total is at least 50, mapped/,
    );
  });

  it('sends a test delivery that the receiver gets, signed, with the custom header', async () => {
    await page.getByRole('button', { name: 'Send test' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('button', { name: 'Send test' }).click();
    await expectText(dialog.getByRole('status'), /accepted the test with HTTP 200/);
    await shot('03-send-test');
    await page.keyboard.press('Escape');
    await expect
      .poll(() => receiver.received.some((entry) => entry.deliveryId.startsWith('test_')))
      .toBe(true);
    expect(receiver.received.every((entry) => entry.signed)).toBe(true);
  });

  it('delivers a tracked event that matches and shows it in the log as delivered', async () => {
    await track('u-small', 'Order Completed', { orderId: 'ord_small', total: 10 });
    await track('u-ada', 'Order Completed', { orderId: 'ord_big', total: 120 });
    await expect
      .poll(() => deliveriesFor('u-ada').length, DELIVERY_WAIT)
      .toBe(1)
      .catch(async (error: unknown) => {
        // Say where the delivery got stuck: the log as the API answers it.
        console.error(await deliveryLog());
        throw error;
      });
    const [delivery] = deliveriesFor('u-ada');
    expect(delivery?.signed).toBe(true);
    expect(delivery?.body).toMatchObject({ kind: 'event', order: 'ord_big' });

    const log = page.getByRole('table', { name: 'Delivery log' });
    await expect.poll(() => log.textContent(), DELIVERY_WAIT).toMatch(/Delivered/);
    await expect
      .poll(() => page.getByRole('region', { name: 'Delivered', exact: true }).textContent(), DELIVERY_WAIT)
      .toContain('1');
    // The event under the threshold never becomes a delivery.
    expect(deliveriesFor('u-small')).toEqual([]);

    await page
      .getByRole('button', { name: /^Inspect delivery / })
      .first()
      .click();
    await expectText(
      page.getByRole('table', { name: 'Delivery details' }),
      new RegExp(delivery?.deliveryId ?? 'none'),
    );
    await expectText(page.getByLabel(/^Body of delivery /), /ord_big/);
    await shot('04-delivery-log');
  });

  it('shows a failing receiver’s delivery as dead, and replays it once the receiver is back', async () => {
    receiver.state.failing = true;
    await track('u-bob', 'Order Completed', { orderId: 'ord_failing', total: 75 });
    // The status filter: a segmented control, whose labels are what a person clicks.
    await page
      .getByRole('radiogroup', { name: 'Filter by status' })
      .getByText('Dead', { exact: true })
      .click();
    const log = page.getByRole('table', { name: 'Delivery log' });
    await expect.poll(() => log.textContent(), DELIVERY_WAIT).toMatch(/Dead.*500/);
    await shot('05-log-dead-filter');
    const failedAttempts = deliveriesFor('u-bob');
    expect(failedAttempts.length).toBeGreaterThanOrEqual(1);
    expect(failedAttempts.every((entry) => entry.answered === 500)).toBe(true);

    await page.getByRole('tab', { name: /Dead letters/ }).click();
    const deadLetters = page.getByRole('table', { name: 'Dead letters' });
    await expect.poll(() => deadLetters.textContent(), DELIVERY_WAIT).toMatch(/500/);
    await shot('06-dead-letters');

    receiver.state.failing = false;
    const replayOne = page.getByRole('button', {
      name: `Replay dead letter ${failedAttempts[0]?.deliveryId}`,
    });
    await replayOne.click();
    await expectText(page.getByText(/queued again/), '1 delivery queued again.');
    await expect
      .poll(() => deliveriesFor('u-bob').some((entry) => entry.answered === 200), DELIVERY_WAIT)
      .toBe(true);
    // Every attempt and the replay carried one delivery id: the receiver can drop duplicates.
    expect(new Set(deliveriesFor('u-bob').map((entry) => entry.deliveryId)).size).toBe(1);
    await expect.poll(() => replayOne.count(), DELIVERY_WAIT).toBe(0);
    await shot('07-replayed');
  });

  it('replays a selection of dead letters, then all of them', async () => {
    receiver.state.failing = true;
    await track('u-cy', 'Order Completed', { orderId: 'ord_cy', total: 60 });
    await track('u-dan', 'Order Completed', { orderId: 'ord_dan', total: 61 });
    const rows = page
      .getByRole('table', { name: 'Dead letters' })
      .getByRole('button', { name: /^Replay dead letter / });
    await expect.poll(() => rows.count(), DELIVERY_WAIT).toBe(2);
    receiver.state.failing = false;

    const cy = deliveriesFor('u-cy')[0]?.deliveryId;
    await page.getByRole('checkbox', { name: `Select dead letter ${cy}` }).check();
    await page.getByRole('button', { name: 'Replay selected (1)' }).click();
    await expect
      .poll(() => deliveriesFor('u-cy').some((entry) => entry.answered === 200), DELIVERY_WAIT)
      .toBe(true);
    await expect.poll(() => rows.count(), DELIVERY_WAIT).toBe(1);
    await shot('07b-replay-selected');

    await page.getByRole('button', { name: 'Replay all', exact: true }).click();
    await page.getByRole('button', { name: 'Replay all dead letters' }).click();
    await expect
      .poll(() => deliveriesFor('u-dan').some((entry) => entry.answered === 200), DELIVERY_WAIT)
      .toBe(true);
    await page.getByText('No dead letters').waitFor({ timeout: DELIVERY_WAIT.timeout });
  });

  it('needs a consent purpose: a person who refused it is skipped, never sent', async (context) => {
    const headers = { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' };
    // Without the consent API (a server before it) the purposes are typed freely; nothing to check here.
    if ((await fetch(`${server.url}/api/v1/consent/purposes`, { headers })).status === 404) context.skip();

    await page.getByRole('tab', { name: 'Settings' }).click();
    const form = page.getByRole('form', { name: 'Edit destination' });
    await form.getByLabel('Consent purposes needed').click();
    await page.getByRole('option', { name: 'Marketing' }).click();
    await page.keyboard.press('Escape');
    await form.getByRole('button', { name: 'Save changes' }).click();
    await expectText(
      page.getByRole('region', { name: 'Receives' }),
      /Only people who consented to marketing\./,
    );

    const consent = (marketing: boolean) => ({ consent: { categoryPreferences: { marketing } } });
    await track('u-refuses', 'Order Completed', { orderId: 'ord_refused', total: 80 }, consent(false));
    await track('u-grants', 'Order Completed', { orderId: 'ord_granted', total: 80 }, consent(true));
    await expect.poll(() => deliveriesFor('u-grants').length, DELIVERY_WAIT).toBe(1);
    await page.getByRole('tab', { name: 'Delivery log' }).click();
    await page
      .getByRole('radiogroup', { name: 'Filter by status' })
      .getByText('Skipped', { exact: true })
      .click();
    await expect
      .poll(() => page.getByRole('table', { name: 'Delivery log' }).textContent(), DELIVERY_WAIT)
      .toMatch(/Skipped.*no consent for marketing/);
    await expect
      .poll(() => page.getByRole('region', { name: 'Skipped (consent)' }).textContent(), DELIVERY_WAIT)
      .toContain('1');
    await shot('07c-consent-skipped');
    expect(deliveriesFor('u-refuses')).toEqual([]);

    // The purpose off again, so the tests after this one send to everyone.
    const destinations = (await (await fetch(`${server.url}/api/v1/destinations`, { headers })).json()) as {
      data: { id: string }[];
    };
    for (const { id } of destinations.data) {
      const cleared = await fetch(`${server.url}/api/v1/destinations/${id}`, {
        method: 'PATCH',
        headers,
        body: JSON.stringify({ purposes: [] }),
      });
      expect(cleared.status).toBe(200);
    }
  });

  it('shows a viewer the delivery log without anything that changes it', async () => {
    const invited = await fetch(`${server.url}/api/v1/users`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ email: VIEWER, password: STRONG_PASSWORD, role: 'viewer' }),
    });
    expect(invited.status).toBe(201);
    const viewer = await freshPage(browser);
    await signIn(viewer, server.url, VIEWER, STRONG_PASSWORD);
    await viewer.goto(`${server.url}/destinations`);
    await viewer.getByRole('link', { name: 'Orders to the shop' }).click();
    await viewer.getByRole('table', { name: 'Delivery log' }).waitFor();
    await viewer
      .getByRole('button', { name: /^Inspect delivery / })
      .first()
      .click();
    await viewer.getByText('Body sent').waitFor();
    for (const control of ['Send test', 'Pause', 'Replay', 'Send again']) {
      expect(await viewer.getByRole('button', { name: control, exact: true }).count(), control).toBe(0);
    }
    expect(await viewer.getByRole('tab', { name: 'Settings' }).count()).toBe(0);
    await viewer.getByRole('link', { name: '← Destinations' }).click();
    expect(await viewer.getByRole('link', { name: 'New destination' }).count()).toBe(0);
    await viewer.context().close();
  });

  it('edits, pauses and deletes the destination; secrets stay hidden', async () => {
    // An audience to subscribe to, picked from the list by its name.
    const audience = await fetch(`${server.url}/api/v1/audiences`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Pro customers', rule: { trait: 'plan', op: 'eq', value: 'pro' } }),
    });
    expect(audience.status).toBe(201);
    await page.getByRole('tab', { name: 'Settings' }).click();
    const form = page.getByRole('form', { name: 'Edit destination' });
    // The stored secret and header value are never sent back to the page.
    expect(await form.getByLabel('Signing secret').inputValue()).toBe('');
    expect(await form.getByLabel('Header 1 value').inputValue()).toBe('');
    expect(await page.content()).not.toContain(SECRET);
    await form.getByLabel(/^Name/).fill('Orders to the shop (EU)');
    await form.getByRole('button', { name: '+ Add subscription' }).click();
    await page.getByRole('menuitem', { name: /^Audience/ }).click();
    const second = form.getByRole('region', { name: 'Subscription 2' });
    await pick(second, 'Subscription 2 audience', 'Pro customers');
    await second.getByRole('checkbox', { name: 'Subscription 2 on exited' }).uncheck();
    await shot('08-settings');
    await form.getByRole('button', { name: 'Save changes' }).click();
    await page.getByRole('heading', { name: 'Orders to the shop (EU)' }).waitFor();
    await expectText(page.getByRole('region', { name: 'Receives' }), /People entering “Pro customers”/);

    // A person entering the audience is delivered as such.
    const identify = await fetch(`${server.url}/v1/identify`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Basic ${Buffer.from(`${WRITE_KEY}:`).toString('base64')}`,
      },
      body: JSON.stringify({ userId: 'u-vip', traits: { plan: 'pro' } }),
    });
    expect(identify.status).toBe(200);
    await expect
      .poll(
        () => receiver.received.filter((entry) => entry.body.type === 'audience.entered').length,
        DELIVERY_WAIT,
      )
      .toBe(1);
    await page.getByRole('tab', { name: 'Delivery log' }).click();
    await expect
      .poll(() => page.getByRole('table', { name: 'Delivery log' }).textContent(), DELIVERY_WAIT)
      .toMatch(/DeliveredEntered audience/);
    await shot('08b-audience-delivered');

    // Saving with the secrets left empty kept them: a new delivery is still signed.
    await track('u-eve', 'Order Completed', { orderId: 'ord_after_edit', total: 300 });
    await expect.poll(() => deliveriesFor('u-eve').length, DELIVERY_WAIT).toBe(1);
    expect(deliveriesFor('u-eve')[0]?.signed).toBe(true);

    await page.getByRole('button', { name: 'Pause' }).click();
    await page.getByText('Paused', { exact: true }).first().waitFor();
    await page.getByRole('link', { name: '← Destinations' }).click();
    await expectText(page.getByRole('table', { name: 'Destinations' }), /Orders to the shop \(EU\).*Paused/);
    await shot('09-list');

    await page.getByRole('link', { name: 'Orders to the shop (EU)' }).click();
    await page.getByRole('button', { name: /^Delete destination / }).click();
    await page.getByRole('button', { name: 'Confirm delete' }).click();
    await page.waitForURL(/\/destinations$/);
    await page.getByText('No destinations yet').waitFor();
  });

  it('syncs an audience-file destination on demand, saying why it failed, and tests it without writing a file', async () => {
    const headers = { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' };
    const audiences = (await (await fetch(`${server.url}/api/v1/audiences`, { headers })).json()) as {
      data: { id: string; name: string }[];
    };
    const pro = audiences.data.find((audience) => audience.name === 'Pro customers');
    // A folder outside the audience-files folder: the sync on creation fails, unseen.
    const created = await fetch(`${server.url}/api/v1/destinations`, {
      method: 'POST',
      headers,
      body: JSON.stringify({
        name: 'Pro list',
        type: 'audience-file',
        config: { format: 'csv', directory: join(dataDir, 'elsewhere') },
        subscriptions: [{ kind: 'audience', audienceId: pro?.id }],
      }),
    });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };
    const files = async () =>
      (
        (await (await fetch(`${server.url}/api/v1/destinations/${id}/files`, { headers })).json()) as {
          data: { kind: string }[];
        }
      ).data;

    await page.goto(`${server.url}/destinations/${id}`);
    await page.getByRole('heading', { name: 'Pro list' }).waitFor();
    await page.getByRole('button', { name: 'Sync now' }).click();
    await expectText(page.getByRole('alert'), /^The sync failedThe directory .*elsewhere is outside /);
    await shot('10-sync-failed');

    const moved = await fetch(`${server.url}/api/v1/destinations/${id}`, {
      method: 'PATCH',
      headers,
      body: JSON.stringify({ config: { format: 'csv', directory: 'lists' } }),
    });
    expect(moved.status).toBe(200);
    await page.reload();
    await page.getByRole('button', { name: 'Sync now' }).click();
    // u-vip entered “Pro customers” in the test above.
    await expectText(page.getByRole('status'), /^Synced: a full file of “Pro customers” \(1 person\)\.$/);
    await shot('11-sync-now');
    await page.getByRole('tab', { name: 'Files' }).click();
    await expectText(page.getByRole('table', { name: 'Audience files' }), /Full export/);
    // An admin sees personal data: the CSV is a download link (a masked role gets its name only).
    await page
      .getByRole('table', { name: 'Audience files' })
      .getByRole('link', { name: /\.csv$/ })
      .waitFor();

    await page.getByRole('button', { name: 'Send test' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('button', { name: 'Check connection' }).click();
    await expectText(dialog.getByRole('status'), /lists can be written in; no file was written/);
    await shot('12-check-connection');
    await page.keyboard.press('Escape');
    expect((await files()).map((file) => file.kind)).toEqual(['full']);

    // A viewer sees personal data masked: the CSV's name, no link, and why.
    const viewer = await freshPage(browser);
    await signIn(viewer, server.url, VIEWER, STRONG_PASSWORD);
    await viewer.goto(`${server.url}/destinations/${id}`);
    await viewer.getByRole('tab', { name: 'Files' }).click();
    const table = viewer.getByRole('table', { name: 'Audience files' });
    await expectText(table, /\.csv/);
    expect(await table.getByRole('link').count()).toBe(0);
    await viewer
      .getByText(/only someone who sees it \(sales, support, an admin or the owner\) can download them/)
      .waitFor();
    await viewer.screenshot({ path: join(SHOTS, '13-audience-files-viewer.png'), fullPage: true });
    await viewer.context().close();
  });

  it('lists a destination with a long name without cutting its type, status or counts', async () => {
    const created = await fetch(`${server.url}/api/v1/destinations`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        name: 'Orders of the EU region to the fulfilment partner’s webhook, as agreed with operations in March',
        type: 'webhook',
        config: { url: receiver.url },
        enabled: false,
      }),
    });
    expect(created.status).toBe(201);
    const owner = await freshPage(browser);
    await owner.setViewportSize({ width: 1360, height: 1000 });
    await signIn(owner, server.url, OWNER, OWNER_PASSWORD);
    await owner.goto(`${server.url}/destinations`);
    const table = owner.getByRole('table', { name: 'Destinations' });
    await expectText(table, /fulfilment partner/);
    await owner.screenshot({ path: join(SHOTS, '14-list-long-name.png'), fullPage: true });
    // A cell squeezed by the name showed “WEB…” and “PA…”, and broke “0 delivered” over two lines.
    const cut = await table.evaluate((element) =>
      [...element.querySelectorAll('tbody td')]
        .flatMap((cell) => [...cell.querySelectorAll<HTMLElement>('.mantine-Badge-label, p[title]')])
        .filter((text) => {
          const lines = document.createRange();
          lines.selectNodeContents(text);
          return (
            text.scrollWidth > text.clientWidth ||
            new Set([...lines.getClientRects()].map((r) => r.top)).size > 1
          );
        })
        .map((text) => text.textContent),
    );
    expect(cut).toEqual([]);
    const row = table.getByRole('row').filter({ hasText: 'fulfilment partner' });
    expect(await row.textContent()).toMatch(/WebhookPaused.*0 delivered/);
    await owner.context().close();
  });
});
