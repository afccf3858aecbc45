import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { CLI } from './support/start-tandem.js';
import { tandemInBrowser } from './support/tandem-in-browser.js';
import { expectText, freshPage, HAS_CHROMIUM, pick, signIn } from './support/web-ui-browser.js';

describe.skipIf(!HAS_CHROMIUM)('the audit log and retention in the web UI, in a real browser', () => {
  const tandem = tandemInBrowser('governance');

  it('shows who read a person, filters, and turns red when a stored entry is edited', async () => {
    const sent = await fetch(`${tandem.url}/v1/identify`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        Authorization: `Basic ${Buffer.from(`${tandem.writeKey}:`).toString('base64')}`,
      },
      body: JSON.stringify({ userId: 'ada', traits: { email: 'ada@example.com', name: 'Ada Lovelace' } }),
    });
    expect(sent.status).toBe(200);
    const page = await freshPage(tandem.browser);
    await signIn(page, tandem.url, tandem.owner.email, tandem.owner.password);
    let profileId = '';
    await expect
      .poll(
        async () => {
          const found = await page.request.get(`${tandem.url}/api/v1/profiles/lookup?type=user_id&value=ada`);
          profileId = found.ok() ? ((await found.json()) as { id: string }).id : '';
          return profileId;
        },
        { timeout: 20_000, interval: 200 },
      )
      .toMatch(/^prof_/);
    // Opening the person's page reads their profile and timeline.
    await page.goto(`${tandem.url}/people/${profileId}`);
    await expectText(page.getByRole('heading', { level: 2 }), /Ada Lovelace/);

    await page.getByRole('link', { name: 'Audit log' }).click();
    await page.waitForURL(/\/audit-log/);
    const chain = page.getByRole('status', { name: 'Chain verification' });
    await expectText(chain, /Chain intact/);
    const entries = page.getByRole('table', { name: 'Audit entries' });
    await expectText(entries, '/api/v1/profiles/:id');
    await page.getByLabel('Person').fill(profileId);
    await expect.poll(() => entries.getByRole('row').count()).toBeGreaterThanOrEqual(2);
    // The lookup found the person: its entry names them too.
    await expectText(entries, '/api/v1/profiles/lookup');
    await page
      .getByRole('button', { name: /^Details of entry/ })
      .first()
      .click();
    await expectText(page.getByLabel(/^Entry \d+ content$/), profileId);
    await tandem.shot(page, '1-audit-log-person');

    await page.getByRole('button', { name: 'Clear' }).click();
    await pick(page, 'Action', 'Changes');
    // Nobody changed anything yet: reading is not a change.
    await expectText(page.getByText('No entries match.'), 'No entries match.');
    await pick(page, 'Action', 'Reads of a person');
    await expectText(entries, '/api/v1/profiles/:id');
    const csv = await page.request.get(`${tandem.url}/api/v1/audit-log/export?format=csv`);
    expect((await csv.text()).split('\n')[0]).toContain('seq,at,actorKind');

    // Someone with the database file edits an entry: the page says where the chain breaks.
    const store = new BetterSqlite3(join(tandem.dataDir, 'tandem.db'));
    try {
      store.prepare("update audit_entries set actor_id = 'usr_someone_else' where seq = 1").run();
    } finally {
      store.close();
    }
    await page.getByRole('button', { name: 'Verify again' }).click();
    await expectText(chain, /Chain broken.*Entry 1/);
    await tandem.shot(page, '2-audit-log-broken');

    // The operator's command says the same, and fails.
    const verify = spawnSync(process.execPath, [CLI, 'audit', 'verify'], {
      env: { ...process.env, TANDEM_DATA_DIR: tandem.dataDir, TANDEM_LOG_LEVEL: 'silent' },
      encoding: 'utf8',
    });
    expect(verify.stdout).toMatch(
      /ws_\w+: BROKEN at entry 1 \(adt_\w+\): hash mismatch; 0 entries verified before it\./,
    );
    expect(verify.status).toBe(1);
  });

  it('saves retention policies, runs now and reports the run', async () => {
    const page = await freshPage(tandem.browser);
    await signIn(page, tandem.url, tandem.owner.email, tandem.owner.password);
    await page.getByRole('link', { name: 'Retention' }).click();
    await page.waitForURL(/\/retention/);
    const form = page.getByRole('form', { name: 'Retention policies' });
    await form.getByRole('button', { name: 'Add event policy' }).click();
    await form.getByLabel('Event name').fill('Page Viewed');
    await form.getByLabel('Days to keep Page Viewed').fill('30');
    await form.getByLabel('Days to keep all other events').fill('365');
    await form.getByLabel('CRM activities (days)').fill('730');
    await form.getByRole('button', { name: 'Save policies' }).click();
    await expectText(form.getByRole('status'), 'Policies saved.');
    await expect
      .poll(async () =>
        JSON.stringify(await (await page.request.get(`${tandem.url}/api/v1/retention/policies`)).json()),
      )
      .toEqual(
        JSON.stringify({
          events: [
            { event: 'Page Viewed', days: 30 },
            { event: null, days: 365 },
          ],
          crmActivitiesDays: 730,
          closedTicketsDays: null,
          auditLogDays: null,
        }),
      );

    // Two policies for one event are refused, in a sentence naming it.
    await form.getByRole('button', { name: 'Add event policy' }).click();
    await form.getByLabel('Event name').last().fill('Page Viewed');
    await form.getByRole('button', { name: 'Save policies' }).click();
    await expectText(form.getByRole('alert'), /"Page Viewed" has two policies/);
    await form.getByRole('button', { name: 'Remove the policy of Page Viewed' }).last().click();

    await page.getByRole('button', { name: 'Run now' }).click();
    const runs = page.getByRole('table', { name: 'Retention runs' });
    // The newest run's row (the first under the header), once the page has followed it to its end.
    await expect
      .poll(async () => ((await runs.count()) > 0 ? await runs.getByRole('row').nth(1).textContent() : ''), {
        timeout: 20_000,
      })
      .toMatch(/Run now\s*done\s*Nothing to remove/);
    await tandem.shot(page, '3-retention');
  });
});
