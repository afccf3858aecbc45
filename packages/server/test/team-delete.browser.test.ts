import { describe, expect, it } from 'vitest';
import { tandemInBrowser } from './support/tandem-in-browser.js';
import { freshPage, HAS_CHROMIUM, signIn } from './support/web-ui-browser.js';

describe.skipIf(!HAS_CHROMIUM)('deleting a team a mailbox routes to, in a real browser', () => {
  const tandem = tandemInBrowser('team-delete');

  it('asks first, says which mailbox uses it, and deletes it once the mailbox is re-pointed', async () => {
    const team = await tandem.api<{ id: string }>('POST', '/api/v1/teams', { name: 'Billing' });
    const mailbox = await tandem.api<{ id: string }>('POST', '/api/v1/mailboxes', {
      address: 'billing@acme.test',
      teamId: team.id,
    });
    const page = await freshPage(tandem.browser);
    await signIn(page, tandem.url, tandem.owner.email, tandem.owner.password);
    await page.goto(`${tandem.url}/teams`);
    await page.getByRole('button', { name: 'Delete team Billing' }).click();
    await page.getByRole('button', { name: 'Delete', exact: true }).click();
    await expect
      .poll(() => page.getByText('cannot be deleted: mailbox "billing@acme.test" uses it').count())
      .toBe(1);
    await tandem.shot(page, '1-refused');
    expect(await page.getByRole('region', { name: 'Team Billing' }).count()).toBe(1);

    await tandem.api('PATCH', `/api/v1/mailboxes/${mailbox.id}`, { teamId: null });
    await page.getByRole('button', { name: 'Delete', exact: true }).click();
    await expect.poll(() => page.getByRole('region', { name: 'Team Billing' }).count()).toBe(0);
  });
});
