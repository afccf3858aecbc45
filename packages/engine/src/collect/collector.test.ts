import { afterEach, describe, expect, it } from 'vitest';
import { Engine } from '../engine.js';
import { AppError } from '../errors/index.js';
import { ENGINES, isolatedStoreOptions } from '../testing/index.js';
import { createWorkspace } from '../workspaces/index.js';
import type { CollectedItem, CollectInput, CollectorOptions } from './index.js';

const SAFARI_MAC =
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15';

describe.each(ENGINES)('collector on %s', (kind) => {
  let disposers: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const dispose of disposers) await dispose();
    disposers = [];
  });

  async function setup(collector?: CollectorOptions) {
    const { options, dispose } = await isolatedStoreOptions(kind);
    const engine = await Engine.open({ ...options, collector });
    disposers.push(async () => {
      await engine.close();
      await dispose();
    });
    const workspace = await createWorkspace(engine.store, 'W');
    const created = await engine.sources.create(workspace.id, { name: 'Web' });
    const source = { workspaceId: workspace.id, sourceId: created.id };
    const collect = (calls: unknown[], extra: Partial<CollectInput> = {}) =>
      engine.collector.collect({ source, calls, request: {}, ...extra });
    const recent = () => engine.collector.recentEvents(source.workspaceId, source.sourceId, 100);
    return { engine, source, collect, recent };
  }

  it('stores each call type with its fields', async () => {
    const { collect, recent } = await setup();
    const result = await collect([
      { type: 'identify', userId: 'u1', traits: { email: 'a@example.com' } },
      { type: 'track', anonymousId: 'a1', event: 'Order Completed', properties: { total: 42 } },
      { type: 'page', userId: 'u1', name: 'Home', properties: { path: '/' } },
      { type: 'screen', userId: 'u1', name: 'Settings' },
      { type: 'group', userId: 'u1', groupId: 'co-9', traits: { name: 'Acme' } },
      { type: 'alias', userId: 'u1', previousId: 'a1' },
    ]);
    expect(result).toEqual({ stored: 6, duplicates: 0, rejected: [] });
    const events = (await recent()).reverse();
    expect(events.map((e) => e.type)).toEqual(['identify', 'track', 'page', 'screen', 'group', 'alias']);
    const [identify, track, page, screen, group, alias] = events;
    expect(identify?.payload.traits).toEqual({ email: 'a@example.com' });
    expect(track).toMatchObject({ event: 'Order Completed', anonymousId: 'a1', userId: null });
    expect(track?.payload.properties).toEqual({ total: 42 });
    expect(page?.payload).toMatchObject({ name: 'Home', properties: { path: '/' } });
    expect(screen?.payload.name).toBe('Settings');
    expect(group?.payload).toMatchObject({ groupId: 'co-9', traits: { name: 'Acme' } });
    expect(alias).toMatchObject({ userId: 'u1', payload: { previousId: 'a1' } });
    expect(new Set(events.map((e) => e.messageId)).size).toBe(6);
    expect(events.every((e, i) => i === 0 || e.seq > (events[i - 1]?.seq ?? 0))).toBe(true);
  });

  it('stores the four times, with the device clock skew corrected', async () => {
    const { collect, recent } = await setup();
    await collect([{ type: 'track', event: 'E', userId: 'u', timestamp: '2026-03-01T12:59:50Z' }], {
      shared: { sentAt: '2026-03-01T13:00:00Z' },
      receivedAt: new Date('2026-03-01T12:00:00Z'),
    });
    const [event] = await recent();
    expect(event).toMatchObject({
      timestamp: '2026-03-01T11:59:50.000Z',
      originalTimestamp: '2026-03-01T12:59:50.000Z',
      sentAt: '2026-03-01T13:00:00.000Z',
      receivedAt: '2026-03-01T12:00:00.000Z',
    });
    expect(event?.payload.timestamp).toBe('2026-03-01T11:59:50.000Z');
  });

  it('stores the valid calls of a batch and lists the invalid one by index, code and message', async () => {
    const { engine, source, collect, recent } = await setup();
    const result = await collect([
      { type: 'track', event: 'A', userId: 'u' },
      { type: 'track', userId: 'u' },
      { type: 'track', event: 'C', userId: 'u' },
    ]);
    expect(result.stored).toBe(2);
    expect(result.rejected).toEqual([
      { index: 1, code: 'missing_field', message: expect.stringContaining('`event`') },
    ]);
    expect((await recent()).map((e) => e.event)).toEqual(['C', 'A']);
    const rejections = await engine.collector.recentRejections(source.workspaceId, source.sourceId, 10);
    expect(rejections).toEqual([
      expect.objectContaining({ code: 'missing_field', payload: { type: 'track', userId: 'u' } }),
    ]);
  });

  it('stores a messageId once per source and counts the repeats as duplicates', async () => {
    const { engine, source, collect, recent } = await setup();
    const call = { type: 'track', event: 'E', userId: 'u', messageId: 'm-1' };
    expect(await collect([call, call])).toMatchObject({ stored: 1, duplicates: 1 });
    expect(await collect([call])).toMatchObject({ stored: 0, duplicates: 1 });
    const other = await engine.sources.create(source.workspaceId, { name: 'App' });
    const elsewhere = await engine.collector.collect({
      source: { ...source, sourceId: other.id },
      calls: [call],
      request: {},
    });
    expect(elsewhere.stored).toBe(1);
    expect(await recent()).toHaveLength(1);
  });

  it('stores a messageId once even when sent by concurrent requests', async () => {
    const { collect, recent } = await setup();
    const call = { type: 'track', event: 'E', userId: 'u', messageId: 'retried' };
    const results = await Promise.all(Array.from({ length: 20 }, () => collect([call])));
    expect(results.reduce((sum, r) => sum + r.stored, 0)).toBe(1);
    expect(results.reduce((sum, r) => sum + r.duplicates, 0)).toBe(19);
    expect(await recent()).toHaveLength(1);
  });

  it('stores 200 concurrent requests exactly once each in a few group commits', async () => {
    const { engine, source, collect } = await setup();
    const before = engine.log.transactionsCommitted;
    const results = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        collect([
          { type: 'track', event: 'E', userId: `u${i}`, messageId: `m${i}-a` },
          { type: 'track', event: 'E', userId: `u${i}`, messageId: `m${i}-b` },
        ]),
      ),
    );
    expect(results.every((r) => r.stored === 2)).toBe(true);
    expect(engine.log.transactionsCommitted - before).toBeLessThanOrEqual(3);
    const stats = await engine.collector.sourceStats(source.workspaceId, source.sourceId);
    expect(stats.events).toBe(400);
  });

  it('refuses requests as overloaded, with a retry delay, while the write queue is full', async () => {
    const { collect } = await setup({ maxQueuedEvents: 150 });
    const batch = (n: number) =>
      Array.from({ length: 100 }, (_, i) => ({
        type: 'track',
        event: 'E',
        userId: 'u',
        messageId: `${n}-${i}`,
      }));
    const results = await Promise.allSettled([collect(batch(1)), collect(batch(2)), collect(batch(3))]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'rejected']);
    const refusal = results[1]?.status === 'rejected' ? results[1].reason : undefined;
    expect(refusal).toBeInstanceOf(AppError);
    expect(refusal).toMatchObject({ code: 'overloaded', retryAfterSeconds: 1 });
    expect((await collect(batch(4))).stored).toBe(100);
  });

  it('enriches the context with the request ip, the parsed user agent and the UTM campaign', async () => {
    const { collect, recent } = await setup();
    await collect(
      [{ type: 'page', anonymousId: 'a', context: { page: { url: 'https://x.example/?utm_source=ads' } } }],
      {
        request: { ip: '203.0.113.7', userAgent: SAFARI_MAC },
      },
    );
    const [event] = await recent();
    expect(event?.payload.context).toMatchObject({
      ip: '203.0.113.7',
      browser: { name: 'Safari', version: '17.4' },
      os: { name: 'Mac OS' },
      campaign: { source: 'ads' },
    });
  });

  it('shows nothing of a source to another workspace', async () => {
    const { engine, source, collect } = await setup();
    await collect([{ type: 'track', event: 'E', userId: 'u' }, { type: 'track' }]);
    const stranger = await createWorkspace(engine.store, 'Other');
    expect(await engine.collector.recentEvents(stranger.id, source.sourceId, 10)).toEqual([]);
    expect(await engine.collector.recentRejections(stranger.id, source.sourceId, 10)).toEqual([]);
    expect(await engine.collector.sourceStats(stranger.id, source.sourceId)).toEqual({
      events: 0,
      rejections: 0,
      lastEventAt: null,
    });
    expect(await engine.collector.sourceStats(source.workspaceId, source.sourceId)).toMatchObject({
      events: 1,
      rejections: 1,
      lastEventAt: expect.any(String),
    });
  });

  it('tells subscribers of a source about each committed event and rejection', async () => {
    const { engine, source, collect } = await setup();
    const seen: CollectedItem[] = [];
    const unsubscribe = engine.collector.subscribe(source.sourceId, (item) => seen.push(item));
    engine.collector.subscribe('src_other', () => {
      throw new Error('a broken listener of another source');
    });
    await collect([{ type: 'track', event: 'Live', userId: 'u', messageId: 'x' }, { type: 'nope' }]);
    await collect([{ type: 'track', event: 'Live', userId: 'u', messageId: 'x' }]);
    expect(seen.map((item) => item.kind)).toEqual(['event', 'rejection']);
    const stored = await engine.collector.recentEvents(source.workspaceId, source.sourceId, 1);
    expect(seen[0]).toEqual({ kind: 'event', event: JSON.parse(JSON.stringify(stored[0])) });
    unsubscribe();
    await collect([{ type: 'track', event: 'Later', userId: 'u' }]);
    expect(seen).toHaveLength(2);
  });

  it('keeps rejections 7 days, purging them at most once an hour', async () => {
    let now = Date.parse('2026-03-10T00:00:00Z');
    const { engine, source, collect } = await setup({ clock: () => now });
    const count = async () =>
      (await engine.collector.sourceStats(source.workspaceId, source.sourceId)).rejections;
    await collect([{ type: 'bad' }], { receivedAt: new Date('2026-03-01T00:00:00Z') });
    await collect([{ type: 'bad' }]);
    expect(await count()).toBe(2);
    now += 30 * 60_000;
    await collect([{ type: 'bad' }]);
    expect(await count()).toBe(3);
    now += 31 * 60_000;
    await collect([{ type: 'bad' }]);
    expect(await count()).toBe(3);
  });

  it('stores text PostgreSQL refuses (NUL, lone surrogates) after cleaning it', async () => {
    const { collect, recent } = await setup();
    const result = await collect([
      { type: 'track', event: 'E\u0000', userId: 'u\ud800', properties: { k: '\u0000' } },
    ]);
    expect(result.stored).toBe(1);
    const [event] = await recent();
    expect(event).toMatchObject({ event: 'E', userId: 'u\ufffd', payload: { properties: { k: '' } } });
  });
});
