import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../engine.js';
import { ENGINES, openTestEngine } from '../../testing/index.js';
import {
  type AnalyticsEventRow,
  type AnalyticsStore,
  bytesOf,
  isoOfSqlTimestamp,
  openDuckDbAnalytics,
  postgresAnalytics,
} from './index.js';

const row = (seq: number, over: Partial<AnalyticsEventRow> = {}): AnalyticsEventRow => ({
  workspaceId: 'ws_a',
  seq,
  profileId: `p${seq % 3}`,
  type: 'track',
  event: seq % 2 === 0 ? 'Order Completed' : 'Product Viewed',
  timestamp: new Date(Date.UTC(2026, 0, 5 + (seq % 10), 13)).toISOString(),
  sourceId: 'src_1',
  properties: JSON.stringify({
    plan: seq % 2 === 0 ? 'pro' : 'free',
    revenue: seq,
    address: { city: 'Oslo' },
  }),
  utmSource: seq % 3 === 0 ? 'google' : null,
  utmMedium: null,
  utmCampaign: null,
  ...over,
});

// Both copies answer the same SQL: the queries of insights/ are written once.
describe.each(ENGINES)('analytics store on %s', (kind) => {
  let engine: (Engine & { dispose(): Promise<void> }) | undefined;
  let store: AnalyticsStore;

  beforeAll(async () => {
    if (kind === 'postgres') {
      engine = await openTestEngine(kind);
      store = postgresAnalytics(engine.store.db);
    } else {
      store = await openDuckDbAnalytics({ path: ':memory:', threads: 1, memoryLimit: '256MB' });
    }
    await store.append(Array.from({ length: 20 }, (_, i) => row(i + 1)));
    await store.append([row(21, { workspaceId: 'ws_b' })]);
  });
  afterAll(async () => {
    await store.close();
    await engine?.dispose();
  });

  it('counts by day bucket and JSON property in one dialect', async () => {
    const rows = await store.query(
      `SELECT date_trunc('week', timestamp)::varchar AS week, properties->>'plan' AS plan,
         count(*)::integer AS events, count(DISTINCT profile_id)::integer AS people,
         sum((properties->>'revenue')::double precision)::double precision AS revenue
       FROM analytics_events WHERE workspace_id = $1 AND timestamp >= $2::timestamp
       GROUP BY 1, 2 ORDER BY 1, 2`,
      ['ws_a', '2026-01-01 00:00:00'],
    );
    expect(rows.map((r) => ({ ...r, week: isoOfSqlTimestamp(String(r.week)) }))).toEqual([
      // Mon 5 Jan: days 5..11 hold seqs 1–6, 10–16 and 20 (day = 5 + seq % 10); odd seqs are free.
      { week: '2026-01-05T00:00:00.000Z', plan: 'free', events: 6, people: 3, revenue: 48 },
      { week: '2026-01-05T00:00:00.000Z', plan: 'pro', events: 8, people: 3, revenue: 84 },
      { week: '2026-01-12T00:00:00.000Z', plan: 'free', events: 4, people: 3, revenue: 52 },
      { week: '2026-01-12T00:00:00.000Z', plan: 'pro', events: 2, people: 2, revenue: 26 },
    ]);
  });

  it('replaces a row copied twice instead of counting it again', async () => {
    await store.append([row(2, { event: 'Order Refunded' })]);
    const [counts] = await store.query(
      `SELECT count(*)::integer AS events, count(*) FILTER (WHERE event = 'Order Refunded')::integer AS refunds
       FROM analytics_events WHERE workspace_id = $1`,
      ['ws_a'],
    );
    expect(counts).toEqual({ events: 20, refunds: 1 });
  });

  it('reads nested properties through a JSON path on both stores', async () => {
    const path =
      store.dialect === 'duckdb' ? `properties->>'$.address.city'` : `properties#>>'{address,city}'`;
    const [first] = await store.query(
      `SELECT ${path} AS city FROM analytics_events WHERE workspace_id = $1 LIMIT 1`,
      ['ws_b'],
    );
    expect(first).toEqual({ city: 'Oslo' });
  });
});

describe("the embedded copy's memory", () => {
  it('lets a query use the configured limit and rests lower between queries', async () => {
    const store = await openDuckDbAnalytics({ path: ':memory:', threads: 1, memoryLimit: '512MB' });
    try {
      const resting = bytesOf(await store.currentMemoryLimit());
      expect(resting).toBeLessThan(100_000_000);
      const [inQuery] = await store.query(`SELECT current_setting('memory_limit') AS m`);
      expect(bytesOf(String(inQuery?.m))).toBeGreaterThan(400_000_000);
      expect(bytesOf(await store.currentMemoryLimit())).toBe(resting);
      // A configured limit below the resting one is kept throughout.
      const small = await openDuckDbAnalytics({ path: ':memory:', threads: 1, memoryLimit: '32MB' });
      expect(bytesOf(await small.currentMemoryLimit())).toBeLessThan(40_000_000);
      await small.close();
    } finally {
      await store.close();
    }
  });

  it('reads DuckDB sizes in decimal and binary units', () => {
    expect(bytesOf('128MB')).toBe(128_000_000);
    expect(bytesOf('1GiB')).toBe(1024 ** 3);
    expect(bytesOf('488.2 MiB')).toBeCloseTo(488.2 * 1024 ** 2);
    expect(bytesOf('2 GB')).toBe(2_000_000_000);
    expect(bytesOf('lots')).toBe(Number.POSITIVE_INFINITY);
  });
});
