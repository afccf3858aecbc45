import { InsightQuerySchema } from '@tandem/contract';
import { describe, expect, it } from 'vitest';
import {
  CHARTS_BY_KIND,
  defaultQuery,
  KIND_LABELS,
  missingInput,
  NEW_DRAFT,
  switchKind,
} from './insight-draft';
import { queryForRange } from './insight-range';

const kinds = Object.keys(KIND_LABELS) as (keyof typeof KIND_LABELS)[];

describe('the insight draft', () => {
  it('starts every kind as a query the contract accepts once its events are picked', () => {
    for (const kind of kinds) {
      const query = defaultQuery(kind, 'Page Viewed');
      const filled =
        query.kind === 'funnel'
          ? {
              ...query,
              steps: [
                { event: 'Page Viewed', where: [] },
                { event: 'Signed Up', where: [] },
              ],
            }
          : query;
      expect(missingInput(filled), kind).toBeNull();
      expect(InsightQuerySchema.safeParse(filled).success, kind).toBe(true);
      expect(missingInput(defaultQuery(kind)), kind).not.toBeNull();
    }
  });

  it('keeps the first event and picks the new kind’s first chart when the kind changes', () => {
    const trend = { ...NEW_DRAFT, query: defaultQuery('trend', 'Order Completed'), chart: 'bar' as const };
    const funnel = switchKind(trend, 'funnel');
    expect(funnel.chart).toBe('funnel');
    expect(funnel.query).toMatchObject({
      kind: 'funnel',
      steps: [{ event: 'Order Completed' }, { event: '' }],
    });
    const retention = switchKind(funnel, 'retention');
    expect(retention).toMatchObject({ chart: 'cohort', query: { startEvent: { event: 'Order Completed' } } });
    expect(switchKind(retention, 'retention')).toBe(retention);
    for (const kind of kinds) expect(CHARTS_BY_KIND[kind]).toContain(switchKind(trend, kind).chart);
  });
});

describe('a moving range', () => {
  const now = Date.parse('2026-03-10T12:34:56.789Z');

  it('runs from now minus the range, to the minute, with the server’s default end', () => {
    const query = { ...defaultQuery('trend', 'Page Viewed'), to: '2020-01-01T00:00:00Z' };
    expect(queryForRange(query, '7d', now)).toMatchObject({ from: '2026-03-03T12:34:00.000Z' });
    expect(queryForRange(query, '7d', now)).not.toHaveProperty('to');
    expect(queryForRange(query, '24h', now)).toMatchObject({ from: '2026-03-09T12:34:00.000Z' });
  });

  it('leaves a custom range and a retention query as they are', () => {
    const custom = {
      ...defaultQuery('funnel', 'A'),
      from: '2026-01-01T00:00:00Z',
      to: '2026-02-01T00:00:00Z',
    };
    expect(queryForRange(custom, 'custom', now)).toEqual(custom);
    const retention = defaultQuery('retention', 'A');
    expect(queryForRange(retention, '30d', now)).toEqual(retention);
  });
});

describe('an unfinished filter or breakdown', () => {
  it('holds the query back until its property or audience is picked', () => {
    const trend = defaultQuery('trend', 'Page Viewed');
    if (trend.kind !== 'trend') throw new Error('a trend');
    expect(
      missingInput({ ...trend, where: [{ on: 'event', property: '', operator: 'equals', value: 'x' }] }),
    ).toBe('Finish or remove the filter');
    expect(missingInput({ ...trend, where: [{ on: 'audience', audienceId: '', member: true }] })).toBe(
      'Finish or remove the filter',
    );
    expect(missingInput({ ...trend, breakdown: { on: 'audience', audienceIds: [] } })).toBe(
      'Pick what to break down by',
    );
    expect(missingInput({ ...trend, breakdown: { on: 'person', property: 'plan' } })).toBeNull();
  });
});
