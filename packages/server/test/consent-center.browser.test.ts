import { beforeAll, describe, expect, it } from 'vitest';
import { tandemInBrowser } from './support/tandem-in-browser.js';
import { freshPage, HAS_CHROMIUM, pick, signIn } from './support/web-ui-browser.js';

const PIPELINE_WAIT = { timeout: 20_000, interval: 200 };

describe.skipIf(!HAS_CHROMIUM)('the consent center in a real browser', () => {
  const tandem = tandemInBrowser('consent-center');

  beforeAll(async () => {
    // Three pro customers decide on a cookie banner: two grant marketing, one refuses it.
    const banner = (userId: string, marketing: boolean) => [
      { type: 'identify', userId, traits: { plan: 'pro', email: `${userId}@example.com` } },
      {
        type: 'track',
        userId,
        event: 'Segment Consent Preference Updated',
        context: {
          consent: { categoryPreferences: { marketing, analytics: true } },
          ip: '203.0.113.20',
          userAgent: 'Mozilla/5.0 (Banner)',
        },
      },
    ];
    await tandem.track([...banner('ivy', true), ...banner('jon', true), ...banner('kim', false)]);
  });

  it('shows decisions per purpose and recent changes, lets a person withdraw on the public page, with proof', async () => {
    const page = await freshPage(tandem.browser);
    await signIn(page, tandem.url, tandem.owner.email, tandem.owner.password);
    // The pipeline records the banner's decisions in the background.
    await expect
      .poll(async () => {
        const overview = await page.request.get(`${tandem.url}/api/v1/consent/overview`);
        return overview.ok() ? ((await overview.json()) as { recent: unknown[] }).recent.length : 0;
      }, PIPELINE_WAIT)
      .toBe(6);
    await page.getByRole('link', { name: 'Consent' }).click();
    await page.waitForURL(/\/consent/);
    const perPurpose = page.getByRole('table', { name: 'Decisions per purpose' });
    await expect.poll(() => perPurpose.textContent()).toMatch(/Marketing\s*2\s*1/);
    await expect.poll(() => perPurpose.textContent()).toMatch(/Analytics\s*3\s*0/);
    const recent = page.getByRole('table', { name: 'Recent consent changes' });
    await expect.poll(() => recent.getByRole('row').count()).toBe(7);
    await expect.poll(() => recent.textContent()).toContain('203.0.113.20 · Mozilla/5.0 (Banner)');
    await tandem.shot(page, '1-consent-center');

    // Her Consent tab makes Ivy's preference page link (the one her emails carry); she opens it.
    const ivyId = (
      (await (
        await page.request.get(`${tandem.url}/api/v1/profiles/lookup?type=user_id&value=ivy`)
      ).json()) as { id: string }
    ).id;
    await page.goto(`${tandem.url}/people/${ivyId}`);
    await page.getByRole('tab', { name: 'Consent' }).click();
    await page.getByRole('button', { name: 'Preference page link' }).click();
    const opener = page.getByRole('link', { name: 'Open the preference page' });
    const { pathname } = new URL((await opener.getAttribute('href')) ?? '');
    const ivy = await freshPage(tandem.browser);
    await ivy.goto(`${tandem.url}${pathname}`);
    await ivy.getByRole('heading', { name: 'How we may use your data' }).waitFor();
    const marketing = ivy.getByRole('checkbox', { name: /^Marketing/ });
    expect(await marketing.isChecked()).toBe(true);
    await marketing.uncheck();
    await tandem.shot(ivy, '2-public-preference-page');
    await ivy.getByRole('button', { name: 'Save preferences' }).click();
    await expect.poll(() => ivy.getByRole('status').textContent()).toContain('saved');
    expect(await ivy.getByRole('checkbox', { name: /^Marketing/ }).isChecked()).toBe(false);
    await tandem.shot(ivy, '3-public-preference-page-saved');

    // The center counts it; her Consent tab keeps how, when and the proof.
    await page.goto(`${tandem.url}/consent`);
    await expect.poll(() => perPurpose.textContent()).toMatch(/Marketing\s*1\s*2/);
    await page.goto(`${tandem.url}/people/${ivyId}`);
    await page.getByRole('tab', { name: 'Consent' }).click();
    const history = page.getByRole('table', { name: 'Consent history' });
    await expect.poll(() => history.textContent()).toContain('The person, on the preference page');
    await expect.poll(() => history.textContent()).toContain('Shown: “Marketing');
    await expect.poll(() => history.textContent()).toContain('203.0.113.20 · Mozilla/5.0 (Banner)');
    await tandem.shot(page, '4-person-consent-history');
  });

  it('builds an audience that requires a purpose: only people who granted it are counted and kept', async () => {
    const page = await freshPage(tandem.browser);
    await signIn(page, tandem.url, tandem.owner.email, tandem.owner.password);
    await page.goto(`${tandem.url}/audiences/new`);
    const rule = page.getByRole('group', { name: 'Rule' });
    await pick(rule, 'Trait', 'plan (string)');
    await page.getByRole('combobox', { name: 'Trait plan value' }).fill('pr');
    await page.getByRole('option', { name: 'pro', exact: true }).click();
    const count = page.getByLabel('Matching people', { exact: true });
    await expect.poll(() => count.textContent(), PIPELINE_WAIT).toBe('3 people');
    await pick(page, 'Only people who granted', 'Marketing');
    // Ivy withdrew, Kim refused: Jon alone.
    await expect.poll(() => count.textContent()).toBe('1 person');
    await page.getByLabel('Audience name').fill('Pro customers we may market to');
    await tandem.shot(page, '5-audience-requires-purpose');
    await page.getByRole('button', { name: 'Save audience' }).click();
    await page.waitForURL(/\/audiences\/aud_/);
    await expect.poll(() => page.getByLabel('Member count').textContent(), PIPELINE_WAIT).toBe('1 member');
    await expect.poll(() => page.getByLabel('Consent required').textContent()).toContain('marketing');
    await tandem.shot(page, '6-audience-saved');
  });
});
