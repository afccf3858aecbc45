import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../engine.js';
import { ENGINES, openTestEngine } from '../testing/index.js';
import { createWorkspace } from '../workspaces/index.js';

describe.each(ENGINES)('the computed traits service on %s', (kind) => {
  let engine: Engine & { dispose(): Promise<void> };
  beforeAll(async () => {
    engine = await openTestEngine(kind);
  });
  afterAll(() => engine.dispose());

  it('lists a workspace’s computed traits page by page, oldest first, and no other workspace’s', async () => {
    const { id: workspaceId } = await createWorkspace(engine.store, `ws ${Math.random()}`);
    const { id: otherId } = await createWorkspace(engine.store, `ws ${Math.random()}`);
    const created: string[] = [];
    for (const name of ['orders', 'spend', 'last_order']) {
      const trait = await engine.computedTraits.create(workspaceId, { name, kind: 'count', event: 'Order' });
      if (!trait.ok) throw new Error(JSON.stringify(trait.error));
      created.push(trait.value.id);
    }
    await engine.computedTraits.create(otherId, { name: 'orders', kind: 'count', event: 'Order' });

    const first = await engine.computedTraits.list(workspaceId, { limit: 2 });
    expect(first.data.map((t) => t.id)).toEqual(created.slice(0, 2));
    expect(first.nextCursor).toBe(created[1]);
    const second = await engine.computedTraits.list(workspaceId, {
      limit: 2,
      cursor: first.nextCursor ?? undefined,
    });
    expect(second).toEqual({
      data: [expect.objectContaining({ id: created[2], name: 'last_order', kind: 'count' })],
      nextCursor: null,
    });
    expect((await engine.computedTraits.list(otherId, { limit: 50 })).data).toHaveLength(1);
  });
});
