import { describe, expect, it } from 'vitest';
import { ApiError } from '../api/api-client';
import { formatLatency } from './delivery-status';
import { serverProblems } from './destination-editor';
import { eventCatalogList, purposeList } from './destinations-api';
import { subscriptionsSummary } from './destinations-table';
import { parseSample } from './sample-event';
import { describeSubscription } from './subscription-summary';
import { syncSentence } from './sync-now-button';

describe('destination page helpers', () => {
  it('says what a subscription sends in words', () => {
    const audiences = new Map([['aud_1', 'VIP customers']]);
    expect(
      describeSubscription(
        {
          kind: 'event',
          filter: {
            type: 'track',
            event: 'Order Completed',
            where: [
              { property: 'total', op: 'gte', value: 50 },
              { property: 'currency', op: 'in', value: ['EUR', 'USD'] },
              { property: 'coupon', op: 'exists' },
            ],
          },
          mapping: '$',
        },
        audiences,
      ),
    ).toBe(
      '“Order Completed” events where total is at least 50 and currency is one of EUR, USD and coupon is set, mapped',
    );
    expect(describeSubscription({ kind: 'event', filter: { type: 'identify' } }, audiences)).toBe(
      'Every identify call',
    );
    expect(describeSubscription({ kind: 'event', filter: {} }, audiences)).toBe('Every event');
    expect(describeSubscription({ kind: 'audience', audienceId: 'aud_1', on: ['entered'] }, audiences)).toBe(
      'People entering “VIP customers”',
    );
    expect(
      describeSubscription(
        { kind: 'audience', audienceId: 'aud_gone', on: ['entered', 'exited'] },
        audiences,
      ),
    ).toBe('People entering or exiting “aud_gone”');
    expect(describeSubscription({ kind: 'trait' }, audiences)).toBe('Changes of any computed trait');
    expect(describeSubscription({ kind: 'trait', traits: ['orders_30d', 'ltv'] }, audiences)).toBe(
      'Changes of orders_30d, ltv',
    );
    expect(subscriptionsSummary([])).toBe('Nothing yet');
    expect(
      subscriptionsSummary([
        { kind: 'event', filter: {} },
        { kind: 'event', filter: {} },
        { kind: 'audience', audienceId: 'a', on: ['entered'] },
        { kind: 'trait' },
      ]),
    ).toBe('2 event filters, 1 audience, trait changes');
  });

  it('places the server’s field errors beside their fields and keeps the rest for the alert', () => {
    const error = new ApiError({
      status: 400,
      code: 'invalid_request',
      message: 'The destination is not valid.',
      details: [
        { path: 'body.config.url', message: 'The URL points to a link-local address.' },
        { path: 'subscriptions.1.filter.where.0.value', message: 'A value is needed.' },
        { path: 'purposes.0', message: 'no consent purpose "ads"' },
        { path: 'limits.concurrency', message: 'too big: at most 256' },
        { path: 'subscriptions', message: 'Too many subscriptions.' },
      ],
    });
    expect(serverProblems(error)).toEqual({
      byField: {
        'config.url': 'The URL points to a link-local address.',
        'subscriptions.1': 'A value is needed.',
        purposes: 'No consent purpose "ads".',
        'limits.concurrency': 'Too big: at most 256.',
      },
      unplaced: ['Too many subscriptions.'],
    });
    expect(serverProblems(new Error('offline'))).toEqual({ byField: {}, unplaced: [] });
  });

  it('reads consent purposes and the event catalog in the shapes they may come in', () => {
    expect(
      purposeList({
        data: [{ key: 'marketing', label: 'Marketing' }, { name: 'analytics' }, 'sale-of-data', { nope: 1 }],
      }),
    ).toEqual([{ key: 'marketing', label: 'Marketing' }, { key: 'analytics' }, { key: 'sale-of-data' }]);
    expect(purposeList(['necessary'])).toEqual([{ key: 'necessary' }]);
    expect(
      eventCatalogList({
        data: [
          { name: 'Signed Up', count: 3, properties: [] },
          { name: 'Order Completed', properties: [{ name: 'total', type: 'number' }, { name: 'currency' }] },
          { count: 1 },
        ],
      }),
    ).toEqual([
      { name: 'Order Completed', properties: ['total', 'currency'] },
      { name: 'Signed Up', properties: [] },
    ]);
    expect(eventCatalogList(null)).toEqual([]);
  });

  it('says what a full sync wrote', () => {
    expect(syncSentence({ type: 'warehouse', profiles: 1234 })).toBe(
      'Synced: 1,234 profiles written to the warehouse.',
    );
    expect(syncSentence({ type: 'audience-file', files: [] })).toBe(
      'Synced: no audience is subscribed, so there was no file to write.',
    );
    const file = (name: string, rows: number) => ({
      id: `af_${name}`,
      destinationId: 'dst_1',
      audience: { id: `aud_${name}`, name },
      kind: 'full' as const,
      format: 'csv' as const,
      fileName: 'f.csv',
      rows,
      path: null,
      createdAt: '2026-01-01T00:00:00.000Z',
      updatedAt: '2026-01-01T00:00:00.000Z',
    });
    expect(syncSentence({ type: 'audience-file', files: [file('VIP', 1), file('Churn risk', 40)] })).toBe(
      'Synced: a full file of “VIP” (1 person), “Churn risk” (40 people).',
    );
  });

  it('checks the sample event and formats latencies', () => {
    expect(parseSample('{"type": "track"}')).toEqual({ value: { type: 'track' }, error: null });
    expect(parseSample('[1]').error).toBe(
      'The sample event must be a JSON object, like {"type": "track", …}.',
    );
    expect(parseSample('{oops').error).toMatch(/^The sample event is not valid JSON: /);
    expect(parseSample('  ').error).toBe('Enter a sample event.');
    expect(formatLatency(null)).toBe('—');
    expect(formatLatency(84.4)).toBe('84 ms');
    expect(formatLatency(1234)).toBe('1.2 s');
    expect(formatLatency(12_500)).toBe('13 s');
  });
});
