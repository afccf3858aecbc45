import {
  AttributionQuerySchema,
  FunnelPeopleQuerySchema,
  FunnelQuerySchema,
  PathsQuerySchema,
  RetentionQuerySchema,
  TrendQuerySchema,
} from '@tandem/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../engine.js';
import { ENGINES, openTestEngine } from '../../testing/index.js';
import { type AnalyticsStore, openDuckDbAnalytics, postgresAnalytics } from '../analytics-store/index.js';
import { addTestPeople, dayAt, rowsOf, type TestEvent } from './analytics-test-data.js';
import { attributionOf, funnelOf, funnelPeopleOf, pathsOf, retentionOf, trendOf } from './index.js';

const WS = 'ws_insights';
const S = 'Signed Up';
const V = 'Viewed Pricing';
const P = 'Purchased';
const C = 'Cancelled';
const B = 'Browsed';
const O = 'Order Completed';
const PV = 'Page Viewed';

// Every number the tests expect is worked out by hand from these events (see each test's comment).
const EVENTS: TestEvent[] = [
  ['p01', S, dayAt(0, 10), { plan: 'pro' }],
  ['p01', V, dayAt(0, 11)],
  ['p01', P, dayAt(0, 13), { revenue: 100 }],
  ['p02', S, dayAt(0, 9), { plan: 'pro' }],
  ['p02', V, dayAt(1, 9)],
  ['p02', P, dayAt(2, 9), { revenue: 50 }], // exactly at the 2-day window's edge: counted
  ['p03', S, dayAt(0, 8), { plan: 'free' }],
  ['p03', V, dayAt(1, 8)],
  ['p03', P, dayAt(2, 8, 1), { revenue: 20 }], // a minute past the window
  ['p04', S, dayAt(1, 12), { plan: 'free' }],
  ['p04', P, dayAt(1, 13), { revenue: 30 }],
  ['p04', V, dayAt(1, 14)],
  ['p05', V, dayAt(0, 10)],
  ['p05', S, dayAt(0, 11)],
  ['p06', S, dayAt(2, 10)],
  ['p06', B, dayAt(2, 10, 30)],
  ['p06', V, dayAt(2, 11)],
  ['p06', P, dayAt(2, 12), { revenue: 40 }],
  ['p07', S, dayAt(3, 10)],
  ['p07', V, dayAt(3, 11)],
  ['p07', C, dayAt(3, 11, 30)],
  ['p07', P, dayAt(3, 12), { revenue: 10 }],
  ['p08', S, dayAt(4, 10)],
  ['p09', S, dayAt(0, 0)],
  ['p09', S, dayAt(4, 0)],
  ['p09', V, dayAt(4, 1)],
  ['p09', P, dayAt(4, 2), { revenue: 25 }],
  ['p10', S, dayAt(-1, 23)], // before the range
  ['p10', V, dayAt(0, 1)],
  ['p10', P, dayAt(0, 2), { revenue: 1000 }],
  ['p11', S, dayAt(6, 23)],
  ['p11', V, dayAt(7, 1)], // after `to`, within the window of a step 1 in range
  // Attribution: touches are page views carrying a campaign.
  ['a1', PV, dayAt(0), {}, { campaign: 'spring', source: 'google' }],
  ['a1', PV, dayAt(1), {}, { campaign: 'summer', source: 'newsletter' }],
  ['a1', PV, dayAt(2), {}, { campaign: 'fall', source: 'google' }],
  ['a1', O, dayAt(3), { revenue: 100 }],
  ['a2', PV, dayAt(2), {}, { campaign: 'spring', source: 'google' }],
  ['a2', O, dayAt(3), { revenue: 50 }],
  ['a3', PV, dayAt(-10), {}, { campaign: 'summer' }], // outside the 7-day lookback
  ['a3', PV, dayAt(3), {}, { source: 'google' }], // no campaign: not a campaign touch
  ['a3', O, dayAt(4), { revenue: 30 }],
  ['a4', PV, dayAt(3), {}, { campaign: 'summer' }],
  ['a4', PV, dayAt(4), {}, { campaign: 'summer' }],
  ['a4', O, dayAt(5), { revenue: 20 }],
];

const FROM = dayAt(0);
const TO = dayAt(7);
const NOW = Date.parse(dayAt(30));

describe.each(ENGINES)('insight queries on %s', (kind) => {
  let engine: (Engine & { dispose(): Promise<void> }) | undefined;
  let store: AnalyticsStore;

  beforeAll(async () => {
    if (kind === 'postgres') {
      engine = await openTestEngine(kind);
      store = postgresAnalytics(engine.store.db);
    } else {
      store = await openDuckDbAnalytics({ path: ':memory:', threads: 2, memoryLimit: '256MB' });
    }
    await store.append(rowsOf(WS, EVENTS));
    // Another workspace's events with the same people and names are never counted.
    await store.append(rowsOf('ws_other', EVENTS, 1000));
    await addTestPeople(store, WS, [
      { profileId: 'p01', traits: { country: 'NO' }, computedTraits: { ltv: 500 }, audiences: ['aud_vip'] },
      {
        profileId: 'p02',
        traits: { country: 'SE' },
        computedTraits: { ltv: 50 },
        audiences: ['aud_vip', 'aud_new'],
      },
      { profileId: 'p03', traits: { country: 'NO' } },
    ]);
  });
  afterAll(async () => {
    await store.close();
    await engine?.dispose();
  });

  const funnel = (input: Record<string, unknown>) =>
    funnelOf(
      store,
      WS,
      FunnelQuerySchema.parse({
        steps: [{ event: S }, { event: V }, { event: P }],
        within: '2d',
        from: FROM,
        to: TO,
        ...input,
      }),
      NOW,
    );
  const counts = (result: Awaited<ReturnType<typeof funnel>>) => result.steps.map((step) => step.people);

  describe('funnels', () => {
    it('counts each step in order within the window from the first, with times to convert', async () => {
      // Reached 3: p01 p02 (P exactly 2 days after S) p06 p07 p09 (its second try); 2: p03 (P a
      // minute late) p04 (P before V) p11 (V after `to`, inside the window); 1: p05 (V before S)
      // p08. p10's S is before the range. S→V: 3600 ×4 (p01 p06 p07 p09), 7200 ×2 (p04 p11),
      // 86400 ×2 (p02 p03); V→P: 3600 ×3, 7200, 86400.
      const result = await funnel({});
      expect(result.steps).toEqual([
        {
          event: S,
          people: 10,
          conversion: 1,
          stepConversion: 1,
          medianSecondsToConvert: null,
          averageSecondsToConvert: null,
        },
        {
          event: V,
          people: 8,
          conversion: 0.8,
          stepConversion: 0.8,
          medianSecondsToConvert: 5400,
          averageSecondsToConvert: 25200,
        },
        {
          event: P,
          people: 5,
          conversion: 0.5,
          stepConversion: 0.625,
          medianSecondsToConvert: 3600,
          averageSecondsToConvert: 20880,
        },
      ]);
    });

    it('takes strict order to mean each step is the next event of any name', async () => {
      // 3: p01 p02 p09; 2: p03 (late P) p07 (C after V) p11; 1: p04 (P after S) p05 p06 (B after S) p08.
      expect(counts(await funnel({ order: 'strict' }))).toEqual([10, 6, 3]);
    });

    it('takes any order to mean every step within the window, whatever comes first', async () => {
      // 3: p01 p02 p04 p06 p07 p09; 2: p03 p05 (V then S) p11; 1: p08.
      const result = await funnel({ order: 'any' });
      expect(counts(result)).toEqual([10, 9, 6]);
    });

    it('drops a try with an exclusion event between its first and last step', async () => {
      // p07 cancelled between V and P: out of the funnel in both orders.
      expect(counts(await funnel({ exclusions: [{ event: C }] }))).toEqual([9, 7, 4]);
      expect(counts(await funnel({ order: 'any', exclusions: [{ event: C }] }))).toEqual([9, 8, 5]);
    });

    it('never takes one event for two steps of the same name', async () => {
      // Only p09 signed up twice within 7 days (with nothing between: strict too).
      expect(counts(await funnel({ steps: [{ event: S }, { event: S }], within: '7d' }))).toEqual([10, 1]);
      expect(
        counts(await funnel({ steps: [{ event: S }, { event: S }], within: '7d', order: 'strict' })),
      ).toEqual([10, 1]);
      // In any order the one sign-up would meet both steps: refused, naming the step.
      await expect(funnel({ steps: [{ event: S }, { event: S }], order: 'any' })).rejects.toMatchObject({
        code: 'validation_failed',
        details: [{ path: 'steps.1' }],
      });
    });

    it('narrows by person traits and breaks down by the first step property', async () => {
      // Country NO: p01 (3 steps) and p03 (2).
      expect(
        counts(
          await funnel({ where: [{ on: 'person', property: 'country', operator: 'equals', value: 'NO' }] }),
        ),
      ).toEqual([2, 2, 1]);
      const result = await funnel({ breakdown: { on: 'event', property: 'plan' } });
      expect(result.breakdowns?.map((row) => [row.breakdown, row.steps.map((step) => step.people)])).toEqual([
        ['free', [2, 2, 0]],
        ['pro', [2, 2, 2]],
        [null, [6, 4, 3]],
      ]);
      expect(counts(result)).toEqual([10, 8, 5]);
    });

    it('lists the people who converted at or dropped before a step', async () => {
      const query = (step: number, outcome: 'converted' | 'dropped') =>
        funnelPeopleOf(
          store,
          WS,
          FunnelPeopleQuerySchema.parse({
            funnel: { steps: [{ event: S }, { event: V }, { event: P }], within: '2d', from: FROM, to: TO },
            step,
            outcome,
          }),
          NOW,
        );
      expect(await query(2, 'dropped')).toEqual({ profileIds: ['p03', 'p04', 'p11'], total: 3 });
      expect(await query(2, 'converted')).toEqual({
        profileIds: ['p01', 'p02', 'p06', 'p07', 'p09'],
        total: 5,
      });
      expect(await query(1, 'dropped')).toEqual({ profileIds: ['p05', 'p08'], total: 2 });
      await expect(query(0, 'dropped')).rejects.toMatchObject({ code: 'validation_failed' });
    });
  });

  describe('trends', () => {
    const trend = (input: Record<string, unknown>) =>
      trendOf(store, WS, TrendQuerySchema.parse({ from: FROM, to: TO, interval: 'day', ...input }), NOW);
    const days = (values: number[]) => values.map((value, day) => ({ at: dayAt(day), value }));

    it('counts events and people per day with zeros filled', async () => {
      // S per day: d0 p01 p02 p03 p05 p09; d1 p04; d2 p06; d3 p07; d4 p08 p09; d6 p11.
      const result = await trend({ series: [{ event: S }, { event: S, measure: 'people' }] });
      expect(result.series).toEqual([
        { index: 0, event: S, measure: 'count', points: days([5, 1, 1, 1, 2, 0, 1]), total: 11 },
        { index: 1, event: S, measure: 'people', points: days([5, 1, 1, 1, 2, 0, 1]), total: 10 },
      ]);
    });

    it('sums and averages a property', async () => {
      // Purchases in range: d0 p01 100 + p10 1000; d1 p04 30; d2 p02 50 + p03 20 + p06 40; d3 p07 10; d4 p09 25.
      const result = await trend({
        series: [
          { event: P, measure: 'sum', property: 'revenue' },
          { event: P, measure: 'average', property: 'revenue' },
        ],
      });
      expect(result.series[0]).toMatchObject({ points: days([1100, 30, 110, 10, 25, 0, 0]), total: 1275 });
      expect(result.series[1]).toMatchObject({
        points: days([550, 30, 110 / 3, 10, 25, 0, 0]),
        total: 1275 / 8,
      });
    });

    it('breaks down by an event property, an audience, and filters by a computed trait', async () => {
      const byPlan = await trend({ series: [{ event: S }], breakdown: { on: 'event', property: 'plan' } });
      expect(byPlan.series.map((series) => [series.breakdown, series.total])).toEqual([
        ['free', 2],
        ['pro', 2],
        [null, 7],
      ]);
      const byAudience = await trend({
        series: [{ event: S }],
        breakdown: { on: 'audience', audienceIds: ['aud_vip', 'aud_new'] },
      });
      expect(byAudience.series.map((series) => [series.breakdown, series.total])).toEqual([
        ['(none)', 9],
        ['aud_vip', 2],
        ['aud_new', 1],
      ]);
      const rich = await trend({
        series: [
          {
            event: '*',
            where: [{ on: 'computed_trait', property: 'ltv', operator: 'greater_than', value: 100 }],
          },
        ],
      });
      expect(rich.series[0]?.total).toBe(3); // p01's three events
      const vip = { on: 'audience', audienceId: 'aud_vip' };
      const inVip = await trend({ series: [{ event: S }], where: [vip] });
      const outsideVip = await trend({ series: [{ event: S }], where: [{ ...vip, member: false }] });
      expect([inVip.series[0]?.total, outsideVip.series[0]?.total]).toEqual([2, 9]); // p01 p02; the rest
    });
  });

  describe('paths', () => {
    it('follows the three events after each first sign-up, the top two per step named', async () => {
      const result = await pathsOf(
        store,
        WS,
        PathsQuerySchema.parse({ event: S, steps: 3, width: 2, from: FROM, to: TO }),
        NOW,
      );
      expect(new Set(result.links)).toEqual(
        new Set([
          { source: `0:${S}`, target: `1:${V}`, people: 4 }, // p01 p02 p03 p07
          { source: `0:${S}`, target: '1:(end)', people: 3 }, // p05 p08 p11
          { source: `0:${S}`, target: '1:(other)', people: 2 }, // p04 (P) p09 (S)
          { source: `0:${S}`, target: `1:${B}`, people: 1 }, // p06
          { source: `1:${V}`, target: `2:${P}`, people: 3 },
          { source: `1:${V}`, target: '2:(other)', people: 1 }, // p07's C
          { source: '1:(other)', target: `2:${V}`, people: 2 },
          { source: `1:${B}`, target: `2:${V}`, people: 1 },
          { source: `2:${P}`, target: '3:(end)', people: 3 },
          { source: `2:${V}`, target: `3:${P}`, people: 2 }, // p06 p09
          { source: `2:${V}`, target: '3:(end)', people: 1 }, // p04
          { source: '2:(other)', target: `3:${P}`, people: 1 },
        ]),
      );
      expect(result.nodes.filter((node) => node.step <= 1)).toEqual([
        { id: `0:${S}`, step: 0, event: S, people: 10 },
        { id: `1:${V}`, step: 1, event: V, people: 4 },
        { id: '1:(end)', step: 1, event: '(end)', people: 3 },
        { id: '1:(other)', step: 1, event: '(other)', people: 2 },
        { id: `1:${B}`, step: 1, event: B, people: 1 },
      ]);
    });

    it('draws only the paths of people a filter keeps', async () => {
      const result = await pathsOf(
        store,
        WS,
        PathsQuerySchema.parse({
          event: S,
          steps: 2,
          from: FROM,
          to: TO,
          where: [{ on: 'person', property: 'country', operator: 'equals', value: 'NO' }],
        }),
        NOW,
      );
      // p01 and p03: S → V → P.
      expect(result.links).toEqual([
        { source: `0:${S}`, target: `1:${V}`, people: 2 },
        { source: `1:${V}`, target: `2:${P}`, people: 2 },
      ]);
    });

    it('walks back from an anchor', async () => {
      const result = await pathsOf(
        store,
        WS,
        PathsQuerySchema.parse({ event: P, direction: 'before', steps: 1, width: 2, from: FROM, to: TO }),
        NOW,
      );
      // Before each first purchase: V for p01 p02 p03 p06 p09 p10, S for p04, C for p07.
      expect(result.links).toEqual([
        { source: `0:${P}`, target: `1:${V}`, people: 6 },
        { source: `0:${P}`, target: '1:(other)', people: 1 },
        { source: `0:${P}`, target: `1:${C}`, people: 1 },
      ]);
    });
  });

  describe('retention', () => {
    it('groups people by their first sign-up day and counts who came back each later day', async () => {
      // First S ever: d0 p01 p02 p03 p05 p09; d1 p04; d2 p06 (p10's is on d−1, p07's on d3 = to).
      // Any event later: p02 and p03 on d1 and d2.
      const result = await retentionOf(
        store,
        WS,
        RetentionQuerySchema.parse({ startEvent: { event: S }, interval: 'day', cohorts: 3, to: dayAt(3) }),
        NOW,
      );
      expect(result.cohorts).toEqual([
        {
          start: dayAt(0),
          people: 5,
          periods: [
            { period: 0, people: 5, rate: 1 },
            { period: 1, people: 2, rate: 0.4 },
            { period: 2, people: 2, rate: 0.4 },
          ],
        },
        {
          start: dayAt(1),
          people: 1,
          periods: [
            { period: 0, people: 1, rate: 1 },
            { period: 1, people: 0, rate: 0 },
          ],
        },
        { start: dayAt(2), people: 1, periods: [{ period: 0, people: 1, rate: 1 }] },
      ]);
      // Returning by purchasing: p02 and p03 on d2 only (p04 bought on its sign-up day).
      const buying = await retentionOf(
        store,
        WS,
        RetentionQuerySchema.parse({
          startEvent: { event: S },
          returnEvent: { event: P },
          interval: 'day',
          cohorts: 2,
          to: dayAt(2),
        }),
        NOW,
      );
      expect(buying.cohorts.map((cohort) => cohort.periods.map((period) => period.people))).toEqual([
        [5, 0],
        [1],
      ]);
      const weekly = await retentionOf(
        store,
        WS,
        RetentionQuerySchema.parse({ startEvent: { event: S }, interval: 'week', cohorts: 2, to: dayAt(14) }),
        NOW,
      );
      // Week of d0: everyone with a first S in range (p01–p09, p11: 10); p10's first S is the week before.
      expect(weekly.cohorts.map((cohort) => [cohort.start, cohort.people])).toEqual([
        [dayAt(0), 10],
        [dayAt(7), 0],
      ]);
    });
  });

  describe('attribution', () => {
    const attribution = (model: string) =>
      attributionOf(
        store,
        WS,
        AttributionQuerySchema.parse({
          conversion: { event: O },
          model,
          lookback: '7d',
          halfLife: '1d',
          from: FROM,
          to: TO,
        }),
        NOW,
      );
    const shares = async (model: string) =>
      (await attribution(model)).rows.map((row) => [row.value, round(row.conversions), round(row.revenue)]);

    it('credits each model as worked out by hand', async () => {
      // a1: spring d0, summer d1, fall d2, buys 100 on d3; a2: spring d2, buys 50 on d3; a3 buys 30
      // with no campaign touch in 7 days; a4: summer d3 and d4, buys 20 on d5.
      const first = await attribution('first_touch');
      expect(first).toMatchObject({
        model: 'first_touch',
        by: 'campaign',
        conversions: 4,
        unattributed: 1,
        revenue: 200,
      });
      expect(first.rows).toEqual([
        { value: 'spring', conversions: 2, revenue: 150, share: 2 / 3 },
        { value: 'summer', conversions: 1, revenue: 20, share: 1 / 3 },
      ]);
      expect(await shares('last_touch')).toEqual([
        ['fall', 1, 100],
        ['spring', 1, 50],
        ['summer', 1, 20],
      ]);
      expect(await shares('linear')).toEqual([
        ['spring', round(4 / 3), round(50 + 100 / 3)],
        ['summer', round(4 / 3), round(20 + 100 / 3)],
        ['fall', round(1 / 3), round(100 / 3)],
      ]);
      // Time decay, half-life a day: a1's touches 3, 2, 1 days old weigh 1/8, 1/4, 1/2 (1/7, 2/7, 4/7).
      expect(await shares('time_decay')).toEqual([
        ['summer', round(9 / 7), round(20 + 200 / 7)],
        ['spring', round(8 / 7), round(50 + 100 / 7)],
        ['fall', round(4 / 7), round(400 / 7)],
      ]);
      expect(await shares('position_based')).toEqual([
        ['spring', 1.4, 90],
        ['summer', 1.2, 40],
        ['fall', 0.4, 40],
      ]);
    });

    it('credits sources', async () => {
      const result = await attributionOf(
        store,
        WS,
        AttributionQuerySchema.parse({
          conversion: { event: O },
          by: 'source',
          model: 'last_touch',
          lookback: '7d',
          from: FROM,
          to: TO,
        }),
        NOW,
      );
      // a1's last sourced touch: google (d2); a2: google; a3: google (d3); a4 has no source.
      expect(result).toMatchObject({
        conversions: 4,
        unattributed: 1,
        rows: [{ value: 'google', conversions: 3, revenue: 180, share: 1 }],
      });
    });
  });
});

function round(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}
