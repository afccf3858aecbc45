import { monitorEventLoopDelay } from 'node:perf_hooks';
import { MAX_PAGE_BYTES, MAX_SUMMARY_TRAITS } from '@tandem/contract';
import { ENGINES } from '@tandem/engine/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, TEST_WRITE_KEY, type TestServer } from '../testing/test-server.js';

const writeKey = { authorization: `Basic ${Buffer.from(`${TEST_WRITE_KEY}:`).toString('base64')}` };
/** A page may pass the budget by its last item; items here are at most ~30 KB. */
const PAGE_BOUND = MAX_PAGE_BYTES + 64 * 1024;

/** `n` traits of `chars`-long text each. */
/** The longest the event loop was held while `work` ran (ms). */
async function longestStall(work: () => Promise<unknown>): Promise<number> {
  const delay = monitorEventLoopDelay({ resolution: 5 });
  const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  delay.enable();
  await tick(15); // the monitor's timer starts with the loop's next turn
  await work();
  await tick(15); // a stall shows when the timer fires after it
  delay.disable();
  return delay.max / 1e6;
}

const textTraits = (n: number, chars: number, prefix = 't') =>
  Object.fromEntries(Array.from({ length: n }, (_, i) => [`${prefix}${i}`, `${i}`.padEnd(chars, '.')]));

describe.each(ENGINES)('list responses bounded in bytes on %s', (kind) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(kind);
  });
  afterAll(() => server.close());

  const get = (url: string) => server.app.inject({ url, headers: server.owner });
  /** Sends calls in batches under the 500 KB body limit. */
  async function track(calls: Record<string, unknown>[], perBatch = 15) {
    for (let start = 0; start < calls.length; start += perBatch) {
      const batch = calls.slice(start, start + perBatch);
      const response = await server.app.inject({
        method: 'POST',
        url: '/v1/batch',
        headers: writeKey,
        payload: { batch },
      });
      expect(response.json()).toEqual({ success: true });
    }
    await server.engine.pipeline.catchUp();
  }
  /** Every item of a list, page by page; fails on a page past the byte bound. */
  async function everyPage(url: string): Promise<{ ids: string[]; pages: number }> {
    const ids: string[] = [];
    let pages = 0;
    for (let cursor: string | null = null; ; ) {
      const page = await get(`${url}${cursor === null ? '' : `&cursor=${encodeURIComponent(cursor)}`}`);
      expect(page.statusCode).toBe(200);
      expect(page.body.length).toBeLessThan(PAGE_BOUND);
      const body = page.json() as { data: { id: string }[]; nextCursor: string | null };
      ids.push(...body.data.map((item) => item.id));
      pages += 1;
      cursor = body.nextCursor;
      if (cursor === null) return { ids, pages };
    }
  }

  it('lists and shows a profile holding 60,000 traits without holding the event loop 100 ms', async () => {
    await track([
      { type: 'identify', userId: 'hoarder', traits: { name: 'Hoarder', email: 'h@example.com' } },
    ]);
    const hoarder = (await get('/api/v1/profiles/lookup?type=user_id&value=hoarder')).json();
    // As a store written before traits per profile were bounded could hold them.
    const rows = Array.from({ length: 60_000 }, (_, i) => ({
      workspace_id: server.workspaceId,
      profile_id: hoarder.id,
      name: `a${String(i).padStart(5, '0')}`,
      value: JSON.stringify(i % 1000 === 0 ? 'y'.repeat(30_000) : `value ${i}`),
      value_text: null,
      priority: 0,
      set_at: '2024-01-01T00:00:00.000Z',
      message_id: `m${i}`,
      first_seen: '2024-01-01T00:00:00.000Z',
      last_seen: '2024-01-01T00:00:00.000Z',
      previous_value: null,
    }));
    for (let start = 0; start < rows.length; start += 2000) {
      await server.engine.store.db
        .insertInto('profile_traits')
        .values(rows.slice(start, start + 2000))
        .execute();
    }

    let response = await get('/api/v1/profiles?limit=1000');
    expect(
      await longestStall(async () => (response = await get('/api/v1/profiles?limit=1000'))),
    ).toBeLessThan(100);
    expect(response.statusCode).toBe(200);
    expect(response.body.length).toBeLessThan(PAGE_BOUND);
    const summary = response.json().data.find((p: { id: string }) => p.id === hoarder.id);
    expect(Object.keys(summary.traits)).toHaveLength(MAX_SUMMARY_TRAITS);
    // What lists show a person by comes first; long values are cut.
    expect(summary.traits).toMatchObject({ name: 'Hoarder', email: 'h@example.com' });
    expect(summary.traits.a00000).toBe(`${'y'.repeat(200)}…`);

    // Profiles listed after it still show their traits (the read it filled is finished per profile).
    await track(
      Array.from({ length: 3 }, (_, i) => ({
        type: 'identify',
        userId: `after-hoarder-${i}`,
        traits: { name: `After ${i}`, plan: 'pro' },
      })),
    );
    const after = (await get('/api/v1/profiles?limit=50')).json().data;
    expect(after.filter((p: { traits: { plan?: string } }) => p.traits.plan === 'pro')).toHaveLength(3);
    expect(after.find((p: { id: string }) => p.id === hoarder.id).traits.email).toBe('h@example.com');

    // The profile itself shows the traits the pipeline would keep of it: the first 1,000 names.
    let profile = await get(`/api/v1/profiles/${hoarder.id}`);
    expect(
      await longestStall(async () => (profile = await get(`/api/v1/profiles/${hoarder.id}`))),
    ).toBeLessThan(100);
    expect(Object.keys(profile.json().traits)).toHaveLength(1000);
  });

  it('stops a profile page early, with a cursor, once it passes the byte budget', async () => {
    await track(
      Array.from({ length: 60 }, (_, i) => ({
        type: 'identify',
        userId: `wide-${i}`,
        traits: textTraits(100, 250),
      })),
    );
    const { ids, pages } = await everyPage('/api/v1/profiles?limit=1000');
    expect(pages).toBeGreaterThan(1);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.length).toBeGreaterThanOrEqual(61);
  });

  it('stops a timeline page and the source’s recent events at the byte budget', async () => {
    await track(
      Array.from({ length: 40 }, (_, i) => ({
        type: 'track',
        userId: 'heavy',
        event: 'Heavy',
        messageId: `heavy-${String(i).padStart(2, '0')}`,
        properties: textTraits(28, 1000, 'p'),
      })),
    );
    const heavy = (await get('/api/v1/profiles/lookup?type=user_id&value=heavy')).json();
    const { ids, pages } = await everyPage(`/api/v1/profiles/${heavy.id}/events?limit=1000`);
    expect(pages).toBeGreaterThan(1);
    expect(new Set(ids).size).toBe(40);

    const recent = await get(`/api/v1/sources/${server.sourceId}/events?limit=1000`);
    expect(recent.statusCode).toBe(200);
    expect(recent.body.length).toBeLessThan(PAGE_BOUND);
    const shown = recent.json().data as { messageId: string }[];
    expect(shown.length).toBeGreaterThan(10);
    expect(shown.length).toBeLessThan(40);
    // Newest first.
    expect(shown[0]?.messageId).toBe('heavy-39');
  });
});
