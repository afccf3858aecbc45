import { readFile, writeFile } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { tandemInBrowser } from './support/tandem-in-browser.js';
import { expectText, freshPage, HAS_CHROMIUM, signIn } from './support/web-ui-browser.js';

const PNG_MAGIC = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
// The pipeline projects profiles in the background; give it time on a loaded machine.
const PIPELINE_WAIT = { timeout: 30_000, interval: 250 };

describe.skipIf(!HAS_CHROMIUM)('the home dashboard and reports as charts, in a real browser', () => {
  const tandem = tandemInBrowser('home-reports');

  async function openHome(page: Page) {
    await page.goto(`${tandem.url}/home`);
    await page.getByRole('heading', { name: 'Home', exact: true }).waitFor();
    await page.getByRole('group', { name: 'Events (30 days)' }).waitFor();
  }
  let firstStage: { name: string; probability: number } | undefined;
  const stat = (page: Page, label: string) => page.getByRole('group', { name: label, exact: true });

  /** Opens the Export menu of the chart titled `chart` and answers the downloaded file's bytes. */
  async function download(page: Page, chart: string, item: 'Download CSV' | 'Download PNG') {
    const section = page.getByRole('region', { name: chart, exact: true });
    const menuButton = section.getByRole('button', { name: /^Export / });
    await menuButton.click();
    // The menu's own items: another chart's menu may still be fading out.
    const menu = page.locator(`[id="${await menuButton.getAttribute('aria-controls')}"]`);
    const started = page.waitForEvent('download');
    await menu.getByRole('menuitem', { name: item }).click();
    const file = await started;
    return { name: file.suggestedFilename(), bytes: await readFile((await file.path()) ?? '') };
  }

  it('says what to do first on an empty workspace', { timeout: 120_000 }, async () => {
    const page = await freshPage(tandem.browser);
    await signIn(page, tandem.url, tandem.owner.email, tandem.owner.password);
    await openHome(page);
    await expectText(stat(page, 'Events (30 days)'), '0');
    await page.getByRole('alert').or(page.getByLabel('Getting started')).first().waitFor();
    await expect(page.getByText('Send your first event')).toBeTruthy();
    const events = page.getByRole('region', { name: 'Events over time' });
    await expectText(events, /No events in these days yet/);
    expect(await events.getByRole('button', { name: /^Export / }).count()).toBe(0);
    await expectText(page.getByRole('region', { name: 'Audiences' }), /Create an audience/);
    await expectText(page.getByRole('region', { name: 'Pipeline by stage' }), /Add a deal to the pipeline/);
    await expectText(page.getByRole('region', { name: 'Unsolved tickets' }), /Go to tickets/);
    await page.getByRole('link', { name: 'Create an audience' }).click();
    await page.waitForURL(/\/audiences$/);
    await openHome(page);
    await tandem.shot(page, 'home-empty');
    await page.context().close();
  });

  it('shows the numbers of the events, deals and tickets sent, and exports a chart as CSV and PNG', {
    timeout: 180_000,
  }, async () => {
    const now = new Date().toISOString();
    await tandem.track([
      { type: 'identify', userId: 'ada', traits: { plan: 'pro' }, timestamp: now },
      { type: 'track', userId: 'ada', event: 'Order Completed', timestamp: now },
      { type: 'track', userId: 'ada', event: 'Order Completed', timestamp: now },
      { type: 'track', userId: 'bo', event: 'Order Completed', timestamp: now },
      { type: 'track', userId: 'bo', event: 'Signed Up', timestamp: now },
    ]);
    // New people appear once the pipeline has projected the profiles.
    await expect
      .poll(
        async () =>
          (await tandem.api<{ totals: { newPeople: number } }>('GET', '/api/v1/overview')).totals.newPeople,
        PIPELINE_WAIT,
      )
      .toBe(2);
    const page = await freshPage(tandem.browser);
    await signIn(page, tandem.url, tandem.owner.email, tandem.owner.password);
    await openHome(page);
    // Behavioural events (the analytics copy's track, page and screen calls): not the identify.
    await expectText(stat(page, 'Events (30 days)'), '4');
    await expectText(stat(page, 'New people (30 days)'), '2');
    expect(await page.getByLabel('Getting started').count()).toBe(0);

    const csv = await download(page, 'Top events', 'Download CSV');
    expect(csv.name).toBe('top-events.csv');
    expect(csv.bytes.toString('utf8')).toBe('event,count\r\nOrder Completed,3\r\nSigned Up,1\r\n');
    const png = await download(page, 'Events over time', 'Download PNG');
    expect(png.name).toBe('events-by-day.png');
    expect([...png.bytes.subarray(0, 8)]).toEqual(PNG_MAGIC);
    expect(png.bytes.length).toBeGreaterThan(2000);
    // Beside the screenshots, to look at.
    await writeFile('/tmp/shots-home-reports/exported-events-by-day.png', png.bytes);
    await tandem.shot(page, 'home-with-events');

    const pipelines = await tandem.api<{
      data: { id: string; stages: { id: string; name: string; probability: number }[] }[];
    }>('GET', '/api/v1/pipelines');
    const pipeline = pipelines.data[0];
    firstStage = pipeline?.stages[0];
    if (!pipeline?.stages[0]) throw new Error('no default pipeline');
    for (const amount of [1200, 800])
      await tandem.api('POST', '/api/v1/deals', {
        name: `Deal ${amount}`,
        amount,
        currency: 'EUR',
        pipelineId: pipeline.id,
        stageId: pipeline.stages[0].id,
      });
    await tandem.api('POST', '/api/v1/tickets', {
      subject: 'Invoice missing',
      email: 'cy@example.com',
      priority: 'normal',
      body: 'Where is it?',
    });
    await page.reload();
    await openHome(page);
    await expectText(stat(page, 'Open deals'), '2');
    await expectText(stat(page, 'Unsolved tickets'), '1');
    const stages = await download(page, 'Pipeline by stage', 'Download CSV');
    expect(stages.bytes.toString('utf8')).toContain(`\r\n${pipeline.stages[0].name},2,2000\r\n`);
    await page.evaluate(() => window.scrollTo(0, 0));
    await tandem.shot(page, 'home-with-crm');
    await page.context().close();
  });

  it('draws the CRM and desk reports as charts whose CSV holds the plotted rows', {
    timeout: 120_000,
  }, async () => {
    if (!firstStage) throw new Error('runs after the test that creates deals');
    const page = await freshPage(tandem.browser);
    await signIn(page, tandem.url, tandem.owner.email, tandem.owner.password);
    await page.goto(`${tandem.url}/reports`);
    await page.getByRole('img', { name: 'Pipeline by stage' }).waitFor();
    const pipeline = await download(page, 'Pipeline by stage', 'Download CSV');
    const lines = pipeline.bytes.toString('utf8').split('\r\n');
    expect(lines[0]).toBe('stage,deals,amount,weighted');
    expect(lines[1]).toBe(`${firstStage.name},2,2000,${(2000 * firstStage.probability) / 100}`);
    const png = await download(page, 'Stage probabilities and conversion', 'Download PNG');
    expect([...png.bytes.subarray(0, 8)]).toEqual(PNG_MAGIC);
    await writeFile('/tmp/shots-home-reports/exported-stage-probabilities.png', png.bytes);
    // The two deals have no close date: the forecast says so instead of drawing empty months.
    await expectText(
      page.getByRole('region', { name: 'Forecast by close month' }),
      /2 open deals have no close date/,
    );
    await expectText(page.getByRole('region', { name: 'Win rate over time' }), /mark deals won or lost/);
    await page.evaluate(() => window.scrollTo(0, 0));
    await tandem.shot(page, 'reports-sales');

    await page.getByRole('tab', { name: 'Support' }).click();
    await page.getByRole('img', { name: 'Ticket volume' }).waitFor();
    const volume = await download(page, 'Ticket volume', 'Download CSV');
    const today = new Date().toISOString().slice(0, 10);
    const rows = volume.bytes.toString('utf8').split('\r\n');
    expect(rows[0]).toBe('day,opened,solved');
    expect(rows).toHaveLength(32);
    expect(rows).toContain(`${today},1,0`);
    await expectText(page.getByRole('region', { name: 'CSAT by score' }), /No survey answered/);
    await page.evaluate(() => window.scrollTo(0, 0));
    await tandem.shot(page, 'reports-support');
    await page.context().close();
  });
});
