import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../engine.js';
import { ENGINES, openTestEngine, trackingWorkspace } from '../../testing/index.js';

const HOUR = 3_600_000;

// "Orders in the last hour" falls back to 0 as time passes, with no event: the copy's person row
// (what insights filter people by) follows, as it follows changes events make.
describe.each(ENGINES)('computed values time alone changes, in the analytics copy on %s', (kind) => {
  let engine: Engine & { dispose(): Promise<void> };
  // The segment stage's clock: moved forward to let a window pass.
  let offsetMs = 0;

  beforeAll(async () => {
    engine = await openTestEngine(kind, {
      segment: { clock: () => Date.now() + offsetMs },
      pipeline: { pollMs: 50 },
    });
    engine.pipeline.start();
  });
  afterAll(() => engine.dispose());

  const recentOrdersOf = async (workspaceId: string, profileId: string) => {
    const [row] = await engine.analytics.query(
      `SELECT computed_traits::varchar AS computed FROM analytics_people
       WHERE workspace_id = $1 AND profile_id = $2`,
      [workspaceId, profileId],
    );
    return row ? (JSON.parse(String(row.computed)) as Record<string, unknown>)['recent orders'] : undefined;
  };
  const until = async (check: () => Promise<boolean>) => {
    const deadline = Date.now() + 10_000;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error('timed out');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };

  it('keeps the person row current when a window leaves a value behind', async () => {
    const { workspaceId, send, profileOf } = await trackingWorkspace(engine);
    const trait = await engine.computedTraits.create(workspaceId, {
      name: 'recent orders',
      kind: 'count',
      event: 'Order Completed',
      within: '1h',
    });
    if (!trait.ok) throw new Error(JSON.stringify(trait.error));
    await send({ type: 'track', userId: 'ada', event: 'Order Completed' });
    const ada = await profileOf('ada');
    await until(async () => (await recentOrdersOf(workspaceId, ada)) === 1);

    // Two hours on, the order has left the window: no event, yet the copy hears of it, once.
    offsetMs = 2 * HOUR;
    await until(async () => (await recentOrdersOf(workspaceId, ada)) === 0);
    const flagged = await engine.store.db
      .selectFrom('computed_trait_values')
      .select('profile_id')
      .where('workspace_id', '=', workspaceId)
      .where('analytics_time_changed', '=', 1)
      .execute();
    expect(flagged).toEqual([]);
  });
});
