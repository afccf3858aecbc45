import { describe, expect, it } from 'vitest';
import { tandemInBrowser } from './support/tandem-in-browser.js';
import { freshPage, HAS_CHROMIUM, signIn } from './support/web-ui-browser.js';

const PIPELINE_WAIT = { timeout: 20_000, interval: 200 };

describe.skipIf(!HAS_CHROMIUM)('global search (⌘K) in a real browser', () => {
  const tandem = tandemInBrowser('global-search');

  it('opens with Ctrl+K, finds John from "jonh", and jumps to his profile', async () => {
    await tandem.track([
      { type: 'identify', userId: 'u-john', traits: { name: 'John Appleseed', email: 'john@orchard.test' } },
      { type: 'identify', userId: 'u-joan', traits: { name: 'Joan Clarke', email: 'joan@bletchley.test' } },
      { type: 'track', userId: 'u-john', event: 'Orchard Planted' },
    ]);
    // The pipeline unifies the people in the background: the palette is opened once John is found.
    await expect
      .poll(
        async () => (await tandem.api<{ data: unknown[] }>('GET', '/api/v1/search?q=jonh')).data.length,
        PIPELINE_WAIT,
      )
      .toBe(1);

    const page = await freshPage(tandem.browser);
    await signIn(page, tandem.url, tandem.owner.email, tandem.owner.password);

    const palette = page.getByRole('textbox', { name: 'Find people, companies and deals' });
    const results = page.getByRole('dialog');
    await page.keyboard.press('Control+k');
    await palette.fill('jonh');
    await expect.poll(() => results.getByText('John Appleseed').isVisible()).toBe(true);
    await expect.poll(() => results.getByText('john@orchard.test').isVisible()).toBe(true);
    await expect.poll(() => results.getByText('close match').first().isVisible()).toBe(true);
    await tandem.shot(page, 'results');

    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/people\/prof_/);
    await expect.poll(() => page.getByRole('heading', { name: 'John Appleseed' }).isVisible()).toBe(true);
    await expect.poll(() => palette.isVisible()).toBe(false);
    await tandem.shot(page, 'profile');

    // The header button opens it too, and an unknown name says so.
    await page.getByRole('button', { name: 'Open global search' }).click();
    await palette.fill('zzqx');
    await expect.poll(() => results.getByText('Nothing matches “zzqx”.').isVisible()).toBe(true);
  });
});
