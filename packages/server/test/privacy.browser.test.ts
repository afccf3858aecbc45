import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tandemInBrowser } from './support/tandem-in-browser.js';
import { freshPage, HAS_CHROMIUM, pick, signIn } from './support/web-ui-browser.js';

const PERSON = { userId: 'priv-browser-q8z1', email: 'erin.q8z1@example.com' };

/** Every file under `dir` whose bytes hold `needle`. */
function filesHolding(dir: string, needle: string): string[] {
  const found: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) found.push(...filesHolding(path, needle));
    else if (readFileSync(path).includes(needle)) found.push(path);
  }
  return found;
}

describe.skipIf(!HAS_CHROMIUM)('privacy requests in the web UI, in a real browser', () => {
  const tandem = tandemInBrowser('privacy');

  it('exports then deletes a person, following each request to its report', async () => {
    await tandem.track([
      {
        type: 'identify',
        userId: PERSON.userId,
        anonymousId: 'anon-q8z1',
        traits: { email: PERSON.email },
      },
      { type: 'track', userId: PERSON.userId, event: 'Viewed Pricing' },
    ]);
    const page = await freshPage(tandem.browser);
    await signIn(page, tandem.url, tandem.owner.email, tandem.owner.password);
    await page.getByRole('link', { name: 'Privacy requests' }).click();
    await page.waitForURL(/\/privacy-requests/);
    await expect.poll(() => page.getByText('No privacy requests yet.').count()).toBe(1);

    // An export, by email.
    const form = page.getByRole('form', { name: 'New privacy request' });
    await pick(form, 'Request', 'Export');
    await form.getByPlaceholder('ada@example.com').fill(PERSON.email);
    await form.getByRole('button', { name: 'Submit request' }).click();
    const list = page.getByRole('table', { name: 'Privacy requests' });
    await expect.poll(() => list.textContent(), { timeout: 20_000 }).toContain('done');
    await tandem.shot(page, '1-export-done');
    await list.getByRole('link', { name: 'Export' }).click();
    await page.waitForURL(/\/privacy-requests\/prq_/);
    const download = page.getByRole('link', { name: 'Download JSON' });
    await expect.poll(() => download.count()).toBe(1);
    const report = page.getByRole('table', { name: 'Report by domain' });
    await expect.poll(() => report.textContent()).toContain('events');
    await tandem.shot(page, '2-export-report');
    const downloadUrl = `${tandem.url}${await download.getAttribute('href')}`;
    const exported = await page.request.get(downloadUrl);
    expect(await exported.text()).toContain('Viewed Pricing');

    // Then a deletion, by user id; afterwards, neither the store file nor any other file holds them.
    await page.getByRole('link', { name: '← Privacy requests' }).click();
    await pick(form, 'Request', 'Delete');
    await pick(form, 'Identifier type', 'user_id');
    await form.getByPlaceholder('ada@example.com').fill(PERSON.userId);
    await form.getByRole('button', { name: 'Submit request' }).click();
    await expect.poll(() => list.getByText('done').count(), { timeout: 20_000 }).toBe(2);
    await list.getByRole('link', { name: 'Delete' }).click();
    await expect
      .poll(() => page.getByRole('table', { name: 'Report by domain' }).textContent())
      .toContain('identity');
    await tandem.shot(page, '3-delete-report');
    // Bulk paste: a line per identifier.
    await page.getByRole('link', { name: '← Privacy requests' }).click();
    await page.getByText('Bulk paste').click();
    await page.getByLabel('Identifiers, one per line').fill('a@example.com\nuser_id,someone\nb@example.com');
    await page.getByRole('button', { name: 'Submit 3 requests' }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toContain('3 requests recorded');
    await tandem.shot(page, '4-bulk');
    // The export went with the person; no file under the data directory (the store, its WAL)
    // names them by the ids the log and identity held. Their traits are the profiles domain's:
    // privacy-proof.test.ts scans every table for those.
    expect((await page.request.get(downloadUrl)).status()).toBe(404);
    expect(filesHolding(tandem.dataDir, PERSON.userId)).toEqual([]);
    expect(filesHolding(tandem.dataDir, 'anon-q8z1')).toEqual([]);
  });

  it('deletes events by scope through the server’s pipeline thread, re-deriving their profiles', async () => {
    const track = (batch: unknown[]) =>
      fetch(`${tandem.url}/v1/batch`, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          Authorization: `Basic ${Buffer.from(`${tandem.writeKey}:`).toString('base64')}`,
        },
        body: JSON.stringify({ batch }),
      });
    expect(
      (
        await track([
          { type: 'identify', userId: 'scope-1', traits: { plan: 'pro' } },
          { type: 'track', userId: 'scope-1', event: 'Card Typed', properties: { card: 'cardno-5151' } },
        ])
      ).status,
    ).toBe(200);
    const admin = { authorization: `Bearer ${tandem.adminToken}`, 'content-type': 'application/json' };
    // The pipeline unifies in the background.
    await expect
      .poll(
        async () =>
          (await fetch(`${tandem.url}/api/v1/profiles/lookup?type=user_id&value=scope-1`, { headers: admin }))
            .status,
      )
      .toBe(200);
    const deleted = await fetch(`${tandem.url}/api/v1/privacy/deletions`, {
      method: 'POST',
      headers: admin,
      body: JSON.stringify({ event: 'Card Typed' }),
    });
    expect(await deleted.json()).toEqual({ events: 1, profiles: 1 });
  });
});
