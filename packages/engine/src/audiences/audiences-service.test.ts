import type { AudienceRule } from '@tandem/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../engine.js';
import { ENGINES, openTestEngine } from '../testing/index.js';
import { createWorkspace } from '../workspaces/index.js';

describe.each(ENGINES)('the audiences service on %s', (kind) => {
  let engine: Engine & { dispose(): Promise<void> };
  beforeAll(async () => {
    engine = await openTestEngine(kind);
  });
  afterAll(() => engine.dispose());

  it('lists a workspace’s audiences page by page, oldest first, and no other workspace’s', async () => {
    const { id: workspaceId } = await createWorkspace(engine.store, `ws ${Math.random()}`);
    const { id: otherId } = await createWorkspace(engine.store, `ws ${Math.random()}`);
    const rule: AudienceRule = { trait: 'plan', op: 'eq', value: 'pro' };
    const created: string[] = [];
    for (let i = 0; i < 5; i++) {
      const audience = await engine.audiences.create(workspaceId, { name: `a${i}`, rule });
      if (!audience.ok) throw new Error(JSON.stringify(audience.error));
      created.push(audience.value.id);
    }
    const other = await engine.audiences.create(otherId, { name: 'elsewhere', rule });

    const pages: string[][] = [];
    let cursor: string | undefined;
    do {
      const page = await engine.audiences.list(workspaceId, { limit: 2, cursor });
      pages.push(page.data.map((a) => a.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor !== undefined);
    expect(pages).toEqual([created.slice(0, 2), created.slice(2, 4), created.slice(4)]);

    const exact = await engine.audiences.list(workspaceId, { limit: 5 });
    expect(exact.data.map((a) => a.name)).toEqual(['a0', 'a1', 'a2', 'a3', 'a4']);
    expect(exact.nextCursor).toBeNull();
    expect((await engine.audiences.list(otherId, { limit: 50 })).data.map((a) => a.id)).toEqual([
      other.ok && other.value.id,
    ]);
  });
});
