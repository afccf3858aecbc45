import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startTestServer,
  TEST_ADMIN_EMAIL,
  TEST_ADMIN_PASSWORD,
  type TestServer,
} from '../src/testing/test-server.js';
import {
  freePort,
  freshPage,
  HAS_CHROMIUM,
  launchChromium,
  pick,
  STRONG_PASSWORD,
  signIn,
} from './support/web-ui-browser.js';

const WEB_DIST = fileURLToPath(new URL('../../web/dist', import.meta.url));
/** Screenshots of masked and unmasked views, to look at. */
const SHOTS = '/tmp/shots-pii';
const VIEWER = 'vera@example.com';

describe.skipIf(!HAS_CHROMIUM)('personal data masking in a real browser', () => {
  let server: TestServer;
  let browser: Browser;
  let url: string;
  let janeId: string;

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    server = await startTestServer('sqlite', { TANDEM_WEB_DIST: WEB_DIST, TANDEM_PUBLIC_URL: url });
    await server.app.listen({ host: '127.0.0.1', port });
    const created = await server.app.inject({
      method: 'POST',
      url: '/api/v1/people',
      headers: server.owner,
      payload: {
        name: 'Jane Doe',
        email: 'jane.doe@example.com',
        traits: { plan: 'pro', vip_notes: 'prefers calls' },
      },
    });
    expect(created.statusCode, created.body).toBe(201);
    janeId = created.json().profileId;
    const viewer = await server.app.inject({
      method: 'POST',
      url: '/api/v1/users',
      headers: server.owner,
      payload: { email: VIEWER, role: 'viewer', password: STRONG_PASSWORD },
    });
    expect(viewer.statusCode, viewer.body).toBe(201);
    await server.engine.pipeline.catchUp();
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  const shot = (page: Page, name: string) =>
    page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true, animations: 'disabled' });
  const heading = (page: Page) => page.getByRole('heading', { level: 2 }).first().textContent();

  it('lets an admin mark a field personal and see every value; a viewer sees masks with a padlock', async () => {
    const admin = await freshPage(browser);
    await signIn(admin, url, TEST_ADMIN_EMAIL, TEST_ADMIN_PASSWORD);
    await admin.getByRole('link', { name: 'Personal data' }).click();
    await admin.waitForURL(/\/personal-data/);
    await shot(admin, '0-admin-settings-before');
    const fields = admin.getByRole('combobox', { name: 'Fields marked personal' });
    await fields.fill('vip_notes');
    await fields.press('Enter');
    await admin.getByRole('button', { name: 'Save' }).click();
    await expect
      .poll(async () => (await server.engine.pii.settings(server.workspaceId)).personalFields)
      .toContain('vip_notes');
    await shot(admin, '1-admin-settings');

    await admin.goto(`${url}/people/${janeId}`);
    await expect.poll(() => heading(admin)).toBe('Jane Doe');
    await admin.getByRole('tab', { name: 'Traits' }).click();
    const adminTraits = admin.getByRole('table', { name: 'Traits' });
    await expect.poll(() => adminTraits.textContent()).toContain('prefers calls');
    expect(await admin.getByLabel('masked personal data').count()).toBe(0);
    await shot(admin, '2-admin-person');

    const viewer = await freshPage(browser);
    await signIn(viewer, url, VIEWER, STRONG_PASSWORD);
    await viewer.getByRole('link', { name: 'People', exact: true }).click();
    await viewer.waitForURL(/\/people/);
    const list = viewer.getByRole('table', { name: 'People' });
    await expect.poll(() => list.textContent()).toContain('j•••@e•••.com');
    expect(await list.textContent()).not.toContain('Jane Doe');
    expect(await list.getByLabel('masked personal data').count()).toBeGreaterThanOrEqual(2);
    await shot(viewer, '3-viewer-people');

    await viewer.goto(`${url}/people/${janeId}`);
    await expect.poll(() => heading(viewer)).toBe('•••');
    await viewer.getByRole('tab', { name: 'Traits' }).click();
    const traits = viewer.getByRole('table', { name: 'Traits' });
    await expect.poll(() => traits.textContent()).toContain('j•••@e•••.com');
    const traitsText = (await traits.textContent()) ?? '';
    expect(traitsText).toContain('pro');
    expect(traitsText).not.toContain('prefers calls');
    expect(await viewer.getByRole('main').textContent()).not.toContain('jane.doe@example.com');
    await shot(viewer, '4-viewer-person');

    // The viewer's own view of the settings: what it sees masked, nothing to change.
    await viewer.getByRole('link', { name: 'Personal data' }).click();
    await expect.poll(() => viewer.getByLabel('Your access').textContent()).toContain('vip_notes');
    expect(await viewer.getByRole('button', { name: 'Save' }).count()).toBe(0);
    await shot(viewer, '5-viewer-settings');

    // Field permissions: the admin lets viewers see emails; names stay masked.
    await admin.goto(`${url}/personal-data`);
    await pick(admin, 'Viewer sees unmasked', 'email');
    await admin.keyboard.press('Escape');
    await admin.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => admin.getByText('Saved.').count()).toBe(1);
    expect((await server.engine.pii.settings(server.workspaceId)).roleAllowlists.viewer).toEqual(['email']);
    await shot(admin, '6-admin-allowlist');
    await viewer.goto(`${url}/people`);
    await expect.poll(() => list.textContent()).toContain('jane.doe@example.com');
    expect(await list.textContent()).not.toContain('Jane Doe');
    await shot(viewer, '7-viewer-people-allowlisted');
  });
});
