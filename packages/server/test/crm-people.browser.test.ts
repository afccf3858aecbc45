import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTandem } from './support/start-tandem.js';
import { csrfOf, freshPage, HAS_CHROMIUM, launchChromium, pick, signIn } from './support/web-ui-browser.js';

const OWNER = { email: 'rep@example.com', password: 'violet kettle orbit 42' };
/** Screenshots of the CRM people pages, to look at. */
const SHOTS = '/tmp/shots-crm-people';

describe.skipIf(!HAS_CHROMIUM)('CRM people in the web UI, in a real browser', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'tandem-crm-people-'));
  let server: Awaited<ReturnType<typeof startTandem>>;
  let browser: Browser;

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    server = await startTandem({
      TANDEM_DATA_DIR: dataDir,
      TANDEM_ADMIN_EMAIL: OWNER.email,
      TANDEM_ADMIN_PASSWORD: OWNER.password,
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

  it('creates a person, adds a note and sees it on the timeline; edits the relationship; completes a task', async () => {
    const page = await freshPage(browser);
    await signIn(page, server.url, OWNER.email, OWNER.password);
    await page.getByRole('link', { name: 'People', exact: true }).click();
    await page.waitForURL(/\/people/);
    await page.getByRole('button', { name: 'New person' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Name').fill('Ada Lovelace');
    await dialog.getByLabel('Email').fill('ada@example.com');
    await shot(page, '1-new-person');
    await dialog.getByRole('button', { name: 'Create person' }).click();
    await page.waitForURL(/\/people\/prof_/);
    await expect.poll(() => page.getByRole('heading', { level: 2 }).textContent()).toBe('Ada Lovelace');
    const relationship = page.getByRole('region', { name: 'Relationship' });
    await expect.poll(() => relationship.getByLabel('Lifecycle stage').inputValue()).toBe('Lead');

    // A note, on the logged activities at once and on the timeline once the pipeline has it.
    await page.getByRole('textbox', { name: 'Add note' }).fill('Asked for a demo of the analytics engine');
    await page.getByRole('button', { name: 'Add note' }).click();
    await expect.poll(() => page.getByRole('textbox', { name: 'Add note' }).inputValue()).toBe('');
    const timeline = page.getByRole('table', { name: 'Activity' });
    await expect
      .poll(
        async () => {
          const text = (await timeline.textContent()) ?? '';
          if (!text.includes('Note Added')) await page.reload();
          return (await timeline.textContent()) ?? '';
        },
        { timeout: 20_000 },
      )
      .toContain('Note Added');
    await expect.poll(() => timeline.textContent()).toContain('Asked for a demo');
    await shot(page, '2-person-360-note-on-timeline');

    // Relationship fields are saved as they change.
    await pick(relationship, 'Lifecycle stage', 'SQL');
    await relationship.getByLabel('Tags').fill('vip');
    await relationship.getByLabel('Tags').press('Enter');
    await expect
      .poll(async () => {
        const id = new URL(page.url()).pathname.split('/').pop() ?? '';
        return (await (await page.request.get(`${server.url}/api/v1/people/${id}`)).json()) as unknown;
      })
      .toMatchObject({ lifecycleStage: 'sql', tags: ['vip'] });

    // A task created inline shows among the person's open tasks, and is completed there.
    await page.getByRole('region', { name: 'Log activity' }).getByText('Task', { exact: true }).click();
    await page.getByRole('textbox', { name: 'Task', exact: true }).fill('Send the proposal');
    await page.getByRole('button', { name: 'Create task' }).click();
    const tasks = page.getByRole('region', { name: 'Open tasks' });
    await expect.poll(() => tasks.textContent()).toContain('Send the proposal');
    await page.getByRole('tab', { name: 'Notes and calls' }).click();
    await expect
      .poll(() => page.getByRole('list', { name: 'Logged activities' }).textContent())
      .toContain('Asked for a demo');
    await page.evaluate(() => window.scrollTo(0, 0));
    await shot(page, '3-person-360-task-and-fields');

    // The contacts list shows the CRM columns.
    await page.getByRole('link', { name: 'People', exact: true }).first().click();
    const people = page.getByRole('table', { name: 'People' });
    await expect.poll(() => people.textContent()).toContain('SQL');
    await expect.poll(() => people.textContent()).toContain('vip');
    await page.getByRole('checkbox', { name: 'Select Ada Lovelace' }).check();
    await shot(page, '4-contacts-list-selected');

    // My tasks: complete it.
    await page.getByRole('link', { name: 'Tasks' }).click();
    const list = page.getByRole('table', { name: 'Tasks' });
    await expect.poll(() => list.textContent()).toContain('Send the proposal');
    await shot(page, '5-my-tasks');
    await page.getByRole('checkbox', { name: 'Complete Send the proposal' }).click();
    await expect.poll(() => page.getByText('Nothing on your list.').count()).toBe(1);
  });

  it('creates a company, links a person to it by hand, and lists it', async () => {
    const page = await freshPage(browser);
    await signIn(page, server.url, OWNER.email, OWNER.password);
    await page.waitForURL((url) => !url.pathname.startsWith('/login'));
    const created = await page.request.post(`${server.url}/api/v1/people`, {
      data: { email: 'gus@globex.com', name: 'Gus Fring' },
      headers: { 'X-CSRF-Token': await csrfOf(page) },
    });
    expect(created.status()).toBe(201);
    await page.getByRole('link', { name: 'Companies' }).click();
    await page.getByRole('button', { name: 'New company' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Name').fill('Globex');
    await dialog.getByLabel('Domain').fill('globex.com');
    await dialog.getByRole('button', { name: 'Create company' }).click();
    await page.waitForURL(/\/companies\/co_/);
    await expect.poll(() => page.getByRole('heading', { level: 2 }).textContent()).toBe('Globex');
    await page.getByRole('combobox', { name: 'Add a person' }).fill('gus@');
    await page.getByRole('option', { name: /Gus Fring/ }).click();
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    const people = page.getByRole('table', { name: 'Company people' });
    await expect.poll(() => people.textContent()).toContain('Gus Fring');
    await page.getByRole('textbox', { name: 'Add note' }).fill('Renewal talk in March');
    await page.getByRole('button', { name: 'Add note' }).click();
    await page.getByRole('tab', { name: 'Notes and calls' }).click();
    await expect
      .poll(() => page.getByRole('list', { name: 'Logged activities' }).textContent())
      .toContain('Renewal talk');
    await page.getByRole('tab', { name: /People/ }).click();
    await shot(page, '6-company-page');
    await page.getByRole('link', { name: '← Companies' }).click();
    const list = page.getByRole('table', { name: 'Companies' });
    await expect.poll(() => list.textContent()).toContain('globex.com');
    await shot(page, '7-companies-list');
  });

  it('defines a custom field and fills it on a person', async () => {
    const page = await freshPage(browser);
    await signIn(page, server.url, OWNER.email, OWNER.password);
    await page.getByRole('link', { name: 'Custom fields' }).click();
    await page.getByRole('button', { name: 'Add field' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Label').fill('Plan tier');
    expect(await dialog.getByLabel('Key').inputValue()).toBe('plan_tier');
    await pick(dialog, 'Type', 'One choice');
    await dialog.getByLabel('Choices').fill('free');
    await dialog.getByLabel('Choices').press('Enter');
    await dialog.getByLabel('Choices').fill('pro');
    await dialog.getByLabel('Choices').press('Enter');
    await dialog.getByRole('button', { name: 'Add field' }).click();
    const fields = page.getByRole('table', { name: 'Custom fields' });
    await expect.poll(() => fields.textContent()).toContain('plan_tier');
    await shot(page, '8-custom-fields');

    await page.getByRole('link', { name: 'People', exact: true }).click();
    await page.getByRole('link', { name: 'Gus Fring' }).click();
    const relationship = page.getByRole('region', { name: 'Relationship' });
    await pick(relationship, 'Plan tier', 'pro');
    const id = () => new URL(page.url()).pathname.split('/').pop() ?? '';
    await expect
      .poll(
        async () =>
          (
            (await (await page.request.get(`${server.url}/api/v1/people/${id()}`)).json()) as {
              fields: unknown;
            }
          ).fields,
      )
      .toEqual({ plan_tier: 'pro' });
    await shot(page, '9-person-custom-field');

    // Removing a field asks first: a stray click takes nothing away.
    await page.getByRole('link', { name: 'Custom fields' }).click();
    await fields.getByRole('button', { name: 'Remove Plan tier' }).click();
    await expect
      .poll(() => page.getByText('Remove the field "Plan tier"? It no longer shows on people').count())
      .toBe(1);
    await shot(page, '9b-remove-field-question');
    await page.getByRole('button', { name: 'Cancel' }).click();
    expect(await fields.textContent()).toContain('plan_tier');
    await fields.getByRole('button', { name: 'Remove Plan tier' }).click();
    await page.getByRole('button', { name: 'Remove field' }).click();
    await expect.poll(() => page.getByText('No custom fields yet.').count()).toBe(1);
  });

  it('creates a team, makes it the new-leads team, and assigns selected people with it', async () => {
    const page = await freshPage(browser);
    await signIn(page, server.url, OWNER.email, OWNER.password);
    await page.getByRole('link', { name: 'Teams' }).click();
    const form = page.getByRole('form', { name: 'New team' });
    await form.getByLabel('Team name').fill('Inbound');
    await form.getByPlaceholder('Pick members').click();
    await page.getByRole('option', { name: `Me (${OWNER.email})` }).click();
    await page.keyboard.press('Escape');
    await form.getByRole('button', { name: 'Create team' }).click();
    const team = page.getByRole('region', { name: 'Team Inbound' });
    await expect.poll(() => team.getByRole('switch', { name: 'Me is away' }).count()).toBe(1);
    await pick(
      page.getByRole('region', { name: 'New leads' }),
      'Assign people created without an owner with',
      'Inbound',
    );
    await expect
      .poll(
        async () =>
          (
            (await (await page.request.get(`${server.url}/api/v1/crm/settings`)).json()) as {
              assignNewLeadsTo: string | null;
            }
          ).assignNewLeadsTo,
      )
      .toMatch(/^team_/);
    await shot(page, '10-teams');

    const hank = await page.request.post(`${server.url}/api/v1/people`, {
      data: { email: 'hank@dea.gov', name: 'Hank Schrader', ownerId: 'usr_someone_else' },
      headers: { 'X-CSRF-Token': await csrfOf(page) },
    });
    expect(hank.status()).toBe(201);
    await page.getByRole('link', { name: 'People', exact: true }).click();
    await page.getByRole('checkbox', { name: 'Select Hank Schrader' }).check();
    await pick(page.getByRole('region', { name: 'Edit the selected people' }), 'Assign with team', 'Inbound');
    await page.getByRole('button', { name: 'Assign', exact: true }).click();
    const people = page.getByRole('table', { name: 'People' });
    await expect
      .poll(async () => (await people.getByRole('row', { name: /Hank Schrader/ }).textContent()) ?? '')
      .toContain('Me');
    await shot(page, '11-assigned');
  });
});
