import { readFile } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { tandemInBrowser } from './support/tandem-in-browser.js';
import { freshPage, HAS_CHROMIUM, pick, signIn } from './support/web-ui-browser.js';

// The pipeline copies tracked events to the analytics copy in the background; give it time.
const PIPELINE_WAIT = { timeout: 30_000, interval: 250 };

/** Five visitors: all view a page, three sign up, two of those order — a funnel of 5 → 3 → 2. */
function visits(now: number) {
  const at = (minutesAgo: number) => new Date(now - minutesAgo * 60_000).toISOString();
  const people: {
    userId: string;
    name: string;
    steps: string[];
    campaign?: Record<string, string>;
    revenue?: number;
  }[] = [
    {
      userId: 'ada',
      name: 'Ada Lovelace',
      steps: ['Page Viewed', 'Signed Up', 'Order Completed'],
      campaign: { name: 'spring', source: 'newsletter', medium: 'email' },
      revenue: 120,
    },
    {
      userId: 'bob',
      name: 'Bob Byte',
      steps: ['Page Viewed', 'Signed Up', 'Order Completed'],
      campaign: { name: 'summer', source: 'google', medium: 'cpc' },
      revenue: 80,
    },
    { userId: 'cy', name: 'Cy Coder', steps: ['Page Viewed', 'Signed Up'] },
    { userId: 'dora', name: 'Dora Dropped', steps: ['Page Viewed'] },
    { userId: 'eve', name: 'Eve Elsewhere', steps: ['Page Viewed'] },
  ];
  return people.flatMap((person) => [
    {
      type: 'identify',
      userId: person.userId,
      traits: { name: person.name, plan: person.revenue ? 'pro' : 'free' },
      timestamp: at(120),
    },
    ...person.steps.map((event, index) => ({
      type: 'track',
      userId: person.userId,
      event,
      properties: event === 'Order Completed' ? { revenue: person.revenue } : { plan: 'pro' },
      // Ada came from the spring newsletter, Bob from a summer ad: the touches attribution credits.
      ...(index === 0 && person.campaign ? { context: { campaign: person.campaign } } : {}),
      timestamp: at(100 - index * 10),
    })),
  ]);
}

const threeSteps = {
  steps: [{ event: 'Page Viewed' }, { event: 'Signed Up' }, { event: 'Order Completed' }],
  within: '7d',
};

describe.skipIf(!HAS_CHROMIUM)('the insight builder and dashboards, in a real browser', () => {
  const tandem = tandemInBrowser('insights');

  async function waitForTrackedFunnel() {
    for (const deadline = Date.now() + PIPELINE_WAIT.timeout; Date.now() < deadline; ) {
      const funnel = await tandem.api<{ steps: { people: number }[] }>(
        'POST',
        '/api/v1/insights/funnel',
        threeSteps,
      );
      const events = await tandem.api<{ data: { name: string }[] }>('GET', '/api/v1/catalog/events');
      const traits = await tandem.api<{ data: { name: string }[] }>('GET', '/api/v1/catalog/traits');
      const ready = events.data.length >= 3 && traits.data.some((trait) => trait.name === 'plan');
      if (funnel.steps.map((s) => s.people).join() === '5,3,2' && ready) return;
      await new Promise((resolve) => setTimeout(resolve, PIPELINE_WAIT.interval));
    }
    throw new Error('the tracked events never reached the analytics copy');
  }

  beforeAll(async () => {
    await tandem.track(visits(Date.now()));
    await waitForTrackedFunnel();
  }, 60_000);

  const stepRow = (page: Page, step: number) => page.getByTestId(`funnel-step-${step}`).first();

  it('builds a funnel over tracked events, sees its numbers, lists who dropped, saves it and puts it on a dashboard', async () => {
    const page = await freshPage(tandem.browser);
    page.setDefaultTimeout(20_000);
    await signIn(page, tandem.url, tandem.owner.email, tandem.owner.password);

    // The area is in the nav, and its empty states say what to do first.
    await page.getByRole('link', { name: 'Insights', exact: true }).click();
    await expect.poll(() => page.getByText('No saved insights yet').count()).toBe(1);
    await tandem.shot(page, '01-insights-empty');
    await page.getByRole('link', { name: 'Build your first insight' }).click();
    await page.waitForURL(/\/insights\/new$/);

    await page.locator('label', { hasText: /^Funnels$/ }).click();
    await pick(page, 'Step 1 event', 'Page Viewed');
    await pick(page, 'Step 2 event', 'Signed Up');
    await page.getByRole('button', { name: 'Add step' }).click();
    await pick(page, 'Step 3 event', 'Order Completed');

    // People per step and conversion from the first step, as tracked.
    await expect.poll(() => stepRow(page, 2).textContent(), { timeout: 20_000 }).toContain('Order Completed');
    const cells = (step: number) => stepRow(page, step).locator('td').allTextContents();
    expect(await cells(0)).toEqual(['1. Page Viewed', '5', '100.0%', '—', '—', '—']);
    expect(await cells(1)).toEqual(['2. Signed Up', '3', '60.0%', '60.0%', '10m', '2 dropped']);
    expect(await cells(2)).toEqual(['3. Order Completed', '2', '40.0%', '66.7%', '10m', '1 dropped']);
    await expect.poll(() => page.getByText('40.0% of 5 people converted').count()).toBe(1);
    await tandem.shot(page, '02-funnel-built');

    // The chart exports the rows it plots as CSV, and its drawing as a PNG.
    const download = async (item: string) => {
      await page.getByRole('button', { name: /^Export / }).click();
      const [file] = await Promise.all([
        page.waitForEvent('download'),
        page.getByRole('menuitem', { name: item }).click(),
      ]);
      return readFile((await file.path()) ?? '');
    };
    const csv = (await download('Download CSV')).toString('utf8').split('\r\n');
    expect(csv[0]).toBe('step,people,conversion,stepConversion,medianSecondsToConvert');
    expect(csv[2]).toBe('2. Signed Up · 60.0%,3,60,60,600');
    const png = await download('Download PNG');
    expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');

    // The drop-off before "Signed Up" lists who stopped, linked to their profiles, savable as a list.
    await page.getByRole('button', { name: '2 dropped before Signed Up' }).click();
    const drawer = page.getByRole('dialog');
    await expect.poll(() => drawer.getByRole('link', { name: 'Dora Dropped' }).count()).toBe(1);
    await expect.poll(() => drawer.getByRole('link', { name: 'Eve Elsewhere' }).count()).toBe(1);
    expect(await drawer.getByRole('link', { name: 'Ada Lovelace' }).count()).toBe(0);
    expect(await drawer.getByRole('link', { name: 'Dora Dropped' }).getAttribute('href')).toMatch(
      /^\/people\/prof_/,
    );
    await drawer.getByRole('button', { name: 'Save as list' }).click();
    await expect.poll(() => drawer.getByRole('status').textContent()).toContain('Saved 2 people to');
    await tandem.shot(page, '03-dropped-people');
    await page.keyboard.press('Escape');

    // Save it: the page becomes the saved insight's.
    await page.getByRole('textbox', { name: 'Name' }).fill('Signup funnel');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.waitForURL(/\/insights\/ins_/);
    const saved = await tandem.api<{ data: { id: string; name: string; query: { kind: string } }[] }>(
      'GET',
      '/api/v1/saved-insights',
    );
    expect(saved.data).toMatchObject([{ name: 'Signup funnel', query: { kind: 'funnel' } }]);

    // Onto a new dashboard.
    await page.getByRole('button', { name: 'Add to dashboard' }).click();
    const modal = page.getByRole('dialog');
    await modal.getByRole('textbox', { name: 'New dashboard name' }).fill('Growth');
    await modal.getByRole('button', { name: 'Add', exact: true }).click();
    await modal.getByRole('link', { name: 'Growth' }).click();
    await page.waitForURL(/\/dashboards\/dash_/);
    const tile = page.getByTestId('dashboard-tile');
    await expect.poll(() => tile.count()).toBe(1);
    await expect
      .poll(() => tile.getByTestId('funnel-step-1').textContent())
      .toMatch(/Signed Up\s*3\s*60\.0%/);
    await tandem.shot(page, '04-dashboard-one-tile');
    await page.close();
  }, 120_000);

  it('arranges a dashboard: adds an insight, drags it first, widens it and removes a tile', async () => {
    await tandem.api('POST', '/api/v1/saved-insights', {
      name: 'Daily page views',
      chart: 'bar',
      range: '7d',
      query: { kind: 'trend', series: [{ event: 'Page Viewed' }], interval: 'day' },
    });
    const [growth] = (await tandem.api<{ data: { id: string }[] }>('GET', '/api/v1/dashboards')).data;
    const page = await freshPage(tandem.browser);
    page.setDefaultTimeout(20_000);
    await signIn(page, tandem.url, tandem.owner.email, tandem.owner.password);
    await page.goto(`${tandem.url}/dashboards`);
    const listed = page.getByRole('table', { name: 'Dashboards' }).locator('tbody tr');
    await expect.poll(() => listed.allTextContents()).toEqual([expect.stringMatching(/^Growth1/)]);
    await tandem.shot(page, '05a-dashboards-list');
    await listed.getByRole('link', { name: 'Growth' }).click();
    await page.waitForURL(/\/dashboards\/dash_/);

    await pick(page, 'Saved insight', 'Daily page views');
    await page.getByRole('button', { name: 'Add insight' }).click();
    const tiles = page.getByTestId('dashboard-tile');
    await expect.poll(() => tiles.count()).toBe(2);
    await expect.poll(() => tiles.nth(1).textContent()).toContain('Total — Page Viewed: 5');

    // Drag the new tile by its handle onto the first one.
    const handle = page.getByRole('button', { name: 'Move Daily page views', exact: true });
    const from = await handle.boundingBox();
    const to = await tiles.nth(0).boundingBox();
    if (!from || !to) throw new Error('tiles not laid out');
    await page.mouse.move(from.x + from.width / 2, from.y + from.height / 2);
    await page.mouse.down();
    await page.mouse.move(from.x - 20, from.y + 10, { steps: 5 });
    await page.mouse.move(to.x + 40, to.y + 40, { steps: 15 });
    await page.mouse.up();
    const order = async () =>
      (
        await tandem.api<{ tiles: { insight: { name: string } }[] }>(
          'GET',
          `/api/v1/dashboards/${growth?.id}`,
        )
      ).tiles.map((t) => t.insight.name);
    await expect.poll(order).toEqual(['Daily page views', 'Signup funnel']);
    await expect.poll(() => tiles.nth(0).getAttribute('aria-label')).toBe('Daily page views');

    await page.getByRole('button', { name: 'Widen Daily page views' }).click();
    await expect.poll(() => page.getByRole('button', { name: 'Narrow Daily page views' }).count()).toBe(1);
    const [wide, narrow] = await Promise.all([tiles.nth(0).boundingBox(), tiles.nth(1).boundingBox()]);
    expect(wide?.width ?? 0).toBeGreaterThan((narrow?.width ?? 0) * 1.8);
    await tandem.shot(page, '05-dashboard-arranged');

    await page.getByRole('button', { name: 'Remove Signup funnel' }).click();
    await expect.poll(() => tiles.count()).toBe(1);
    expect(await order()).toEqual(['Daily page views']);

    await page.getByRole('button', { name: 'Rename' }).click();
    const rename = page.getByRole('dialog');
    await rename.getByRole('textbox', { name: 'Name' }).fill('Growth team');
    await rename.getByRole('textbox', { name: 'Description' }).fill('What the growth team reads on Mondays');
    await rename.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => page.getByRole('heading', { name: 'Growth team' }).count()).toBe(1);
    await expect.poll(() => page.getByText('What the growth team reads on Mondays').count()).toBe(1);
    await page.close();
  }, 120_000);

  it('draws trends, paths, retention and attribution from their saved insights', async () => {
    const save = (name: string, chart: string, query: unknown) =>
      tandem.api<{ id: string }>('POST', '/api/v1/saved-insights', { name, chart, query });
    const kinds = [
      {
        shot: '06-trend-line',
        insight: await save('Views and signups', 'line', {
          kind: 'trend',
          series: [{ event: 'Page Viewed' }, { event: 'Signed Up', measure: 'people' }],
        }),
        shows: 'Total — Page Viewed: 5 · Signed Up (people): 3',
      },
      {
        shot: '07-paths-sankey',
        insight: await save('After a page view', 'sankey', { kind: 'paths', event: 'Page Viewed', steps: 2 }),
        shows: '5 people did Page Viewed',
      },
      {
        shot: '08-retention-cohorts',
        insight: await save('Weekly retention', 'cohort', {
          kind: 'retention',
          startEvent: { event: 'Page Viewed' },
          interval: 'week',
          cohorts: 4,
        }),
        shows: "Share of each week's cohort that came back",
      },
      {
        shot: '09-attribution',
        insight: await save('Orders by campaign', 'bar', {
          kind: 'attribution',
          conversion: { event: 'Order Completed' },
          model: 'first_touch',
        }),
        shows: '2 conversions (0 with no touch), 200 revenue — first touch',
      },
    ];
    const page = await freshPage(tandem.browser);
    page.setDefaultTimeout(20_000);
    await signIn(page, tandem.url, tandem.owner.email, tandem.owner.password);
    for (const kind of kinds) {
      await page.goto(`${tandem.url}/insights/${kind.insight.id}`);
      await expect
        .poll(() => page.getByText(kind.shows, { exact: true }).count(), { timeout: 20_000 })
        .toBe(1);
      // Each chart has its export menu.
      expect(await page.getByRole('button', { name: /^Export / }).count()).toBe(1);
      await tandem.shot(page, kind.shot);
    }
    // The Sankey and the cohort table are drawn in SVG, so they export as PNG like the others.
    await page.goto(`${tandem.url}/insights/${kinds[1]?.insight.id}`);
    await expect
      .poll(() => page.locator('.recharts-sankey-nodes, svg .recharts-sankey-node').count())
      .toBeGreaterThan(0);
    await page.goto(`${tandem.url}/insights/${kinds[3]?.insight.id}`);
    const attribution = page.getByRole('table', { name: 'Attribution' });
    await expect
      .poll(() => attribution.locator('tbody tr').allTextContents())
      .toEqual(['spring112050.0%', 'summer18050.0%']);
    await page.close();
  }, 120_000);

  it('filters a trend by a person trait and breaks it down by one', async () => {
    const page = await freshPage(tandem.browser);
    page.setDefaultTimeout(20_000);
    await signIn(page, tandem.url, tandem.owner.email, tandem.owner.password);
    await page.goto(`${tandem.url}/insights/new`);
    await pick(page, 'Series 1 event', 'Page Viewed');
    await expect.poll(() => page.getByText('Total — Page Viewed: 5', { exact: true }).count()).toBe(1);

    await pick(page, 'Break down by', 'Person trait');
    await expect.poll(() => page.getByText('Pick what to break down by to see the chart.').count()).toBe(1);
    await pick(page, 'Breakdown property', 'plan');
    const caption = page.getByText(/^Total — /);
    await expect.poll(() => caption.textContent()).toContain('Page Viewed · free: 3');
    expect(await caption.textContent()).toContain('Page Viewed · pro: 2');

    await page.getByRole('button', { name: 'Add filter' }).click();
    await pick(page, 'Filter on', 'Person trait');
    await pick(page, 'Property', 'plan');
    await page.getByRole('textbox', { name: 'Value' }).fill('pro');
    await expect.poll(() => caption.textContent()).toBe('Total — Page Viewed · pro: 2');
    await tandem.shot(page, '10-trend-filter-breakdown');
    await page.close();
  }, 120_000);
});
