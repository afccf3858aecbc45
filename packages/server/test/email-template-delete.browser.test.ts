import { describe, expect, it } from 'vitest';
import { tandemInBrowser } from './support/tandem-in-browser.js';
import { freshPage, HAS_CHROMIUM, signIn } from './support/web-ui-browser.js';

const MJML =
  '<mjml><mj-body><mj-section><mj-column><mj-text>Hi</mj-text></mj-column></mj-section></mj-body></mjml>';

describe.skipIf(!HAS_CHROMIUM)('deleting an email template a journey sends, in a real browser', () => {
  const tandem = tandemInBrowser('template-delete');

  it('says which journey uses it, and deletes it once the journey is archived', async () => {
    const template = await tandem.api<{ id: string }>('POST', '/api/v1/email/templates', {
      name: 'Welcome aboard',
      subject: 'Hello',
      mjml: MJML,
    });
    const journey = await tandem.api<{ id: string }>('POST', '/api/v1/journeys', {
      name: 'Onboarding',
      entry: { kind: 'event', event: 'Signed Up' },
      steps: [{ id: 'mail', kind: 'send_email', templateId: template.id, next: null }],
    });
    const page = await freshPage(tandem.browser);
    await signIn(page, tandem.url, tandem.owner.email, tandem.owner.password);
    await page.goto(`${tandem.url}/email-templates/${template.id}`);
    await page.getByRole('button', { name: 'Delete template Welcome aboard' }).click();
    await page.getByRole('button', { name: 'Delete template', exact: true }).click();
    await expect
      .poll(() => page.getByText('cannot be deleted: journey "Onboarding" uses it').count())
      .toBe(1);
    await tandem.shot(page, '1-refused');
    expect(page.url()).toContain(`/email-templates/${template.id}`);

    await tandem.api('DELETE', `/api/v1/journeys/${journey.id}`);
    await page.getByRole('button', { name: 'Delete template', exact: true }).click();
    await page.waitForURL(/\/email-templates$/);
  });
});
