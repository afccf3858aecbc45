import { describe, expect, it } from 'vitest';
import { tandemInBrowser } from './support/tandem-in-browser.js';
import { freshPage, HAS_CHROMIUM, signIn } from './support/web-ui-browser.js';

const calls = (n: number) =>
  Array.from({ length: n }, (_, i) => ({ type: 'track', userId: `pipe-${i % 3}`, event: 'Viewed Pricing' }));

describe.skipIf(!HAS_CHROMIUM)('the pipeline page, in a real browser', () => {
  const tandem = tandemInBrowser('pipeline');

  it('shows every stage up to date once the events collected are processed', async () => {
    await tandem.track(calls(12));
    const page = await freshPage(tandem.browser);
    await signIn(page, tandem.url, tandem.owner.email, tandem.owner.password);
    await page.getByRole('link', { name: 'Pipeline' }).click();
    await page.waitForURL(/\/pipeline$/);
    const stages = page.getByRole('table', { name: 'Pipeline stages' });
    await expect.poll(() => stages.getByRole('row').count()).toBe(9);
    await expect
      .poll(() => page.getByRole('status').textContent(), { timeout: 15_000 })
      .toContain('Every stage has processed every event');
    expect(await stages.getByText('Up to date').count()).toBe(8);
    for (const label of [
      'Identity and traits',
      'Computed traits and audiences',
      'Destinations',
      'Insights copy',
    ])
      expect(await stages.getByText(label, { exact: true }).count()).toBe(1);
    await tandem.shot(page, '1-up-to-date');
  });
});

describe.skipIf(!HAS_CHROMIUM)('the pipeline page of a process that does not run the pipeline', () => {
  // An ingestion-only process: events are stored, nothing processes them.
  const tandem = tandemInBrowser('pipeline-off', { TANDEM_PIPELINE: 'false' });

  it('counts the events waiting at each stage, then says it is behind and what to check', async () => {
    await tandem.track(calls(7));
    const page = await freshPage(tandem.browser);
    await signIn(page, tandem.url, tandem.owner.email, tandem.owner.password);
    await page.goto(`${tandem.url}/pipeline`);
    const stages = page.getByRole('table', { name: 'Pipeline stages' });
    await expect.poll(() => stages.getByText('7 events').count()).toBe(8);
    // Past 5 s the oldest waiting event makes every stage behind.
    await expect
      .poll(() => page.getByRole('status').textContent(), { timeout: 20_000 })
      .toContain('check that a Tandem process runs the pipeline');
    expect(await page.getByRole('status').textContent()).toContain('7 events waiting at Identity and traits');
    expect(await stages.getByText('Behind').count()).toBe(8);
    await tandem.shot(page, '2-behind');
  });
});
